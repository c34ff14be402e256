"""Synthetic order history of loyalty members, for the RFM benchmark.

Each member joins on a day of the two years before the reference date and orders at a personal Poisson rate
(Gamma-distributed across members, about one order a month on average, heavy-tailed) until a personal end
(members lapse at random), so recency, frequency and spend all vary and tie as in real data. Amounts are
Gamma-distributed around a member's own mean, in cents.

Usage: generate.py OUTPUT.csv [--members N] [--seed S] [--reference-date YYYY-MM-DD]
Columns: customer_id,date,amount (the layout `patron analytics rfm` reads by default).
"""
import argparse
import datetime

import numpy as np

PERIOD_DAYS = 730


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--reference-date", default="2025-12-31")
    options = parser.parse_args()

    rng = np.random.default_rng(options.seed)
    members = options.members
    reference = datetime.date.fromisoformat(options.reference_date)
    first = reference - datetime.timedelta(days=PERIOD_DAYS - 1)

    join_day = rng.integers(0, PERIOD_DAYS, size=members)
    # Members stay active for an exponential time with a mean of a year, then stop ordering.
    active_until = np.minimum(join_day + rng.exponential(365, size=members), PERIOD_DAYS - 1)
    rate = rng.gamma(0.8, 1 / 40, size=members)  # orders per day, mean 1/50
    extra_orders = rng.poisson(rate * (active_until - join_day))
    orders = 1 + extra_orders  # the joining order plus the later ones
    member = np.repeat(np.arange(members), orders)
    start = np.repeat(join_day, orders)
    span = np.repeat(active_until - join_day, orders)
    # The first order of each member is on the joining day; later ones are uniform over the active span.
    is_first = np.zeros(member.size, dtype=bool)
    is_first[np.concatenate(([0], np.cumsum(orders)[:-1]))] = True
    day = np.where(is_first, start, start + np.floor(rng.random(member.size) * (span + 1)).astype(np.int64))
    member_mean = rng.gamma(3.0, 15.0, size=members)
    amount = np.round(rng.gamma(4.0, np.repeat(member_mean, orders) / 4.0), 2)
    amount = np.maximum(amount, 0.5)

    dates = np.array([(first + datetime.timedelta(days=int(offset))).isoformat() for offset in range(PERIOD_DAYS)])
    # Shuffle so the file is not grouped by member, as an export ordered by order id would not be.
    order = rng.permutation(member.size)
    with open(options.output, "w") as out:
        out.write("customer_id,date,amount\n")
        out.writelines(
            f"m{m + 1},{d},{a:.2f}\n"
            for m, d, a in zip(member[order].tolist(), dates[day[order]].tolist(), amount[order].tolist())
        )
    print(f"generated {member.size} orders of {members} members (seed {options.seed}), "
          f"{first.isoformat()} to {reference.isoformat()}")


if __name__ == "__main__":
    main()
