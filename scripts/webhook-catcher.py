#!/usr/bin/python3
"""A real HTTP server on loopback that saves every webhook POST and checks its signature.

Each request is written to DIR as <n>.json, atomically:

  {"seq", "method", "path", "headers": {name: value}, "body" (text), "json" (parsed body or
   null), "received_at", "status" (what was answered), "signature_valid" (true/false, or null
   without --secret)}

The signature is checked the way a Teams or Slack relay would, with Python's own hmac module
(independent of the sender's OpenSSL code): X-Oversight-Signature must be
"sha256=" + hex(HMAC-SHA256(secret, X-Oversight-Timestamp + "." + raw body)).

Usage:
  webhook-catcher.py --dir DIR [--host 127.0.0.1] [--port 0] [--ready-file FILE]
                     [--secret SECRET] [--max-age SECONDS]
                     [--fail-first N] [--fail-status 503]

  --port 0        pick a free port; written to --ready-file as {"port": P, "pid": PID} and
                  printed as "listening on HOST:P"
  --max-age S     also refuse (401) timestamps more than S seconds away from this machine's
                  clock (replay protection; off by default, tests run on a manual clock)
  --fail-first N  answer the first N requests with --fail-status (default 503) instead of 204

Stops cleanly on SIGTERM or SIGINT.
"""

import argparse
import hashlib
import hmac
import http.server
import json
import os
import signal
import sys
import threading
import time


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ready-file")
    parser.add_argument("--secret")
    parser.add_argument("--max-age", type=float)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--fail-status", type=int, default=503)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)

    lock = threading.Lock()
    state = {"seq": 0, "failures_left": args.fail_first}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, fmt, *a):
            sys.stdout.write("%s %s\n" % (self.address_string(), fmt % a))
            sys.stdout.flush()

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            valid = None
            if args.secret is not None:
                timestamp = self.headers.get("X-Oversight-Timestamp", "")
                expected = "sha256=" + hmac.new(args.secret.encode(),
                                                timestamp.encode() + b"." + body,
                                                hashlib.sha256).hexdigest()
                given = self.headers.get("X-Oversight-Signature", "")
                valid = hmac.compare_digest(expected, given)
                if valid and args.max_age is not None:
                    try:
                        valid = abs(time.time() - float(timestamp)) <= args.max_age
                    except ValueError:
                        valid = False
            with lock:
                state["seq"] += 1
                seq = state["seq"]
                if valid is False:
                    status = 401
                elif state["failures_left"] > 0:
                    state["failures_left"] -= 1
                    status = args.fail_status
                else:
                    status = 204
            try:
                parsed = json.loads(body.decode("utf-8"))
            except ValueError:
                parsed = None
            record = {
                "seq": seq,
                "method": "POST",
                "path": self.path,
                "headers": {k: v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
                "json": parsed,
                "received_at": time.time(),
                "status": status,
                "signature_valid": valid,
            }
            write_atomically(os.path.join(args.dir, "%06d.json" % seq),
                             json.dumps(record, indent=1).encode("utf-8"))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    port = server.server_address[1]
    if args.ready_file:
        write_atomically(args.ready_file,
                         json.dumps({"port": port, "pid": os.getpid()}).encode("utf-8"))
    print("listening on %s:%d" % (args.host, port), flush=True)

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
