#!/usr/bin/env python3
"""scripts/bench/ks.py — two-sample Kolmogorov-Smirnov test in plain Python
(standard library only), for scripts/bench-peer.sh.

D = sup_x |F1(x) - F2(x)| over the two empirical CDFs, evaluated after every
distinct value so that ties (equal values, and +inf for trials that never
recovered) are handled exactly: both CDFs jump together at a shared value.
The p-value is the asymptotic one, P(K > lambda) of the Kolmogorov
distribution at lambda = (sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) * D with
ne = n m / (n + m) (Stephens' small-sample correction, as in Numerical
Recipes' kstwo; negligible at the thousands of trials used here). With atoms
in the distributions (the +inf of not-recovered trials) the test is
conservative.

Usage as a program:
  ks.py A.csv COL_A B.csv COL_B [--alpha 0.01] [--label NAME]
prints "NAME: n=.. m=.. D=.. p=.. PASS|FAIL (alpha)" and exits 1 on FAIL;
"inf"/empty cells are +inf. `ks.py --self-test` checks the implementation
against tabulated critical values and hand-computed statistics.
"""
import argparse
import csv
import math
import sys


def ks_statistic(a, b):
    """Two-sample KS statistic D of sequences a and b (floats, +inf allowed)."""
    a, b = sorted(a), sorted(b)
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        raise ValueError("empty sample")
    i = j = 0
    d = 0.0
    while i < n and j < m:
        x = min(a[i], b[j])
        while i < n and a[i] == x:   # step both CDFs past every copy of x
            i += 1
        while j < m and b[j] == x:
            j += 1
        d = max(d, abs(i / n - j / m))
    return d


def kolmogorov_q(lam):
    """P(K > lam) for the Kolmogorov distribution K = sup |Brownian bridge|.
    Large lam: the alternating series 2 sum (-1)^(k-1) exp(-2 k^2 lam^2);
    small lam, where that converges slowly: 1 - the Jacobi theta form
    sqrt(2 pi) / lam * sum exp(-(2k-1)^2 pi^2 / (8 lam^2))."""
    if lam <= 0:
        return 1.0
    if lam < 1.18:
        s = 0.0
        for k in range(1, 50):
            t = math.exp(-((2 * k - 1) ** 2) * math.pi ** 2 / (8 * lam * lam))
            s += t
            if t < 1e-17:
                break
        return max(0.0, min(1.0, 1.0 - math.sqrt(2 * math.pi) / lam * s))
    s = 0.0
    for k in range(1, 101):
        t = math.exp(-2 * k * k * lam * lam)
        s += t if k % 2 else -t
        if t < 1e-17:
            break
    return max(0.0, min(1.0, 2 * s))


def ks_2samp(a, b):
    """(D, p) of the two-sample test, p asymptotic (see the file header)."""
    d = ks_statistic(a, b)
    ne = len(a) * len(b) / (len(a) + len(b))
    lam = (math.sqrt(ne) + 0.12 + 0.11 / math.sqrt(ne)) * d
    return d, kolmogorov_q(lam)


def read_column(path, col):
    out = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            v = row[col].strip()
            out.append(math.inf if v in ("", "inf", "Infinity") else float(v))
    return out


def self_test():
    # Tabulated asymptotic critical values: P(K > 1.3581) = 0.05,
    # P(K > 1.6276) = 0.01, P(K > 1.2238) = 0.10, P(K > 1.9495) = 0.001.
    for lam, q in ((1.2238, 0.10), (1.3581, 0.05), (1.6276, 0.01), (1.9495, 0.001)):
        assert abs(kolmogorov_q(lam) - q) < 2e-4 * max(1, q * 100), (lam, kolmogorov_q(lam), q)
    # Median of K is 0.8276: P(K > 0.8276) = 0.5 (small-lambda branch).
    assert abs(kolmogorov_q(0.8276) - 0.5) < 2e-4, kolmogorov_q(0.8276)
    # The two series agree where they meet.
    lo = kolmogorov_q(1.18 - 1e-12)
    assert abs(lo - kolmogorov_q(1.18)) < 1e-9
    # Hand-computed statistics: disjoint samples D = 1; identical D = 0;
    # a = {1,2,3,4}, b = {3,4,5,6}: after 2, F_a = 1/2, F_b = 0 -> D = 1/2.
    assert ks_statistic([1, 2], [3, 4]) == 1.0
    assert ks_statistic([1, 2, 3], [3, 2, 1]) == 0.0
    assert ks_statistic([1, 2, 3, 4], [3, 4, 5, 6]) == 0.5
    # Ties across samples: a = {1, 1, inf}, b = {1, inf, inf}: after 1,
    # 2/3 vs 1/3; after inf both 1 -> D = 1/3 (a naive merge that steps one
    # sample at a time would report 2/3 at the tie).
    assert abs(ks_statistic([1, 1, math.inf], [1, math.inf, math.inf]) - 1 / 3) < 1e-15
    assert ks_statistic([math.inf] * 3, [math.inf] * 5) == 0.0
    print("ks.py self-test: ok")
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    ap = argparse.ArgumentParser(description="two-sample Kolmogorov-Smirnov test of two CSV columns")
    ap.add_argument("a")
    ap.add_argument("col_a")
    ap.add_argument("b")
    ap.add_argument("col_b")
    ap.add_argument("--alpha", type=float, default=0.01)
    ap.add_argument("--label", default="KS")
    x = ap.parse_args()
    a, b = read_column(x.a, x.col_a), read_column(x.b, x.col_b)
    d, p = ks_2samp(a, b)
    verdict = "PASS" if p >= x.alpha else "FAIL"
    print("%s: n=%d m=%d D=%.5f p=%.4f %s (rejects below %g)" % (x.label, len(a), len(b), d, p,
                                                                  verdict, x.alpha))
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
