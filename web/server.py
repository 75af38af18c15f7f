"""Serve the demo page with its chat widget: a few fixed files, nothing from the internet.

    python web/server.py   # env: WEB_PORT (8080), WEB_HOST (127.0.0.1), RASA_URL

Nothing is fetched from the internet: the widget bundle's web-font import (Google Fonts) is
left out, and the page's Content-Security-Policy lets it load only from here and talk only to
Rasa, so a clinic's visitors are not reported to a third party and the page works offline.
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
BUNDLE = WEB / "node_modules" / "rasa-webchat" / "lib" / "index.js"
# The bundle's stylesheet imports its web font from Google; the widget falls back to the
# system's sans-serif without it. (The policy below would block it too, noisily.)
REMOTE_FONT = (
    b"@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);"
)
FILES = {  # URL path -> (file, content type)
    "/": (WEB / "index.html", "text/html; charset=utf-8"),
    "/chat.js": (WEB / "chat.js", "text/javascript; charset=utf-8"),
    "/webchat.js": (BUNDLE, "text/javascript; charset=utf-8"),
}


def content_security_policy(rasa_url: str) -> str:
    parts = urlsplit(rasa_url)
    ws = "wss" if parts.scheme == "https" else "ws"
    rasa = f"{parts.scheme}://{parts.netloc} {ws}://{parts.netloc}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"connect-src 'self' {rasa}; img-src 'self' data:; font-src 'self' data:; "
        "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
    )


def responses(rasa_url: str) -> Dict[str, Tuple[bytes, str]]:
    """Every path the server answers, read once at start."""
    missing = [str(f) for f, _ in FILES.values() if not f.exists()]
    if missing:
        raise SystemExit(f"Missing {', '.join(missing)}: run `make setup` (npm ci in web/).")
    served = {path: (f.read_bytes(), kind) for path, (f, kind) in FILES.items()}
    bundle, kind = served["/webchat.js"]
    served["/webchat.js"] = (bundle.replace(REMOTE_FONT, b""), kind)
    config = f"window.BOT_CONFIG = {json.dumps({'socketUrl': rasa_url})};\n"
    served["/config.js"] = (config.encode(), "text/javascript; charset=utf-8")
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
