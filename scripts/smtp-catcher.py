#!/usr/bin/python3
"""A real SMTP server on loopback that saves every message it accepts, for tests and demos.

Each accepted message is written to MAILDIR as <n>.eml (the message exactly as received) and
<n>.json (what a test wants to check, parsed with Python's own email package, independent of
the sender's MIME code):

  {"seq", "mail_from", "rcpt_tos", "peer", "received_at", "message_id", "subject" (decoded),
   "from", "to", "content_type", "text" (the text/plain part), "html" (the text/html part),
   "headers": {name: value}}

Both files appear atomically (written under a temporary name, then renamed), the .eml first.

Usage:
  smtp-catcher.py --maildir DIR [--host 127.0.0.1] [--port 0] [--ready-file FILE]
                  [--reject SUBSTRING ...] [--tempfail N] [--auth USER:PASSWORD]
                  [--tls-cert CERT --tls-key KEY [--require-starttls]]

  --port 0            pick a free port; the port is written to --ready-file as
                      {"port": P, "pid": PID} and printed as "listening on HOST:P"
  --reject S          answer RCPT TO for addresses containing S with 550 (a permanent failure)
  --tempfail N        answer the first N DATA commands with 451 (a temporary failure)
  --auth U:P          require AUTH (PLAIN or LOGIN) with these credentials
  --tls-cert/--tls-key  offer STARTTLS with this certificate
  --require-starttls  refuse mail until the client has started TLS
  --eml-only          keep only the .eml files, without fsync (for the demo's volume of mail)

Needs Debian's python3-aiosmtpd. Stops cleanly on SIGTERM or SIGINT. Restarting it with the
same --port and --maildir continues the numbering (the demo's catcher keeps its .eml files).
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import ssl
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def write_atomically(path, data, sync=True):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        if sync:
            os.fsync(f.fileno())
    os.rename(tmp, path)


def next_seq(maildir):
    seqs = [int(name[:-4]) for name in os.listdir(maildir)
            if name.endswith(".eml") and name[:-4].isdigit()]
    return max(seqs, default=0) + 1


def describe(raw):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    out = {
        "message_id": str(message.get("Message-ID", "")),
        "subject": str(message.get("Subject", "")),
        "from": str(message.get("From", "")),
        "to": str(message.get("To", "")),
        "content_type": message.get_content_type(),
        "headers": {name: str(value) for name, value in message.items()},
        "text": "",
        "html": "",
    }
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_content_type() == "text/plain" and not out["text"]:
            out["text"] = part.get_content()
        elif part.get_content_type() == "text/html" and not out["html"]:
            out["html"] = part.get_content()
    return out


class Catcher:
    def __init__(self, maildir, reject, tempfail, eml_only=False):
        self.maildir = maildir
        self.eml_only = eml_only
        self.reject = reject
        self.tempfail_left = tempfail
        self.seq = next_seq(maildir)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if any(s in address for s in self.reject):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.tempfail_left > 0:
            self.tempfail_left -= 1
            return "451 4.3.0 Try again later"
        seq = self.seq
        self.seq += 1
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        base = os.path.join(self.maildir, "%06d" % seq)
        write_atomically(base + ".eml", raw, sync=not self.eml_only)
        if self.eml_only:
            return "250 Message accepted for delivery"
        meta = describe(raw)
        meta.update({
            "seq": seq,
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "peer": str(session.peer),
            "received_at": time.time(),
        })
        write_atomically(base + ".json", json.dumps(meta, indent=1).encode("utf-8"))
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ready-file")
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--tempfail", type=int, default=0)
    parser.add_argument("--auth")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--eml-only", action="store_true",
                        help="keep only the .eml files, without fsync (the demo's volume)")
    args = parser.parse_args()
    os.makedirs(args.maildir, exist_ok=True)

    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)

    authenticator = None
    if args.auth:
        user, _, password = args.auth.partition(":")

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and
                  auth_data.login.decode() == user and auth_data.password.decode() == password)
            return AuthResult(success=ok)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Catcher(args.maildir, args.reject, args.tempfail, args.eml_only)

    def factory():
        return SMTP(handler, hostname="smtp-catcher", tls_context=tls,
                    require_starttls=args.require_starttls, authenticator=authenticator,
                    auth_required=bool(args.auth), auth_require_tls=bool(tls))

    server = loop.run_until_complete(loop.create_server(factory, args.host, args.port))
    port = server.sockets[0].getsockname()[1]
    if args.ready_file:
        write_atomically(args.ready_file,
                         json.dumps({"port": port, "pid": os.getpid()}).encode("utf-8"))
    print("listening on %s:%d" % (args.host, port), flush=True)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    server.close()
    loop.run_until_complete(server.wait_closed())
    loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
