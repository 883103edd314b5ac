# Offline generator for test/judges/stats.test.ts (special functions vs SciPy). Not run by tests.
#   /tmp/scipy-venv/bin/python test/judges/reference/generate_special.py
import json
from scipy.stats import norm
from scipy.special import gammaln, betaln, betainc
out = {
    "sf": [[x, float(norm.sf(x))] for x in (-3.0, -1.0, 0.0, 0.5, 1.959963984540054, 3.0, 6.0, 8.5, 12.0)],
    "ppf": [[p, float(norm.ppf(p))] for p in (1e-10, 0.001, 0.01, 0.025, 0.3, 0.5, 0.9, 0.975, 0.99, 0.999999)],
    "gammaln": [[x, float(gammaln(x))] for x in (0.1, 0.5, 1.0, 1.5, 2.0, 3.7, 10.0, 123.45, 5000.5)],
    "betaln": [[a, b, float(betaln(a, b))] for a, b in ((0.5, 0.5), (5, 5), (50, 50), (1234.5, 20.25))],
    "betainc": [[a, b, x, float(betainc(a, b, x))] for a, b, x in ((2, 3, 0.4), (5, 5, 0.5), (50, 50, 0.6), (5.5, 120.5, 0.5), (1500, 30, 0.5), (0.5, 0.5, 0.01))],
}
print(json.dumps(out))
