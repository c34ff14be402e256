"""Exact maximum-likelihood references on the CDNOW calibration summary.

The published values are rounded; the unit tests compare against the exact optimum
computed here with SciPy (independent likelihood code, tight tolerances, several starts).
Run: bench/.venv/bin/python bench/clv/reference_mle.py [path/to/cdnow_customers_summary_with_transactions.csv]
"""
import sys

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

path = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/cdnow/cdnow_customers_summary_with_transactions.csv"
data = pd.read_csv(path)
x = data["x"].to_numpy(float)
tx = data["t_x"].to_numpy(float)
T = data["T"].to_numpy(float)
zbar = data["zbar"].to_numpy(float)


def bgnbd_ll(log_params):
    r, alpha, a, b = np.exp(log_params)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    return np.sum(a1 + a2 + np.logaddexp(a3, a4))


def pareto_ll(log_params):
    r, alpha, s, beta = np.exp(log_params)
    rsx = r + s + x
    if alpha >= beta:
        big, second = alpha, s + 1
        z1, z2 = (alpha - beta) / (alpha + tx), (alpha - beta) / (alpha + T)
    else:
        big, second = beta, r + x
        z1, z2 = (beta - alpha) / (beta + tx), (beta - alpha) / (beta + T)
    a0 = hyp2f1(rsx, second, rsx + 1, z1) / (big + tx) ** rsx - hyp2f1(rsx, second, rsx + 1, z2) / (big + T) ** rsx
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    body = 1.0 / ((alpha + T) ** (r + x) * (beta + T) ** s) + (s / rsx) * a0
    return np.sum(head + np.log(body))


repeat = x > 0
xr, mr = x[repeat], zbar[repeat]


def gamma_gamma_ll(log_params):
    p, q, v = np.exp(log_params)
    return np.sum(
        gammaln(p * xr + q) - gammaln(q) + q * np.log(v) - gammaln(p * xr)
        + (p * xr - 1) * np.log(mr) + p * xr * np.log(xr) - (p * xr + q) * np.log(xr * mr + v)
    )


def fit(name, ll, start):
    best = None
    for scale in (1.0, 0.5, 2.0):
        x0 = np.log(np.array(start) * scale)
        res = minimize(lambda p: -ll(p), x0, method="Nelder-Mead",
                       options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 40000, "maxfev": 40000})
        res = minimize(lambda p: -ll(p), res.x, method="BFGS", options={"gtol": 1e-9})
        if best is None or res.fun < best.fun:
            best = res
    params = np.exp(best.x)
    print(name, " ".join(f"{v:.10g}" for v in params), f"LL={-best.fun:.10f}")


fit("bgnbd", bgnbd_ll, [0.243, 4.414, 0.793, 2.426])
fit("pareto_nbd", pareto_ll, [0.553, 10.578, 0.606, 11.669])
fit("gamma_gamma", gamma_gamma_ll, [6.25, 3.74, 15.44])
