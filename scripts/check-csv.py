#!/usr/bin/env python3
"""check-csv.py — strict check of the CSV files drsim writes.

Usage: check-csv.py [--kind KIND] [--min-rows N] FILE...

Parses each FILE with Python's csv module in strict mode (bad quoting is an
error) and checks what reports/csv.h promises:
  - UTF-8, ends with a line end, one header line with unique, non-empty names;
  - every record has as many fields as the header;
  - every non-text column holds a machine-readable number: digits with an
    optional '.', exponent and sign, or "inf" / "-inf", or empty (missing);
    no thousands separators, no "nan", no locale decimal commas;
  - KIND summary (the `drsim report --format csv` table): the header begins
    with the contract columns
    environment,metric,n,mean,p50,p90,p95,p99,max,objective,p_meet,p_meet_lo,p_meet_hi
    metric is one of rto, rpo, full_capacity, availability, downtime, n is an
    integer, p_meet and its bounds lie in [0, 1] with lo <= p_meet <= hi, and
    each estimate lies inside its interval (x_lo <= x <= x_hi).
  - KIND lifetime, causes, components: every estimate X with columns X_lo
    and X_hi lies inside them; causes' kind is component, disaster or
    failback.
KIND is guessed from the header when not given: summary, steps, components,
standby, trials, lifetime, causes, incidents, or generic (structure only).

Exit status 0 when every file passes, 1 otherwise (each problem printed as
FILE:LINE: message), 2 on bad usage.
"""
import csv
import math
import re
import sys

SUMMARY_PREFIX = ["environment", "metric", "n", "mean", "p50", "p90", "p95", "p99",
                  "max", "objective", "p_meet", "p_meet_lo", "p_meet_hi"]
METRICS = {"rto", "rpo", "full_capacity", "availability", "downtime",
           # cost rows (reports/costs.h): unit = the currency
           "loss", "loss_cvar95", "risk_annual", "standby_annual", "total_annual"}
TEXT_COLUMNS = {
    "summary": {"environment", "metric", "unit"},
    "steps": {"environment", "step", "standby"},
    "components": {"component", "environment", "replication_mode"},
    "standby": {"pool", "environment"},
    "trials": {"environment"},
    "lifetime": {"environment", "top_cause"},
    "causes": {"environment", "cause", "kind"},
    "incidents": {"environment", "cause"},
}
NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def guess_kind(header):
    if header[:len(SUMMARY_PREFIX)] == SUMMARY_PREFIX:
        return "summary"
    first = header[:2]
    if first == ["environment", "step"]:
        return "steps"
    if first and first[0] == "component":
        return "components"
    if first and first[0] == "pool":
        return "standby"
    if first == ["run_id", "environment"]:
        return "incidents" if "incident" in header else "trials"
    if first == ["environment", "n"] and "availability" in header:
        return "lifetime"
    if first == ["environment", "cause"]:
        return "causes"
    return "generic"


def as_number(text):
    """The value of a numeric field, None when empty; raises ValueError."""
    if text == "":
        return None
    if text == "inf":
        return math.inf
    if text == "-inf":
        return -math.inf
    if not NUMBER.match(text):
        raise ValueError(text)
    return float(text)


def check_file(path, kind, min_rows):
    problems = []

    def problem(line, msg):
        problems.append(f"{path}:{line}: {msg}")

    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        return [f"{path}:0: cannot read: {e.strerror}"]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return [f"{path}:0: not UTF-8 ({e.reason} at byte {e.start})"]
    if not text:
        return [f"{path}:1: empty file: expected a header line"]
    if not text.endswith("\n"):
        problem(text.count("\n") + 1, "the last line has no line end")

    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        rows = list(reader)
    except csv.Error as e:
        return problems + [f"{path}:{reader.line_num}: malformed CSV: {e}"]
    header = rows[0]
    if not header or any(h == "" for h in header):
        problem(1, "the header has an empty column name")
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        problem(1, f"duplicate column names: {', '.join(dup)}")
    if kind is None:
        kind = guess_kind(header)
    if kind == "summary" and header[:len(SUMMARY_PREFIX)] != SUMMARY_PREFIX:
        problem(1, "the summary header must begin with " + ",".join(SUMMARY_PREFIX))
        return problems
    if len(rows) - 1 < min_rows:
        problem(len(rows), f"{len(rows) - 1} data rows, expected at least {min_rows}")

    text_cols = TEXT_COLUMNS.get(kind)
    col = {name: i for i, name in enumerate(header)}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            problem(line, f"{len(row)} fields, the header has {len(header)}")
            continue
        if text_cols is None:
            continue
        values = {}
        for name, field in zip(header, row):
            if name in text_cols:
                continue
            try:
                values[name] = as_number(field)
            except ValueError:
                problem(line, f"column {name}: '{field}' is not a machine-readable number")
        if kind in ("lifetime", "causes", "components"):
            # every estimate X with columns X_lo and X_hi lies inside them
            for est in header:
                lo, hi = values.get(est + "_lo"), values.get(est + "_hi")
                v = values.get(est)
                if v is None or lo is None or hi is None:
                    continue
                if not lo <= v <= hi:
                    problem(line, f"{est} = {v} is not inside [{lo}, {hi}]")
        if kind == "causes" and row[col["kind"]] not in ("component", "disaster", "failback"):
            problem(line, f"unknown kind '{row[col['kind']]}'")
        if kind != "summary":
            continue
        metric = row[col["metric"]]
        if metric not in METRICS:
            problem(line, f"unknown metric '{metric}'")
        n = values.get("n")
        if n is None or not float(n).is_integer() or n < 0:
            problem(line, f"n must be a non-negative integer, got '{row[col['n']]}'")
        for name in ("p_meet", "p_meet_lo", "p_meet_hi"):
            v = values.get(name)
            if v is not None and not 0.0 <= v <= 1.0:
                problem(line, f"{name} = {v} is outside [0, 1]")
        for est in ("p_meet", "mean", "p50", "p90", "p95", "p99"):
            lo_name = est + "_lo" if est != "p_meet" else "p_meet_lo"
            hi_name = est + "_hi" if est != "p_meet" else "p_meet_hi"
            if lo_name not in col or hi_name not in col:
                continue
            v, lo, hi = values.get(est), values.get(lo_name), values.get(hi_name)
            if v is None or lo is None or hi is None:
                continue
            if not lo <= v <= hi:
                problem(line, f"{est} = {v} is not inside [{lo}, {hi}]")
        if values.get("objective") is None and values.get("p_meet") is not None:
            problem(line, "p_meet given without an objective")
    return problems


def main(argv):
    kind, min_rows, files = None, 0, []
    args = iter(argv[1:])
    for a in args:
        if a == "--kind":
            kind = next(args, None)
            if kind not in TEXT_COLUMNS and kind != "generic":
                print("check-csv.py: --kind needs one of summary, steps, components, "
                      "standby, trials, lifetime, causes, incidents, generic",
                      file=sys.stderr)
                return 2
        elif a == "--min-rows":
            try:
                min_rows = int(next(args, ""))
            except ValueError:
                print("check-csv.py: --min-rows needs an integer", file=sys.stderr)
                return 2
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            files.append(a)
    if not files:
        print("usage: check-csv.py [--kind KIND] [--min-rows N] FILE...", file=sys.stderr)
        return 2
    status = 0
    for path in files:
        problems = check_file(path, kind, min_rows)
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
