#!/usr/bin/env python3
"""scripts/bench/simpy_reference.py — the peer benchmark's SimPy model.

What a user would write in SimPy (Debian's python3-simpy3, `import simpy`)
for the subset of the reference scenario in scripts/bench/peer-subset.yaml:
the production failover workflow of azure-aks-east-west (detection, a DAG of
10 steps with retries, a manual gate, a standby scale-up with a capacity
shortage and at most max_parallel nodes provisioning at once, components
failing over on their own clock), and its RPO (async replication lags,
periodic backups and snapshots). scripts/bench-peer.sh runs it next to drsim
with the same trial count and compares speed and the RTO / RPO
distributions (two-sample Kolmogorov-Smirnov, scripts/bench/ks.py).

It is written from the model's definition (docs/semantics.md, scenarios/README.md
and the header of models/disaster_sim.c), not from drsim's code, and draws
from Python's own `random` with its own seed: the two samples are
independent, as the two-sample KS test assumes. Python's standard library
has no YAML reader, so the scenario is restated below as Python data in the
YAML's own words (durations as "1h30m" strings); keep it in step with
peer-subset.yaml.

Usage: simpy_reference.py N_TRIALS OUT.csv [--seed S]
Writes OUT.csv (trial,rto_s,rpo_s; rto_s "inf" when not recovered) and
prints one line "simpy: N trials in S s (R trials/s)" on stdout, S being the
wall time of the trial loop only (no start-up, no CSV writing).
"""
import argparse
import math
import random
import re
import statistics
import sys
import time

import simpy

# --------------------------------------------------------------- scenario
# Mirrors scripts/bench/peer-subset.yaml. Only what a disaster trial uses.

COMPONENTS = [
    # name, replication, failover, depends_on; all in eastus (lost), and all
    # count for production's RPO (shared ones have no environment).
    dict(name="acr", repl=dict(mode="async", lag=("lognormal", "1m", "10m")),
         failover=dict(after="0s", duration=("uniform", "1m", "5m"))),
    dict(name="keyvault", repl=dict(mode="sync")),
    dict(name="expressroute",
         failover=dict(after="0s", duration=("uniform", "30s", "3m"))),
    dict(name="aks-prod", depends_on=["acr", "keyvault"],
         failover=dict(by="scale-up-aks")),
    dict(name="sql-prod", repl=dict(mode="async", lag=("lognormal", "1s", "5s")),
         failover=dict(after="1h", duration=("lognormal", "1m", "5m"))),
    dict(name="cosmos-prod", repl=dict(mode="async", lag=("lognormal", "1s", "30s"))),
    dict(name="postgres-prod",
         repl=dict(mode="periodic", interval="5m", copy=("lognormal", "20m", "50m"),
                   retention="35d"),
         failover=dict(by="restore-persistent-data")),
    dict(name="storage-blob-prod", repl=dict(mode="async", lag=("lognormal", "3m", "12m")),
         failover=dict(by="restore-persistent-data")),
    dict(name="pv-snapshots-prod",
         repl=dict(mode="periodic", interval="1h", copy=("uniform", "15m", "2h"),
                   failure_probability=0.02, retention="30d"),
         failover=dict(by="restore-persistent-data")),
]

STANDBY = {
    "aks-prod-dr": dict(warm_nodes=1, required_nodes=5,
                        provision=("lognormal", "5m", "12m"), max_parallel=2,
                        shortage_probability=0.05,
                        shortage_delay=("lognormal", "1h", "4h")),
}

DETECTION = ("lognormal", "10m", "30m")

STEPS = [
    dict(name="validate-dr-readiness", duration=("triangular", "5m", "8m", "20m")),
    dict(name="approve-failover", needs=["validate-dr-readiness"],
         duration=("lognormal", "20m", "1h30m")),      # manual gate, no on-call clock
    dict(name="scale-up-aks", needs=["approve-failover"], standby="aks-prod-dr"),
    dict(name="terraform-apply", needs=["scale-up-aks"],
         duration=("lognormal", "12m", "35m"), failure_probability=0.15,
         retry=dict(max=3, delay="10m")),
    dict(name="configure-networking", needs=["terraform-apply", "expressroute"],
         duration=("triangular", "5m", "10m", "30m")),
    dict(name="deploy-applications", needs=["configure-networking", "acr", "keyvault"],
         duration=("lognormal", "12m", "35m"), failure_probability=0.05,
         retry=dict(max=2, delay="5m")),
    dict(name="restore-persistent-data", needs=["deploy-applications"],
         duration=("lognormal", "20m", "1h"), failure_probability=0.1,
         retry=dict(max=2, delay="15m")),
    dict(name="update-dns-and-load-balancer", needs=["restore-persistent-data"],
         duration=("triangular", "3m", "5m", "20m")),
    dict(name="validate-application-health",
         needs=["update-dns-and-load-balancer", "sql-prod", "cosmos-prod"],
         duration=("triangular", "5m", "10m", "30m")),
    dict(name="notification", needs=["validate-application-health"],
         duration=("triangular", "2m", "5m", "10m")),
]

# ----------------------------------------------------------- distributions

_UNIT = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_Z95 = statistics.NormalDist().inv_cdf(0.95)


def seconds(text):
    """'1h30m' -> 5400.0 (the units of scenario durations)."""
    parts = re.findall(r"(\d+(?:\.\d+)?)([smhd])", text)
    if not parts or "".join(a + b for a, b in parts) != text:
        raise ValueError("bad duration %r" % text)
    return sum(float(a) * _UNIT[b] for a, b in parts)


def sampler(spec, rng):
    """A zero-argument function drawing seconds from a distribution spec:
    ("lognormal", median, p95): ln X ~ N(ln median, ((ln p95 - ln median) / z95)^2);
    ("uniform", min, max); ("triangular", min, mode, max)."""
    kind, args = spec[0], [seconds(a) for a in spec[1:]]
    if kind == "lognormal":
        mu = math.log(args[0])
        sigma = (math.log(args[1]) - mu) / _Z95
        return lambda: rng.lognormvariate(mu, sigma)
    if kind == "uniform":
        lo, hi = args
        return lambda: rng.uniform(lo, hi)
    if kind == "triangular":
        lo, mode, hi = args
        return lambda: rng.triangular(lo, hi, mode)
    raise ValueError("unsupported distribution %r" % kind)


class Model:
    """The scenario with every distribution bound to one random.Random."""

    def __init__(self, rng):
        self.rng = rng
        self.detection = sampler(DETECTION, rng)
        self.comps = []
        for c in COMPONENTS:
            x = dict(name=c["name"], depends_on=c.get("depends_on", []),
                     repl=dict(c.get("repl", {"mode": "none"})), failover=None)
            r = x["repl"]
            if r["mode"] == "async":
                r["lag"] = sampler(r["lag"], rng)
            elif r["mode"] == "periodic":
                r["interval"] = seconds(r["interval"])
                r["retention"] = seconds(r["retention"])
                r["copy"] = sampler(r["copy"], rng)
                r.setdefault("failure_probability", 0.0)
            f = c.get("failover")
            if f and "by" in f:
                x["failover"] = ("step", f["by"])
            elif f:
                x["failover"] = ("auto", seconds(f["after"]), sampler(f["duration"], rng))
            self.comps.append(x)
        self.pools = {}
        for name, p in STANDBY.items():
            self.pools[name] = dict(p, provision=sampler(p["provision"], rng),
                                    shortage_delay=sampler(p["shortage_delay"], rng))
        self.steps = []
        for s in STEPS:
            retry = s.get("retry", {"max": 0, "delay": "0s"})
            self.steps.append(dict(
                name=s["name"], needs=s.get("needs", []), standby=s.get("standby"),
                duration=sampler(s["duration"], rng) if "duration" in s else None,
                failure_probability=s.get("failure_probability", 0.0),
                retry_max=retry["max"], retry_delay=seconds(retry["delay"])))

    # ---------------------------------------------------------------- RPO

    def rpo(self, r):
        """Data not yet in the standby region at t = 0, in seconds."""
        mode = r["mode"]
        if mode == "sync":
            return 0.0
        if mode == "async":
            return r["lag"]()
        # periodic: t = 0 falls uniformly in the cycle; walk back over the
        # backups, newest first, to the first that succeeded and whose copy
        # had finished by t = 0.
        interval, q, copy = r["interval"], r["failure_probability"], r["copy"]
        age = self.rng.uniform(0.0, interval)
        while age <= r["retention"]:
            if not (q > 0 and self.rng.random() < q) and copy() <= age:
                return age
            age += interval
        return math.inf

    # -------------------------------------------------------------- trial

    def trial(self):
        """One disaster: returns (rto_s, rpo_s); rto_s is inf when a step
        failed every attempt (production not recovered)."""
        rng = self.rng
        env = simpy.Environment()
        rpo = 0.0
        for c in self.comps:
            if c["repl"]["mode"] != "none":
                rpo = max(rpo, self.rpo(c["repl"]))

        step_done = {s["name"]: env.event() for s in self.steps}
        usable = {c["name"]: env.event() for c in self.comps}

        def component(c):
            f = c["failover"]
            if f is not None and f[0] == "auto":
                yield env.timeout(f[1] + f[2]())
            elif f is not None:
                yield step_done[f[1]]
            if c["depends_on"]:
                yield env.all_of([usable[d] for d in c["depends_on"]])
            usable[c["name"]].succeed()

        def node(slots, pool):
            with slots.request() as req:
                yield req
                yield env.timeout(pool["provision"]())

        def scale_up(pool):
            if rng.random() < pool["shortage_probability"]:
                yield env.timeout(pool["shortage_delay"]())
            n = pool["required_nodes"] - pool["warm_nodes"]
            slots = simpy.Resource(env, capacity=pool["max_parallel"])
            yield env.all_of([env.process(node(slots, pool)) for _ in range(n)])

        def step(s):
            waits = [detected] + [step_done[n] if n in step_done else usable[n]
                                  for n in s["needs"]]
            yield env.all_of(waits)
            for attempt in range(s["retry_max"] + 1):
                if s["standby"]:
                    yield env.process(scale_up(self.pools[s["standby"]]))
                else:
                    yield env.timeout(s["duration"]())
                p = s["failure_probability"]
                if not (p > 0 and rng.random() < p):
                    step_done[s["name"]].succeed(env.now)
                    return
                if attempt < s["retry_max"]:
                    yield env.timeout(s["retry_delay"])
            # every attempt failed: the step never completes

        for c in self.comps:
            env.process(component(c))
        detected = env.timeout(self.detection())
        for s in self.steps:
            env.process(step(s))
        env.run()
        # RTO: the last step's completion (its event's value); a step that
        # never completed leaves production not recovered.
        if all(e.triggered for e in step_done.values()):
            return max(e.value for e in step_done.values()), rpo
        return math.inf, rpo


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("trials", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=20240501)
    a = ap.parse_args()
    model = Model(random.Random(a.seed))
    rows = []
    t0 = time.perf_counter()
    for _ in range(a.trials):
        rows.append(model.trial())
    dt = time.perf_counter() - t0
    with open(a.out, "w") as f:
        f.write("trial,rto_s,rpo_s\n")
        for i, (rto, rpo) in enumerate(rows):
            f.write("%d,%r,%r\n" % (i, rto, rpo))
    print("simpy: %d trials in %.2f s (%.0f trials/s)" % (a.trials, dt, a.trials / dt))


if __name__ == "__main__":
    sys.exit(main())
