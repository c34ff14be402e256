"""Synthetic calibration summaries drawn from the BG/NBD + Gamma-Gamma generative model.

Each customer's first purchase falls in a 12-week cohort window and the calibration period ends 39 weeks after the
window opens, as in the CDNOW data. While active a customer buys at a Poisson rate λ ~ Gamma(r, α) and drops out
after each purchase with probability p ~ Beta(a, b). Times are exact instants (fractions of a day), so nearly every
customer's (frequency, recency, T) is distinct, as with order timestamps; with --whole-days they are recorded in
whole days instead (purchases on the same day count once, as in a daily export), which makes most rows repeat.
Times are written in weeks. The mean value of the x repeat purchases is
drawn as the mean of x Gamma(p, ν) values with ν ~ Gamma(q, γ), i.e. Gamma(px, rate νx), rounded to cents.

Usage: generate.py OUTPUT.csv [--customers N] [--seed S] [--whole-days]
Columns: customer_id,frequency,recency,T,monetary_value (the `lifetimes` summary layout).
"""
import argparse

import numpy as np

# CDNOW-like parameters (Fader, Hardie & Lee 2005; Fader & Hardie, Gamma-Gamma note); times in weeks.
R, ALPHA, A, B = 0.243, 4.414, 0.793, 2.426
P, Q, GAMMA = 6.25, 3.74, 15.44
COHORT_DAYS = 84
CALIBRATION_DAYS = 273


def generate(customers, seed, whole_days):
    rng = np.random.default_rng(seed)
    if whole_days:
        first_day = rng.integers(0, COHORT_DAYS, size=customers)
    else:
        first_day = rng.uniform(0, COHORT_DAYS, size=customers)
    age_days = CALIBRATION_DAYS - first_day
    rate_per_day = rng.gamma(R, 1 / ALPHA, size=customers) / 7
    dropout = rng.beta(A, B, size=customers)

    frequency = np.zeros(customers, dtype=np.int64)
    last_day = np.zeros(customers)
    time = np.zeros(customers)
    active = np.arange(customers)
    while active.size:
        with np.errstate(divide="ignore"):
            time[active] += rng.exponential(1.0, size=active.size) / rate_per_day[active]
        if whole_days:
            # A purchase at time t falls on day ⌊t⌋, which is inside the period when t < T + 1.
            in_period = time[active] < age_days[active] + 1
            active = active[in_period]
            day = np.floor(time[active])
        else:
            in_period = time[active] <= age_days[active]
            active = active[in_period]
            day = time[active]
        new_day = day > last_day[active]
        frequency[active[new_day]] += 1
        last_day[active[new_day]] = day[new_day]
        # The customer may drop out after every purchase, counted or merged into a day already counted.
        stays = rng.random(active.size) >= dropout[active]
        active = active[stays]

    repeat = frequency > 0
    scale = rng.gamma(Q, 1 / GAMMA, size=customers)
    monetary = np.zeros(customers)
    shape = P * frequency[repeat]
    monetary[repeat] = rng.gamma(shape, 1 / (scale[repeat] * frequency[repeat]))
    monetary = np.maximum(np.round(monetary, 2), np.where(repeat, 0.01, 0.0))
    return frequency, last_day, age_days, monetary


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20050101)
    parser.add_argument("--whole-days", action="store_true", help="record times in whole days (most rows repeat)")
    options = parser.parse_args()
    frequency, recency_days, age_days, monetary = generate(options.customers, options.seed, options.whole_days)
    with open(options.output, "w") as out:
        out.write("customer_id,frequency,recency,T,monetary_value\n")
        # Times are written as weeks with full precision, so both readers see identical numbers.
        rows = (
            f"c{index + 1},{x},{tx / 7!r},{t / 7!r},{m:.2f}\n"
            for index, (x, tx, t, m) in enumerate(
                zip(frequency.tolist(), recency_days.tolist(), age_days.tolist(), monetary.tolist())
            )
        )
        out.writelines(rows)
    repeat = frequency > 0
    distinct = len(set(zip(frequency.tolist(), recency_days.tolist(), age_days.tolist())))
    print(
        f"generated {options.customers} customers (seed {options.seed}): {repeat.sum()} repeat buyers, "
        f"mean frequency {frequency.mean():.4f}, {distinct} distinct (frequency, recency, T)"
    )


if __name__ == "__main__":
    main()
