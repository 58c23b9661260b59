"""A fake SMS gateway for trying "text a tip" locally: no phone, no Twilio account.

It plays both sides of Twilio: it signs and posts your messages to Beacon's webhook
(``/sms/inbound/``, ``X-Twilio-Signature``), and it answers Beacon's outbound REST calls
(``POST /2010-04-01/Accounts/<sid>/Messages.json``) by printing the reply.  Standard library only.

Run Beacon with the gateway pointed at this script (docs/tips.md, "Text a tip"):

    BEACON_SMS_PROVIDER=twilio BEACON_SMS_API_BASE=http://127.0.0.1:8799 BEACON_SMS_ACCOUNT_SID=ACfake \\
    BEACON_SMS_AUTH_TOKEN=dev-sms-token BEACON_SMS_FROM=+15550000000 BEACON_BASE_URL=http://127.0.0.1:8000 \\
    BEACON_TASKS=immediate .venv/bin/beacon serve

then, in another terminal, type messages (one per line) or pass them with --say:

    .venv/bin/python bench/sms_fake_gateway.py --token dev-sms-token
    .venv/bin/python bench/sms_fake_gateway.py --token dev-sms-token --say hi \\
        --say "A girl is kept at the motel on Route 66" --say Springfield --say no --say yes
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RECEIVED: list[str] = []


def signature(url: str, params: dict[str, str], token: str) -> str:
    payload = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


class Outbound(BaseHTTPRequestHandler):
    """Beacon's outbound messages (Twilio's Messages API): printed, answered with a fake message sid."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        RECEIVED.append(form.get("Body", ""))
        print(f"\n  Beacon -> {form.get('To', '?')}: {form.get('Body', '')}", flush=True)
        body = json.dumps({"sid": f"SMfake{len(RECEIVED)}", "status": "queued"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        return


def send(args: argparse.Namespace, text: str) -> int:
    url = args.beacon.rstrip("/") + "/sms/inbound/"
    public = (args.public_url or args.beacon).rstrip("/") + "/sms/inbound/"
    params = {"From": args.sender, "To": args.to, "Body": text, "MessageSid": f"SM{time.time_ns()}"}
    request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(), method="POST",  # noqa: S310
                                     headers={"X-Twilio-Signature": signature(public, params, args.token)})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - a local URL
            return int(response.status)
    except urllib.error.HTTPError as exc:
        print(f"  Beacon answered {exc.code}: {exc.read().decode(errors='replace')[:200]}", flush=True)
        return int(exc.code)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--beacon", default="http://127.0.0.1:8000", help="Where Beacon runs")
    parser.add_argument("--public-url", default="", help="BEACON_BASE_URL when it differs from --beacon")
    parser.add_argument("--token", required=True, help="The same value as BEACON_SMS_AUTH_TOKEN")
    parser.add_argument("--listen", default="127.0.0.1:8799", help="host:port for Beacon's outbound messages")
    parser.add_argument("--from", dest="sender", default="+13145550100", help="The reporter's (fake) number")
    parser.add_argument("--to", default="+15550000000", help="The tip line's number")
    parser.add_argument("--say", action="append", default=[], help="A message to send (repeatable); else stdin")
    parser.add_argument("--wait", type=float, default=2.0, help="Seconds to wait for replies after each message")
    args = parser.parse_args()
    host, port = args.listen.rsplit(":", 1)
    server = ThreadingHTTPServer((host, int(port)), Outbound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Fake gateway: Beacon's replies arrive on http://{args.listen}; texting from {args.sender}.", flush=True)
    messages = args.say or None
    try:
        for line in messages if messages is not None else sys.stdin:
            text = line.strip()
            if not text:
                continue
            print(f"{args.sender} -> Beacon: {text}", flush=True)
            if send(args, text) >= 400:
                return 1
            time.sleep(args.wait if messages is not None else 0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
