"""Writes a till's line-item export of ORDERS orders for the order import benchmark (seeded).

Customers' order counts are skewed as in real shops (regulars and many one-off buyers: each customer's share of
the orders is drawn from a log-normal distribution, σ = 1.2, over MEMBERS customers); orders fall at random instants over two years
ending 2026-11-01, with one to three lines of 300 products in 12 categories, prices from 5 to 300 CNY, and an
order-level discount on one order in ten. Every order id and nearly every timestamp is distinct.

Usage: orders.py OUTPUT.csv ORDERS [--members N] [--seed S]
"""
import argparse
import bisect
import itertools
import random
from datetime import datetime, timedelta, timezone

END = datetime(2026, 11, 1, tzinfo=timezone.utc)
SPAN_SECONDS = 2 * 365 * 86_400


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output")
    parser.add_argument("orders", type=int)
    parser.add_argument("--members", type=int, default=0, help="default: a quarter of the orders")
    parser.add_argument("--seed", type=int, default=20261130)
    options = parser.parse_args()
    members = options.members or max(1, options.orders // 4)
    rng = random.Random(options.seed)
    prices = [rng.randrange(500, 30_000, 100) for _ in range(300)]
    shares = list(itertools.accumulate(rng.lognormvariate(0, 1.2) for _ in range(members)))
    with open(options.output, "w") as out:
        out.write("order_id,external_id,occurred_at,currency,channel,store_id,sku,category,quantity,"
                  "unit_price_minor,discount_minor,total_minor\n")
        for index in range(options.orders):
            customer = min(members - 1, bisect.bisect(shares, rng.random() * shares[-1]))
            instant = END - timedelta(seconds=rng.random() * SPAN_SECONDS)
            lines = []
            for _ in range(rng.randint(1, 3)):
                product = rng.randrange(300)
                lines.append((product, rng.randint(1, 3)))
            subtotal = sum(quantity * prices[product] for product, quantity in lines)
            discount = subtotal // 10 if index % 10 == 0 else 0
            stamp = instant.strftime("%Y-%m-%dT%H:%M:%S.") + f"{instant.microsecond // 1000:03d}Z"
            channel, store = ("store", f"SH-{customer % 40:02d}") if index % 3 else ("web", "")
            for product, quantity in lines:
                out.write(f"O-{index},c-{customer},{stamp},CNY,{channel},{store},P-{product},cat-{product % 12},"
                          f"{quantity},{prices[product]},{discount},{subtotal - discount}\n")


if __name__ == "__main__":
    main()
