#!/usr/bin/env python3
"""A real SMTP server for tests: stores each accepted message as SPOOL/<n>.eml.

Prints `ready <port>` once listening on 127.0.0.1 (pass --port 0 for a free port) and runs until SIGTERM/SIGINT.
"""
import argparse
import asyncio
import itertools
import logging
import os
import signal
import ssl
import sys

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError:
    print("smtp-sink: the Python package aiosmtpd is missing (pip install aiosmtpd)", file=sys.stderr)
    sys.exit(2)

# aiosmtpd 1.4 logs a warning about its own use of Session.login_data on every AUTH.
logging.getLogger("mail.log").setLevel(logging.ERROR)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--spool", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--auth", metavar="USER:PASSWORD")
    parser.add_argument("--reject-rcpt", metavar="SUBSTRING")
    parser.add_argument("--drop-after-data-rcpt", metavar="SUBSTRING")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.require_starttls and not args.tls_cert:
        parser.error("--require-starttls needs --tls-cert and --tls-key")
    return args


class Sink:
    """aiosmtpd handler: refuses or drops recipients on request, spools the rest."""

    def __init__(self, spool, reject_rcpt, drop_rcpt):
        self.spool = spool
        self.reject_rcpt = reject_rcpt
        self.drop_rcpt = drop_rcpt
        self.numbers = itertools.count(1)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd reads commands strictly in order from a buffered stream, so pipelined commands are safe.
        session.host_name = hostname
        return responses[:-1] + ["250-PIPELINING", responses[-1]]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_rcpt and self.reject_rcpt in address:
            return "550 5.1.1 recipient rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.drop_rcpt and any(self.drop_rcpt in rcpt for rcpt in envelope.rcpt_tos):
            # Vanish without a reply, as a crashed server would; aiosmtpd cancels this task on connection loss.
            server.transport.abort()
            await asyncio.Event().wait()
        number = next(self.numbers)
        temporary = os.path.join(self.spool, f".{number}.tmp")
        with open(temporary, "wb") as file:
            file.write(envelope.original_content)
        os.replace(temporary, os.path.join(self.spool, f"{number}.eml"))
        return f"250 OK queued as {number}"


def make_authenticator(credentials):
    user, _, password = credentials.partition(":")
    expected = (user.encode(), password.encode())

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == expected
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd sends the 535

    return authenticate


async def serve(args):
    os.makedirs(args.spool, exist_ok=True)
    tls_context = None
    if args.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)
    handler = Sink(args.spool, args.reject_rcpt, args.drop_after_data_rcpt)
    options = dict(hostname="localhost", tls_context=tls_context, require_starttls=args.require_starttls)
    if args.auth:
        options.update(authenticator=make_authenticator(args.auth), auth_required=True, auth_require_tls=True)

    loop = asyncio.get_running_loop()
    # A parent may spawn us with these blocked (Foundation's Process on Linux does).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    server = await loop.create_server(lambda: SMTP(handler, **options), "127.0.0.1", args.port)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"ready {server.sockets[0].getsockname()[1]}", flush=True)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(serve(parse_args()))
