# Offline generator for the reference numbers hard-coded in test/judges/mann-whitney.test.ts.
# Not run by the test suite. Reproduce with:
#   python3 -m venv /tmp/scipy-venv && /tmp/scipy-venv/bin/pip install scipy savvi
#   /tmp/scipy-venv/bin/python test/judges/reference/generate_mannwhitney.py
import json
import numpy as np
import scipy
from scipy.stats import mannwhitneyu

rng = np.random.default_rng(20240611)
cases = {
    # R's wilcox.test example (depression scores), ties inside y.
    "r_depression": ([1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30],
                     [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]),
    # Heavy ties across both samples.
    "ties": ([1, 2, 2, 3, 3, 3, 4, 5], [2, 3, 4, 4, 5, 5, 6, 7, 7, 8]),
    # Larger, unequal sizes, rounded so the literal arrays stay short.
    "lognormal": ([round(v, 3) for v in rng.lognormal(0.2, 0.5, 40)],
                  [round(v, 3) for v in rng.lognormal(0.0, 0.5, 33)]),
}
out = {"scipy": scipy.__version__, "cases": {}}
for name, (x, y) in cases.items():
    entry = {"x": x, "y": y}
    for alt in ("two-sided", "less", "greater"):
        r = mannwhitneyu(x, y, alternative=alt, method="asymptotic", use_continuity=True)
        entry[alt] = {"U": float(r.statistic), "p": float(r.pvalue)}
    d = np.subtract.outer(np.array(x, float), np.array(y, float)).ravel()
    entry["hodgesLehmann"] = float(np.median(d))
    out["cases"][name] = entry
print(json.dumps(out, indent=1))
