"""Serve the demo page with its chat widget: a few fixed files, nothing from the internet.

    python web/server.py   # env: WEB_PORT (8080), WEB_HOST (127.0.0.1), RASA_URL

The widget (chat.js, chat.css) and socket.io-client (from npm, in node_modules) are served from
here, and the page's Content-Security-Policy lets it load only from here and talk only to Rasa,
so a clinic's visitors are not reported to a third party and the page works offline.
"""

from __future__ import annotations

import json
import os
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Tuple
from urllib.parse import urlsplit

WEB = Path(__file__).resolve().parent
SOCKET_IO = WEB / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
JS, CSS = "text/javascript; charset=utf-8", "text/css; charset=utf-8"
FILES = {  # URL path -> (file, content type)
    "/": (WEB / "index.html", "text/html; charset=utf-8"),
    "/page.css": (WEB / "page.css", CSS),
    "/chat.css": (WEB / "chat.css", CSS),
    "/chat.js": (WEB / "chat.js", JS),
    "/socket.io.min.js": (SOCKET_IO, JS),
}


def content_security_policy(rasa_url: str) -> str:
    """Scripts and styles only from files of this site (no inline ones), connections only to
    here and Rasa, images only from here or data: URLs."""
    parts = urlsplit(rasa_url)
    ws = "wss" if parts.scheme == "https" else "ws"
    rasa = f"{parts.scheme}://{parts.netloc} {ws}://{parts.netloc}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"connect-src 'self' {rasa}; img-src 'self' data:; "
        "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
    )


def responses(rasa_url: str) -> Dict[str, Tuple[bytes, str]]:
    """Every path the server answers, read once at start."""
    missing = [str(f) for f, _ in FILES.values() if not f.exists()]
    if missing:
        raise SystemExit(f"Missing {', '.join(missing)}: run `make setup` (npm ci in web/).")
    served = {path: (f.read_bytes(), kind) for path, (f, kind) in FILES.items()}
    config = f"window.BOT_CONFIG = {json.dumps({'socketUrl': rasa_url})};\n"
    served["/config.js"] = (config.encode(), JS)
    return served


class Handler(BaseHTTPRequestHandler):
    def __init__(self, served, policy, *args, **kwargs):
        self.served, self.policy = served, policy
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        body, kind = self.served.get(urlsplit(self.path).path, (b"Not found\n", None))
        self.send_response(200 if kind else 404)
        self.send_header("Content-Type", kind or "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", self.policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # the page's requests are not worth a log line
        pass


def main() -> None:
    port = int(os.environ.get("WEB_PORT", "8080"))
    host = os.environ.get("WEB_HOST", "127.0.0.1")
    rasa_url = os.environ.get("RASA_URL", f"http://localhost:{os.environ.get('RASA_PORT', '5005')}")
    handler = partial(Handler, responses(rasa_url), content_security_policy(rasa_url))
    with ThreadingHTTPServer((host, port), handler) as server:
        port = server.server_address[1]  # WEB_PORT=0: a free port the system picks
        print(f"Demo page with the chat widget on http://localhost:{port}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
