"""Reference values of the standard normal pdf, cdf and quantile for tests/analysis/normal-*.test.ts.

Independent of @stdlib: Python's libm `math.erfc`/`math.exp` and `statistics.NormalDist.inv_cdf`
(Wichura's AS241, ~1e-16 relative). Rerun: /usr/bin/python3 scripts/make_normal_fixture.py
"""

import json
import math
from statistics import NormalDist

xs = [-37.0, -12.5, -8.0, -3.0, -1.0, -0.25, 0.0, 0.5, 1.0, 1.96, 3.0, 6.0, 8.25]
# 1 − 1/N for vocabulary-like N (initial-loss.ts), plus interior points.
ps = [1e-9, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975] + [1 - 1 / n for n in (2, 10, 1000, 50257, 10**6, 10**8)]
fixture = {
    "pdf": [[x, math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)] for x in xs],
    "cdf": [[x, 0.5 * math.erfc(-x / math.sqrt(2))] for x in xs],
    "quantile": [[p, NormalDist().inv_cdf(p)] for p in ps],
}
with open("tests/fixtures/normal.json", "w") as f:
    json.dump(fixture, f, indent=2)
    f.write("\n")
