"""Times `patron analytics clv` against the Python `lifetimes` library on the same summary file, in one run.

Both sides read the same CSV and fit BG/NBD (all customers) and Gamma-Gamma (customers with x > 0) by maximum
likelihood from their default starting points. Patron is timed as a whole process (start-up, CSV parsing, both fits,
JSON output); lifetimes as `pandas.read_csv` plus `BetaGeoFitter.fit` plus `GammaGammaFitter.fit` in this process
(its import is not counted). lifetimes is also timed on the same data compressed to distinct rows with `weights`,
the fastest way to call it, to show how much of the difference is that compression.

Both parameter sets are scored with one independent NumPy log-likelihood, so a side that stopped short of the
optimum shows up as a lower log-likelihood.

Usage: compare.py --patron BIN --summary FILE [--patron-runs N] [--lifetimes-runs N]
Exits 1 when Patron is less than 20 times as fast or a parameter differs by more than 1e-3 (relative).
"""
import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import time
import warnings

import numpy as np
import pandas as pd
from scipy.special import gammaln

warnings.simplefilter("ignore")
from lifetimes import BetaGeoFitter, GammaGammaFitter  # noqa: E402

TARGET_SPEED_UP = 20.0
TARGET_PARAMETER_DIFFERENCE = 1e-3
BGNBD_NAMES = ["r", "alpha", "a", "b"]
GAMMA_GAMMA_NAMES = ["p", "q", "gamma"]


def run_patron(binary, summary):
    """One end-to-end run: (wall seconds, CPU seconds of the child, parsed JSON)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(
        [binary, "analytics", "clv", "--summary", summary, "--horizon", "39"],
        check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, json.loads(completed.stdout)


def run_lifetimes(summary):
    """One run of lifetimes on the full file: phase times and fitted parameters."""
    start = time.perf_counter()
    data = pd.read_csv(summary)
    read = time.perf_counter()
    bgnbd = BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"])
    fitted_bgnbd = time.perf_counter()
    repeat = data[data["frequency"] > 0]
    gamma_gamma = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    done = time.perf_counter()
    parameters = {name: float(bgnbd.params_[name]) for name in BGNBD_NAMES}
    parameters.update(
        p=float(gamma_gamma.params_["p"]), q=float(gamma_gamma.params_["q"]), gamma=float(gamma_gamma.params_["v"])
    )
    phases = {"read": read - start, "bgnbd": fitted_bgnbd - read, "gamma_gamma": done - fitted_bgnbd}
    return phases, parameters


def run_lifetimes_weighted(summary):
    """lifetimes on the distinct rows with weights: total seconds (grouping included) and parameters."""
    start = time.perf_counter()
    data = pd.read_csv(summary)
    histories = data.groupby(["frequency", "recency", "T"]).size().reset_index(name="weights")
    bgnbd = BetaGeoFitter().fit(
        histories["frequency"], histories["recency"], histories["T"], weights=histories["weights"]
    )
    repeat = data[data["frequency"] > 0]
    spends = repeat.groupby(["frequency", "monetary_value"]).size().reset_index(name="weights")
    gamma_gamma = GammaGammaFitter().fit(spends["frequency"], spends["monetary_value"], weights=spends["weights"])
    total = time.perf_counter() - start
    parameters = {name: float(bgnbd.params_[name]) for name in BGNBD_NAMES}
    parameters.update(
        p=float(gamma_gamma.params_["p"]), q=float(gamma_gamma.params_["q"]), gamma=float(gamma_gamma.params_["v"])
    )
    return total, parameters


def bgnbd_log_likelihood(data, r, alpha, a, b):
    x = data["frequency"].to_numpy(float)
    recency = data["recency"].to_numpy(float)
    age = data["T"].to_numpy(float)
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    head += gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    still_active = -(r + x) * np.log(alpha + age)
    with np.errstate(divide="ignore", invalid="ignore"):
        dropped_out = np.where(
            x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + recency), -np.inf
        )
    return math.fsum(head + np.logaddexp(still_active, dropped_out))


def gamma_gamma_log_likelihood(data, p, q, gamma):
    repeat = data[data["frequency"] > 0]
    x = repeat["frequency"].to_numpy(float)
    m = repeat["monetary_value"].to_numpy(float)
    terms = (
        gammaln(p * x + q) - gammaln(q) + q * np.log(gamma) - gammaln(p * x)
        + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(x * m + gamma)
    )
    return math.fsum(terms)


def largest_difference(left, right):
    differences = {name: abs(left[name] - right[name]) / abs(right[name]) for name in right}
    name = max(differences, key=differences.get)
    return name, differences[name]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patron", required=True)
    parser.add_argument("--summary", required=True)
    parser.add_argument("--patron-runs", type=int, default=5)
    parser.add_argument("--lifetimes-runs", type=int, default=3)
    options = parser.parse_args()

    data = pd.read_csv(options.summary)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {len(data)} customers, "
          f"{int((data['frequency'] > 0).sum())} repeat buyers")

    run_patron(options.patron, options.summary)  # warm the page cache and the binary
    patron_runs = [run_patron(options.patron, options.summary) for _ in range(options.patron_runs)]
    patron_wall = statistics.median(run[0] for run in patron_runs)
    patron_cpu = statistics.median(run[1] for run in patron_runs)
    fit = patron_runs[-1][2]
    patron = {name: fit["bgnbd"][name] for name in BGNBD_NAMES}
    patron.update({name: fit["gamma_gamma"][name] for name in GAMMA_GAMMA_NAMES})

    lifetimes_runs = [run_lifetimes(options.summary) for _ in range(options.lifetimes_runs)]
    phases = {key: statistics.median(run[0][key] for run in lifetimes_runs) for key in lifetimes_runs[0][0]}
    lifetimes_total = statistics.median(sum(run[0].values()) for run in lifetimes_runs)
    lifetimes_fit = statistics.median(run[0]["bgnbd"] + run[0]["gamma_gamma"] for run in lifetimes_runs)
    lifetimes = lifetimes_runs[-1][1]
    weighted_total, weighted = run_lifetimes_weighted(options.summary)

    print(f"patron     {patron_wall:8.3f} s  end to end, median of {options.patron_runs} "
          f"(CPU {patron_cpu:.3f} s)")
    print(f"lifetimes  {lifetimes_total:8.3f} s  = read_csv {phases['read']:.3f} + BG/NBD {phases['bgnbd']:.3f} "
          f"+ Gamma-Gamma {phases['gamma_gamma']:.3f}, median of {options.lifetimes_runs}")
    print(f"lifetimes  {weighted_total:8.3f} s  with the input compressed to distinct rows (weights), one run")
    speed_up = lifetimes_total / patron_wall
    print(f"speed-up   {speed_up:8.1f}x  end to end; {lifetimes_fit / patron_wall:.1f}x against lifetimes' fits "
          f"alone; {lifetimes_total / patron_cpu:.1f}x in CPU time; {weighted_total / patron_wall:.1f}x against "
          f"compressed lifetimes")

    print(f"{'parameter':>10} {'patron':>20} {'lifetimes':>20} {'relative diff':>14}")
    for name in BGNBD_NAMES + GAMMA_GAMMA_NAMES:
        difference = abs(patron[name] - lifetimes[name]) / abs(lifetimes[name])
        print(f"{name:>10} {patron[name]:20.12g} {lifetimes[name]:20.12g} {difference:14.3e}")
    worst_name, worst = largest_difference(patron, lifetimes)
    weighted_name, weighted_worst = largest_difference(weighted, lifetimes)
    print(f"largest relative parameter difference: {worst:.3e} ({worst_name}); compressed lifetimes against "
          f"plain lifetimes: {weighted_worst:.3e} ({weighted_name})")

    scores = {}
    for label, values in (("patron", patron), ("lifetimes", lifetimes)):
        scores[label] = (
            bgnbd_log_likelihood(data, *(values[name] for name in BGNBD_NAMES)),
            gamma_gamma_log_likelihood(data, *(values[name] for name in GAMMA_GAMMA_NAMES)),
        )
    print("log-likelihood (one NumPy implementation at each side's parameters):")
    for index, model in enumerate(("BG/NBD", "Gamma-Gamma")):
        patron_score, lifetimes_score = scores["patron"][index], scores["lifetimes"][index]
        print(f"  {model:<12} patron {patron_score:.6f}  lifetimes {lifetimes_score:.6f}  "
              f"(patron - lifetimes = {patron_score - lifetimes_score:+.3e})")
        # Differences below a billionth of the value are rounding, not a different optimum.
        tolerance = 1e-9 * abs(patron_score)
        if lifetimes_score < patron_score - tolerance:
            print(f"  note: lifetimes stopped at a lower {model} likelihood than Patron's optimum")
        elif patron_score < lifetimes_score - tolerance:
            print(f"  note: Patron stopped at a lower {model} likelihood than lifetimes")
    print(f"  Patron's own report: BG/NBD {fit['bgnbd']['log_likelihood']:.6f}, "
          f"Gamma-Gamma {fit['gamma_gamma']['log_likelihood']:.6f}")

    speed_ok = speed_up >= TARGET_SPEED_UP
    parameters_ok = worst <= TARGET_PARAMETER_DIFFERENCE
    print(f"target speed-up >= {TARGET_SPEED_UP:.0f}x: {'met' if speed_ok else 'MISSED'}; "
          f"parameters within {TARGET_PARAMETER_DIFFERENCE:g}: {'met' if parameters_ok else 'MISSED'}")
    raise SystemExit(0 if speed_ok and parameters_ok else 1)


if __name__ == "__main__":
    main()
