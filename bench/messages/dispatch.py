#!/usr/bin/env python3
"""Email dispatch rate: N messages queued through the API to be due at one moment, then timed until the SMTP
sink holds them all; beside a baseline measured in the same run — Python's smtplib sending N messages of the
same size to the same sink over as many STARTTLS connections (4) — and their ratio.

Usage: dispatch.py BASE_URL KEY SINK_PORT SINK_SPOOL BASELINE_PORT BASELINE_SPOOL CA_FILE N
"""
import concurrent.futures
import json
import os
import smtplib
import ssl
import sys
import time
import urllib.request
from email.message import EmailMessage


def call(base, key, method, path, body):
    request = urllib.request.Request(
        base + path, method=method, data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def spooled(folder):
    return sum(1 for name in os.listdir(folder) if name.endswith(".eml"))


def wait_for(folder, count, limit=600):
    deadline = time.monotonic() + limit
    while spooled(folder) < count:
        if time.monotonic() > deadline:
            sys.exit(f"only {spooled(folder)} of {count} arrived within {limit} s")
        time.sleep(0.01)
    return time.monotonic()


def patron_rate(base, key, spool, count):
    call(base, key, "PUT", "/v1/templates/receipt", {
        "name": "receipt", "category": "transactional",
        "contents": [{"channel": "email", "language": "zh", "subject": "收据 {{member.name}}",
                      "text": "谢谢惠顾，{{member.name}}。您有 {{points.available}} 积分。",
                      "html": "<p>谢谢惠顾，{{member.name}}。您有 <b>{{points.available}}</b> 积分。</p>"}]})
    began = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        members = list(pool.map(lambda n: call(base, key, "POST", "/v1/members", {
            "external_id": f"bench-{n}", "name": f"会员{n}", "email": f"m{n}@example.cn"})["member_id"], range(count)))
    # Due together once every one is queued, which takes about as long as making the members did.
    due = time.time() + 2 + 2 * (time.monotonic() - began)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(due + 1))
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda pair: call(base, key, "POST", "/v1/messages", {
            "member_id": pair[1], "template_id": "receipt", "key": f"bench-{pair[0]}", "send_at": stamp}),
            enumerate(members)))
    start_wall = int(due + 1)
    while time.time() < start_wall:
        time.sleep(0.001)
    if spooled(spool) > 0:
        sys.exit("messages were sent before they were due: the clock or the queueing is off")
    start = time.monotonic()
    return count / (wait_for(spool, count) - start)


def baseline_rate(port, spool, ca_file, count, connections=4):
    context = ssl.create_default_context(cafile=ca_file)

    def send(part):
        with smtplib.SMTP("localhost", port) as client:
            client.starttls(context=context)
            client.login("shop", "s3cret")
            for n in part:
                message = EmailMessage()
                message["From"], message["To"] = "Shop <news@shop.example.cn>", f"m{n}@example.cn"
                message["Subject"] = f"收据 会员{n}"
                message.set_content(f"谢谢惠顾，会员{n}。您有 0 积分。")
                message.add_alternative(f"<p>谢谢惠顾，会员{n}。您有 <b>0</b> 积分。</p>", subtype="html")
                client.send_message(message)

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        list(pool.map(send, [range(i, count, connections) for i in range(connections)]))
    return count / (wait_for(spool, count) - start)


def main():
    base, key, port, spool, baseline_port, baseline_spool, ca_file, count = sys.argv[1:9]
    count = int(count)
    baseline = baseline_rate(int(baseline_port), baseline_spool, ca_file, count)
    patron = patron_rate(base, key, spool, count)
    print(f"emails: {count}")
    print(f"baseline (smtplib, 4 STARTTLS connections): {baseline:,.0f} emails/s")
    print(f"patron (queued, guardrails, rendered, 4 STARTTLS connections): {patron:,.0f} emails/s")
    print(f"ratio patron/baseline: {patron / baseline:.2f}")


if __name__ == "__main__":
    main()
