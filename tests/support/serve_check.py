#!/usr/bin/env python3
"""serve_check.py DRSIM SCENARIO PORT WORKDIR -- checks of a running
`drsim serve` (tests/e2e_serve.sh starts it with --max-runs 1 --max-queue 1
--max-trials 200000 --max-body 65536 and a database in WORKDIR):

  - the page: 200, HTML, self-contained (no external src/href/url), CSP;
  - hostile input, each a clear 4xx and the server still serving after it:
    oversized bodies (declared and chunked), unknown parameters, trials
    above the cap, malformed JSON, non-object bodies, unknown keys, YAML
    maps or `file:` smuggled in a value, path traversal in every spelling,
    wrong methods and content types, a foreign Host header;
  - a bad value gets exactly the located message `drsim run --set` prints;
  - results: P(meet) of every environment and metric equals `drsim run`
    with the same scenario, overrides, seed and trials (current and
    baseline), and the paired change is their difference (common random
    numbers: same trials with and without the override);
  - admission: with one run slot and one queue place, a third concurrent
    run gets 429 with Retry-After, the others 200;
  - cancellation: a streaming client that leaves and a waiting client that
    times out both stop their run (counted in /api/status), quickly;
  - save: the configuration becomes a stored run of the database.

Prints TAP-like "ok"/"not ok" lines; exit status 1 when any check failed.
"""
import csv
import http.client
import io
import json
import socket
import subprocess
import sys
import threading
import time

drsim, scenario, port, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
slow = len(sys.argv) > 5 and sys.argv[5] == "slow-build"
fails = 0


def ok(cond, what):
    global fails
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        fails += 1
    return cond


def request(method, path, body=None, headers=None, timeout=120, raw_body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = {"Content-Type": "application/json"} if body is not None or raw_body is not None else {}
    h.update(headers or {})
    data = raw_body if raw_body is not None else (json.dumps(body) if body is not None else None)
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    text = r.read()
    c.close()
    return r.status, dict(r.getheaders()), text


def jrequest(method, path, body=None, **kw):
    st, hd, text = request(method, path, body, **kw)
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    return st, hd, doc


def still_serving(after):
    st, _, doc = jrequest("GET", "/api/status")
    return ok(st == 200 and doc is not None and "running" in doc, "still serving after " + after)


def drsim_csv(overrides, seed, trials, name):
    cmd = [drsim, "run", scenario, "--seed", str(seed), "--trials", str(trials), "--db",
           "%s/%s.db" % (work, name), "--quiet", "--format", "csv"]
    for o in overrides:
        cmd += ["--set", o]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rows = {}
    for row in csv.DictReader(io.StringIO(out)):
        rows[row["environment"] + "." + row["metric"]] = row
    return rows


# ------------------------------------------------------------ the page
st, hd, page = request("GET", "/")
html = page.decode("utf-8", "replace")
ok(st == 200 and hd.get("Content-Type", "").startswith("text/html"), "GET / serves the page")
import re
external = re.findall(r'(?:src|href)\s*=\s*["\']?(?:https?:)?//|url\(\s*["\']?(?:https?:)?//|<link\s|<script[^>]*\ssrc\s*=', html)
ok(not external, "the page references nothing outside itself %s" % external[:3])
ok("default-src 'none'" in hd.get("Content-Security-Policy", ""), "the page is served with a CSP that forbids other origins")
st, _, sc = jrequest("GET", "/api/scenario")
paths = [p["path"] for p in sc["parameters"]] if sc else []
ok(st == 200 and "standby.aks-prod-dr.warm_nodes" in paths, "GET /api/scenario lists warm_nodes")
wn = [p for p in sc["parameters"] if p["path"] == "standby.aks-prod-dr.warm_nodes"][0]
ok(wn["value"] == 1 and wn["min"] == 0 and wn["max"] == 5 and wn["group"] == "production"
   and wn["owner"] == "pool aks-prod-dr", "warm_nodes: value 1, range 0..5, grouped under production / pool aks-prod-dr")
ok("workflows.production.steps.approve-failover.off_hours.median" in paths,
   "distribution leaves are controls (approve-failover.off_hours.median)")

# ------------------------------------------------------------ hostile input
def expect(status, what, method="POST", path="/api/run", body=None, headers=None, raw_body=None,
           contains=None):
    st, hd, text = request(method, path, body, headers=headers, raw_body=raw_body)
    msg = ""
    try:
        msg = json.loads(text).get("error", "")
    except ValueError:
        pass
    good = st == status and msg != "" and (contains is None or contains in msg)
    ok(good, "%s: %d with a message (got %d: %s)" % (what, status, st, msg[:90]))
    still_serving(what)
    return msg


expect(413, "oversized body (Content-Length)", raw_body=b"{" + b" " * 100000 + b"}")


def chunked_oversize():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    def gen():
        for _ in range(40):
            yield b" " * 4096
    c.request("POST", "/api/run", body=gen(), headers={"Content-Type": "application/json"},
              encode_chunked=True)
    r = c.getresponse()
    r.read()
    return r.status


ok(chunked_oversize() == 413, "oversized chunked body without Content-Length: 413")
still_serving("a chunked oversized body")
expect(400, "unknown parameter", body={"overrides": {"standby.aks-prod-dr.warm_nodez": "3"}},
       contains="did you mean 'standby.aks-prod-dr.warm_nodes'")
expect(400, "unknown top-level key", body={"overides": {}})
expect(400, "trials above the cap", body={"trials": 200001}, contains="200000")
expect(400, "trials 0", body={"trials": 0})
expect(400, "trials not a number", body={"trials": "lots"})
expect(400, "negative seed", body={"seed": -1})
expect(400, "malformed JSON", raw_body=b'{"overrides": {', contains="not valid JSON")
expect(400, "JSON that is not an object", raw_body=b'[1, 2]')
expect(400, "overrides not an object", body={"overrides": ["standby.aks-prod-dr.warm_nodes=3"]})
expect(400, "a YAML map with file: smuggled into a value",
       body={"overrides": {"components.pv-snapshots-prod.replication.interval":
                           "{dist: empirical, file: /etc/passwd}"}}, contains="not a plain")
expect(400, "an alias smuggled into a value",
       body={"overrides": {"standby.aks-prod-dr.warm_nodes": "*a"}}, contains="not a plain")
expect(400, "an overlong value", body={"overrides": {"standby.aks-prod-dr.warm_nodes": "1" * 5000}})
expect(400, "too many overrides", body={"overrides": {"x%d" % i: "1" for i in range(300)}})
for p in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/api/../../../etc/passwd",
          "//etc/passwd", "/web/serve.js", "/serve.js", "/api/scenario/../../etc/passwd",
          "/..%2f..%2fetc%2fpasswd", "/%00", "/api/run%00"]:
    st, _, text = request("GET", p)
    ok(st == 404 and b"root:" not in text, "path traversal %s: 404, nothing read" % p)
still_serving("path traversal attempts")
expect(405, "GET on a POST route", method="GET", path="/api/run")
expect(405, "POST on the page", path="/", body={})
expect(415, "a form post (no JSON content type)", raw_body=b"trials=5",
       headers={"Content-Type": "application/x-www-form-urlencoded"})
expect(403, "a foreign Host header (DNS rebinding)", method="GET", path="/api/scenario",
       headers={"Host": "evil.example:80"})

# The same located message as the command line.
bad = "standby.aks-prod-dr.warm_nodes=-1"
cli = subprocess.run([drsim, "run", scenario, "--set", bad, "--db", work + "/bad.db", "--quiet"],
                     capture_output=True, text=True)
st, _, doc = jrequest("POST", "/api/run", {"overrides": {"standby.aks-prod-dr.warm_nodes": "-1"}})
first = cli.stderr.splitlines()[0] if cli.stderr else "(none)"
ok(cli.returncode == 2 and st == 400 and doc["errors"][0]["message"] == first and
   doc["errors"][0]["param"] == "standby.aks-prod-dr.warm_nodes",
   "a bad value: 400 with the CLI's located message for that control (%s)" % first)
bad_dur = "workflows.production.steps.approve-failover.off_hours.median"
cli = subprocess.run([drsim, "run", scenario, "--set", bad_dur + "=30x", "--db", work + "/bad.db",
                      "--quiet"], capture_output=True, text=True)
st, _, doc = jrequest("POST", "/api/run", {"overrides": {bad_dur: "30x"}})
ok(st == 400 and doc["errors"][0]["message"] == cli.stderr.splitlines()[0],
   "a bad duration: the CLI's message (%s)" % doc["errors"][0]["message"][:70])
still_serving("invalid values")

# ------------------------------------------------------------ results equal drsim run
trials = 2000 if slow else 5000
seed = 7
ov = {"standby.aks-prod-dr.warm_nodes": "5",
      "workflows.production.steps.approve-failover.off_hours.median": "15m"}
st, _, res = jrequest("POST", "/api/run", {"overrides": ov, "trials": trials, "seed": seed})
ok(st == 200, "POST /api/run with two overrides: 200")
cur = drsim_csv(["%s=%s" % kv for kv in ov.items()], seed, trials, "cur")
base = drsim_csv([], seed, trials, "base")
same = True
crn = True
for env in res["environments"]:
    for m in env["metrics"]:
        key = env["name"] + "." + m["metric"]
        c, b = m["current"]["p_meet"]["est"], m["baseline"]["p_meet"]["est"]
        if abs(c - float(cur[key]["p_meet"])) > 0 or abs(b - float(base[key]["p_meet"])) > 0:
            same = False
            print("# %s: page %r/%r, drsim run %s/%s" % (key, c, b, cur[key]["p_meet"], base[key]["p_meet"]))
        if abs(m["change"]["est"] - (c - b)) > 1e-12 or \
           m["change"]["better"] - m["change"]["worse"] != round((c - b) * trials):
            crn = False
ok(same, "P(meet) of every environment and metric equals drsim run's, current and baseline")
cli_json = json.loads(subprocess.run(
    [drsim, "run", scenario, "--seed", str(seed), "--trials", str(trials), "--db", work + "/json.db",
     "--quiet", "--format", "json"] + sum((["--set", "%s=%s" % kv] for kv in ov.items()), []),
    capture_output=True, text=True, check=True).stdout)
ok(res["summary"]["summary"] == cli_json["summary"] and
   res["summary"]["run"]["overrides"] == cli_json["run"]["overrides"],
   "the result's summary is drsim run --format json's, row for row")
ok(crn, "the paired change is the difference of the two P(meet) over the same trials")
ok(res["command"] == "drsim run %s --seed %d --trials %d --set %s --set %s" % (
    scenario, seed, trials, "standby.aks-prod-dr.warm_nodes=5", bad_dur + "=15m"),
   "the result carries the exact drsim run command")
prod = [m for m in res["environments"][0]["metrics"] if m["metric"] == "rto"][0]
ok(prod["change"]["lo"] > 0, "5 warm nodes and a faster night approval raise production P(RTO) "
   "with an interval above 0 (%+.4f [%+.4f, %+.4f])" % (prod["change"]["est"], prod["change"]["lo"],
                                                      prod["change"]["hi"]))
ok(len(prod["current"]["cdf"]) > 50 and all(a[0] <= b[0] and a[1] <= b[1] for a, b in
                                            zip(prod["current"]["cdf"], prod["current"]["cdf"][1:])),
   "the CDF points increase")

# ------------------------------------------------------------ 429 beyond one run and one waiting
big = 60000 if slow else 200000
results = [None] * 3


def fire(i):
    st, hd, _ = request("POST", "/api/run", {"trials": big, "seed": 1000 + i,
                                             "overrides": {"standby.aks-prod-dr.warm_nodes": "3"}})
    results[i] = (st, hd.get("Retry-After"))


threads = [threading.Thread(target=fire, args=(i,)) for i in range(3)]
for t in threads:
    t.start()
    time.sleep(0.05)
for t in threads:
    t.join()
codes = sorted(r[0] for r in results)
ok(codes == [200, 200, 429] and any(r[1] == "1" for r in results if r[0] == 429),
   "one run and one waiting: the third concurrent run gets 429 with Retry-After (%s)" % codes)


# ------------------------------------------------------------ cancellation
def status():
    return jrequest("GET", "/api/status")[2]


before = status()["cancelled"]
s = socket.create_connection(("127.0.0.1", port))
body = json.dumps({"trials": big, "seed": 4242, "stream": True}).encode()
s.sendall(b"POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          b"Content-Length: %d\r\n\r\n" % len(body) + body)
t0 = time.time()
got = s.recv(4096)
s.close()
end = time.time() + 30
while time.time() < end and (status()["running"] or status()["cancelled"] == before):
    time.sleep(0.05)
st_now = status()
ok(b"200 OK" in got and st_now["cancelled"] == before + 1 and st_now["running"] == 0,
   "a streaming client that leaves: its run stops (cancelled %d -> %d in %.2f s)" % (
       before, st_now["cancelled"], time.time() - t0))

before = st_now["cancelled"]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=0.3)
try:
    c.request("POST", "/api/run", body=json.dumps({"trials": big, "seed": 4343}),
              headers={"Content-Type": "application/json"})
    c.getresponse()
except (socket.timeout, TimeoutError):
    pass
c.close()
t0 = time.time()
end = time.time() + 30
while time.time() < end and (status()["running"] or status()["cancelled"] == before):
    time.sleep(0.05)
st_now = status()
ok(st_now["cancelled"] == before + 1 and st_now["running"] == 0,
   "a client that gives up waiting: its run stops %.2f s later" % (time.time() - t0))

# ------------------------------------------------------------ save
st, _, doc = jrequest("POST", "/api/save", {"trials": 1000, "overrides": {"standby.aks-prod-dr.warm_nodes": "4"}})
ok(st == 200 and doc["run_id"] >= 1, "POST /api/save stores the configuration as run %s" % (doc or {}).get("run_id"))
st, hd, rep = request("POST", "/api/report", {"trials": 1000})
ok(st == 200 and b"<svg" in rep and "attachment" in hd.get("Content-Disposition", ""),
   "POST /api/report returns the HTML report as a download")
still_serving("everything")
sys.exit(1 if fails else 0)
