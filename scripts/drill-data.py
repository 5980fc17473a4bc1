#!/usr/bin/env python3
# drill-data.py — writes the synthetic data of the teaching scenario
# scenarios/drill-calibration.yaml into scenarios/drill-calibration/:
# drills.csv (a drill log), restore-db.csv (restore durations for drsim fit)
# and observed.csv (end-to-end recoveries for drsim check), all drawn with a
# fixed seed from the "true" laws below, which differ from the scenario's
# guesses on purpose. Run from the repository root; output is deterministic.
import datetime as dt
import math
import random

SEED = 20260112
Z95 = 1.6448536269514722
TRUTH = {
    "detection": ("exponential", 8 * 60),
    "approve-failover": ("lognormal", 30 * 60, 90 * 60),
    "restore-db": ("lognormal", 18 * 60, 50 * 60),
}
RESTORE_FAIL = 0.20
RETRY_MAX, RETRY_DELAY = 2, 5 * 60
STOP_AFTER = 45 * 60   # a drill is called off when a restore attempt passes 45m
DNS = 5 * 60
VERIFY = ("lognormal", 10 * 60, 25 * 60)


def draw(rng, law):
    if law[0] == "exponential":
        return rng.expovariate(1 / law[1])
    mu, sigma = math.log(law[1]), (math.log(law[2]) - math.log(law[1])) / Z95
    return math.exp(rng.gauss(mu, sigma))


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def header(f, what):
    f.write("# synthetic %s for scenarios/drill-calibration.yaml, written by\n" % what)
    f.write("# scripts/drill-data.py (seed %d). True laws: detection exponential mean 8m;\n" % SEED)
    f.write("# approve-failover lognormal median 30m p95 90m; restore-db lognormal median 18m\n")
    f.write("# p95 50m, fails 20 %, retried twice after 5m; a drill is called off when a\n")
    f.write("# restore attempt passes 45m (that attempt is censored); switch-dns 5m; verify\n")
    f.write("# lognormal median 10m p95 25m.\n")


def main():
    rng = random.Random(SEED)
    with open("scenarios/drill-calibration/drills.csv", "w") as f:
        header(f, "drill log")
        f.write("drill,environment,step,start,end,outcome\n")
        for month in range(1, 13):
            t = dt.datetime(2026, month, 10, 10, 0, 0)
            drill = "2026-%02d" % month
            for step in ("detection", "approve-failover"):
                d = draw(rng, TRUTH[step])
                f.write("%s,production,%s,%s,%s,ok\n" % (drill, step, stamp(t),
                                                        stamp(t + dt.timedelta(seconds=round(d)))))
                t += dt.timedelta(seconds=round(d))
            for attempt in range(RETRY_MAX + 1):
                d = draw(rng, TRUTH["restore-db"])
                if d > STOP_AFTER:
                    f.write("%s,production,restore-db,%s,%s,censored\n" % (
                        drill, stamp(t), stamp(t + dt.timedelta(seconds=STOP_AFTER))))
                    break
                failed = rng.random() < RESTORE_FAIL
                f.write("%s,production,restore-db,%s,%s,%s\n" % (
                    drill, stamp(t), stamp(t + dt.timedelta(seconds=round(d))),
                    "failed" if failed else "ok"))
                t += dt.timedelta(seconds=round(d))
                if not failed:
                    break
                t += dt.timedelta(seconds=RETRY_DELAY)
    with open("scenarios/drill-calibration/restore-db.csv", "w") as f:
        header(f, "restore durations (200 restores, timeouts at 45m censored)")
        f.write("duration,censored\n")
        for _ in range(200):
            d = draw(rng, TRUTH["restore-db"])
            if d > STOP_AFTER:
                f.write("45m,1\n")
            else:
                f.write("%.0f,0\n" % d)
    with open("scenarios/drill-calibration/observed.csv", "w") as f:
        header(f, "end-to-end recoveries (production failover tests)")
        f.write("environment,rto,censored\n")
        for _ in range(15):
            t = draw(rng, TRUTH["detection"]) + draw(rng, TRUTH["approve-failover"])
            done = False
            for attempt in range(RETRY_MAX + 1):
                t += draw(rng, TRUTH["restore-db"])
                if rng.random() >= RESTORE_FAIL:
                    done = True
                    break
                if attempt < RETRY_MAX:
                    t += RETRY_DELAY
            if done:
                t += DNS + draw(rng, VERIFY)
                f.write("production,%.0f,0\n" % t)
            else:
                f.write("production,%.0f,1\n" % t)


if __name__ == "__main__":
    main()
