"""A local stand-in for the messaging platforms' APIs (Telegram Bot API, Slack Web API,
Facebook Graph API, Twilio REST API): it records every call the bot makes and answers as the
platform documents, so the connectors' replies can be checked without the internet.

The connectors reach it through TELEGRAM_API_URL, SLACK_API_URL, FACEBOOK_GRAPH_URL and
TWILIO_API_URL (see `environment`)."""

from __future__ import annotations

import json
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List
from urllib.parse import parse_qs, urlsplit

TELEGRAM_BOT_NAME = "cervix_info_bot"


def parse_body(content_type: str, body: bytes) -> dict:
    """A request body as a dict, whichever way the platform's client library encoded it."""
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(body.decode()).items()}
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        return {
            part.get_param("name", header="content-disposition"): part.get_content()
            for part in message.iter_parts()
        }
    return {}


class Call(dict):
    """One recorded request: platform, method (the API call), path, query, body."""


class StandIn:
    def __init__(self, port: int):
        self.port = port
        self.calls: List[Call] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "StandIn":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> Dict[str, str]:
        return {
            "TELEGRAM_API_URL": f"{self.url}/telegram",
            "SLACK_API_URL": f"{self.url}/slack/",
            "FACEBOOK_GRAPH_URL": f"{self.url}/facebook",
            "TWILIO_API_URL": self.url,
        }

    def calls_to(self, platform: str, method: str) -> List[Call]:
        with self._lock:
            return [c for c in self.calls if c["platform"] == platform and c["method"] == method]

    def wait_for(self, platform: str, method: str, predicate, timeout: float = 60) -> List[Call]:
        """The calls of `method` once `predicate(calls)` holds; fails after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.calls_to(platform, method)
            if predicate(calls):
                return calls
            time.sleep(0.3)
        raise AssertionError(
            f"no matching {platform} {method} call in {timeout} s: "
            f"{self.calls_to(platform, method)}"
        )

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self._answer()

            def do_GET(self) -> None:  # noqa: N802
                self._answer()

            def _answer(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = parse_body(self.headers.get("Content-Type", ""), self.rfile.read(length))
                platform, method = route(parts.path)
                call = Call(
                    platform=platform,
                    method=method,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    body=body,
                    headers=dict(self.headers),
                )
                standin._record(call)
                status, payload = reply(call, len(standin.calls))
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        return Handler


def route(path: str):
    """(platform, API method) of a request path."""
    pieces = path.strip("/").split("/")
    if pieces[0] == "telegram":  # /telegram/bot<token>/<method>
        return "telegram", pieces[-1]
    if pieces[0] == "slack":  # /slack/chat.postMessage
        return "slack", pieces[-1]
    if pieces[0] == "facebook":  # /facebook/me/messages
        return "facebook", "/".join(pieces[1:])
    if pieces[0] == "2010-04-01":  # /2010-04-01/Accounts/<sid>/Messages.json
        return "twilio", pieces[-1]
    return "unknown", path


def reply(call: Call, number: int):
    """(status, JSON) as the platform answers that call."""
    platform, method, body = call["platform"], call["method"], call["body"]
    if platform == "telegram":
        if method == "getMe":
            user = {"id": 4242, "is_bot": True, "first_name": "Info", "username": TELEGRAM_BOT_NAME}
            return 200, {"ok": True, "result": user}
        if method == "sendMessage":
            chat = {"id": int(body.get("chat_id", 0)), "type": "private"}
            message = {"message_id": number, "date": int(time.time()), "chat": chat}
            return 200, {"ok": True, "result": {**message, "text": body.get("text", "")}}
        return 200, {"ok": True, "result": True}  # setWebhook and the like
    if platform == "slack":
        return 200, {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"}
    if platform == "facebook":
        recipient = body.get("recipient", {}).get("id", "")
        return 200, {"recipient_id": recipient, "message_id": f"m_{number}"}
    if platform == "twilio":
        return 201, {
            "sid": f"SM{number:032d}",
            "account_sid": call["path"].split("/")[3],
            "to": body.get("To"),
            "from": body.get("From"),
            "body": body.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
        }
    return 404, {"error": "not a platform API this stand-in knows"}
