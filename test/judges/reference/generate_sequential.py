# Offline generator for the reference numbers hard-coded in test/judges/sequential-*.test.ts.
# Not run by the test suite. Reproduce with:
#   python3 -m venv /tmp/scipy-venv && /tmp/scipy-venv/bin/pip install scipy savvi
#   /tmp/scipy-venv/bin/python test/judges/reference/generate_sequential.py
import json
import numpy as np
from scipy.special import betaln, betainc
from savvi.multinomial import Multinomial


def savvi_sequence(rho, k, rows):
    """Two-sided Beta-binomial mixture (savvi's Dirichlet-multinomial with d=2)."""
    test = Multinomial(0.05, np.array([rho, 1 - rho]), k)
    out = []
    for row in rows:
        test.update(np.array(row, dtype=np.int64))
        test.infer()
        out.append({"eValue": float(test.odds), "pValue": float(test.p_value[0])})
    return out


def one_sided(rho, k, rows):
    """Beta(k*rho, k*(1-rho)) prior truncated to theta > rho: E = BF * P(theta>rho | data) / P(theta>rho)."""
    a0, b0 = k * rho, k * (1 - rho)
    x = n = 0
    p = 1.0
    out = []
    for c, b in rows:
        x += c
        n += c + b
        log_bf = betaln(a0 + x, b0 + n - x) - betaln(a0, b0) - x * np.log(rho) - (n - x) * np.log(1 - rho)
        post_upper = betainc(b0 + n - x, a0 + x, 1 - rho)  # P(theta > rho | data)
        prior_upper = betainc(b0, a0, 1 - rho)
        e = float(np.exp(log_bf) * post_upper / prior_upper)
        p = min(p, 1.0 / e) if e > 0 else p
        out.append({"eValue": e, "pValue": min(1.0, p)})
    return out


count_rows = [[3, 1], [5, 2], [8, 1], [2, 2], [10, 3], [12, 1]]
aa_rows = [[1, 2], [2, 1], [0, 1], [3, 3], [1, 0], [2, 2]]
latency = {
    # Per-look, per-bucket increments (non-cumulative): canary, baseline.
    "canary": [[40, 30, 20, 8, 2], [35, 35, 18, 10, 2], [30, 30, 25, 12, 3]],
    "baseline": [[50, 30, 15, 4, 1], [48, 32, 14, 5, 1], [52, 29, 13, 5, 1]],
}
lat_out = []
tests = [Multinomial(0.05, np.array([0.5, 0.5]), 100) for _ in range(5)]
p = 1.0
for c_row, b_row in zip(latency["canary"], latency["baseline"]):
    log_e = 0.0
    for j, t in enumerate(tests):
        t.update(np.array([c_row[j], b_row[j]], dtype=np.int64))
        log_e += float(np.log(t.odds))
    p = min(p, float(np.exp(-log_e)))
    lat_out.append({"logE": log_e, "pValue": min(1.0, p)})

print(json.dumps({
    "count_two_sided_rho05_k100": savvi_sequence(0.5, 100, count_rows),
    "count_two_sided_rho03_k10": savvi_sequence(0.3, 10, count_rows),
    "count_aa_rho05_k10": savvi_sequence(0.5, 10, aa_rows),
    "count_one_sided_rho05_k10": one_sided(0.5, 10, count_rows),
    "count_one_sided_rho03_k100": one_sided(0.3, 100, count_rows),
    "latency_buckets_rho05_k100": lat_out,
}, indent=1))
