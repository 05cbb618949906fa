# Reference values for test/unit/model/losses.test.ts, in float64 numpy (paper-spec §2 formulas).
# Run: python3 test/unit/model/reference/losses_ref.py   (numpy only)
import json
import numpy as np

rc = np.array([1.6, -0.3, 0.8, 2.0])  # Δr = [1.1, -0.7, 2.0, -0.5]: no pair sits on the hinge kink Δr = m
rr = np.array([0.5, 0.4, -1.2, 2.5])
lam, m, c, eps = 0.1, 1.0, 0.01, 1e-8
b = len(rc)
nls = lambda z: np.logaddexp(0.0, -z)  # -log sigmoid(z), stable
d = rc - rr

vals = {
    'bt': nls(d).mean(),
    'margin': nls(d - m).mean(),
    'hinge': np.maximum(0.0, m - d).mean(),
    'norm': nls(d / (np.sqrt(rc**2 + rr**2) + eps)).mean(),
    'dr': (nls(d) + nls(rc) + nls(-rr)).mean(),
    'dr_reg': (nls(rc) + nls(-rr)).mean(),
    'center': nls(d).mean() + c * ((rc + rr) ** 2).mean(),
    'center_reg': c * ((rc + rr) ** 2).mean(),
    'bsr': nls(d).mean() + lam * b * np.concatenate([rc, rr]).mean() ** 2,
    'bsr_reg': lam * b * np.concatenate([rc, rr]).mean() ** 2,
}
print(json.dumps({k: float('%.12g' % v) for k, v in vals.items()}, indent=1))
