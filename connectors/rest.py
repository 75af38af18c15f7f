"""Rasa's REST webhook, hardened for the open internet. credentials.yml names it in place of
`rest:`; the URL stays /webhooks/rest/webhook.

- Bad requests get a 4xx with a JSON `error` saying what is wrong, never a 5xx: invalid JSON,
  a body that is not an object, a missing or empty `sender` or `message`, a wrong content type,
  an over-long message. Control characters and lone surrogates are dropped from the text
  (PostgreSQL cannot store NUL; they carry no meaning).
- A proper message always gets a reply: if Rasa fails or stays silent, the apology.
- With $REST_TOKEN set, requests must carry `Authorization: Bearer $REST_TOKEN`. Anyone who can
  post may post as any sender, so outside development the channel is for server-to-server
  integrations only: BOT_PROFILE=production without REST_TOKEN refuses to start.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import unicodedata
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from serving import action_fallback

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 20_000
MAX_SENDER_CHARS = 128  # sender ids are a VARCHAR(255) column in the SQL tracker store
KEEP = {"\n", "\t"}


class BadRequest(Exception):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status, self.error = status, error


def clean(text: str) -> str:
    """`text` without control characters (but newline and tab) and lone surrogates."""
    return "".join(c for c in text if c in KEEP or unicodedata.category(c) not in ("Cc", "Cs"))


def parse(request: Request) -> tuple:
    """(sender, text, metadata) of a webhook request, or BadRequest saying what is wrong."""
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise BadRequest(415, "Send JSON with Content-Type: application/json.")
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(400, "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise BadRequest(400, 'The body must be a JSON object: {"sender": ..., "message": ...}.')
    sender, text = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not clean(sender).strip():
        raise BadRequest(400, "`sender` must be a non-empty string.")
    if len(sender) > MAX_SENDER_CHARS or clean(sender) != sender:
        raise BadRequest(
            400, f"`sender` must be at most {MAX_SENDER_CHARS} characters, none of them control."
        )
    if not isinstance(text, str):
        raise BadRequest(400, "`message` must be a string.")
    text = clean(text)
    if not text.strip():
        raise BadRequest(400, "`message` is empty.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise BadRequest(413, f"`message` is longer than {MAX_MESSAGE_CHARS} characters.")
    metadata = body.get("metadata")
    return sender, text, metadata if isinstance(metadata, dict) else None


class RestInput(RasaRestInput):
    def __init__(self, token: Optional[str] = None) -> None:
        self.token = token

    @classmethod
    def from_credentials(cls, credentials: Optional[dict]) -> "RestInput":
        token = os.environ.get("REST_TOKEN") or None
        if token is None and os.environ.get("BOT_PROFILE") == "production":
            raise RasaException(
                "BOT_PROFILE=production: set REST_TOKEN, the token the REST webhook's "
                "callers must send (Authorization: Bearer ...)."
            )
        return cls(token)

    def authorised(self, request: Request) -> bool:
        if self.token is None:
            return True
        given = request.headers.get("authorization") or ""
        return hmac.compare_digest(given.encode(), f"Bearer {self.token}".encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.authorised(request):
                return response.json({"error": "Missing or wrong token."}, status=401)
            try:
                sender, text, metadata = parse(request)
            except BadRequest as bad:
                return response.json({"error": bad.error}, status=bad.status)
            collector = CollectingOutputChannel()
            message = UserMessage(
                text, collector, sender, input_channel=self.name(), metadata=metadata
            )
            try:
                await on_new_message(message)
            except (Exception, asyncio.CancelledError):  # Rasa's response timeout cancels
                logger.exception("The message of %r failed: apologising.", sender)
            return response.json(collector.messages or action_fallback.apology())

        return webhook
