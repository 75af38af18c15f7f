"""The operator's erasure endpoint on the Rasa server, a channel in credentials.yml:

    DELETE /webhooks/operator/conversations/<sender id>

Allowed with Rasa's API token (RASA_API_TOKEN: `Authorization: Bearer <token>` or
`?token=<token>`, as Rasa's own API takes it) or a JWT signed with RASA_JWT_SECRET whose
user role is admin (Rasa's own JWT claims: {"user": {"role": "admin"}}). With neither set,
the endpoint refuses every request. It deletes under the conversation's lock, so a turn in
progress for that sender cannot write the conversation back.
"""

from __future__ import annotations

import hmac
import logging
import os
from typing import Any, Awaitable, Callable, Optional

import jwt
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from operations.tracker_store import managed_store

logger = logging.getLogger(__name__)


def authorised(request: Request, environ=os.environ) -> bool:
    token = environ.get("RASA_API_TOKEN") or ""
    secret = environ.get("RASA_JWT_SECRET") or ""
    header = request.headers.get("Authorization", "")
    bearer = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if token:
        for given in (bearer, request.args.get("token") or ""):
            if given and hmac.compare_digest(given.encode(), token.encode()):
                return True
    if secret and bearer:
        method = environ.get("RASA_JWT_METHOD") or "HS256"
        try:
            claims = jwt.decode(bearer, secret, algorithms=[method])
        except jwt.PyJWTError:
            return False
        user = claims.get("user") if isinstance(claims, dict) else None
        return isinstance(user, dict) and user.get("role") == "admin"
    return False


class OperatorInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "operator"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("operator", __name__)

        @blueprint.route("/conversations/<sender_id:path>", methods=["DELETE"])
        async def forget(request: Request, sender_id: str) -> HTTPResponse:
            if not authorised(request):
                return response.json({"error": "the API token or an admin JWT is needed"}, 403)
            agent = getattr(request.app.ctx, "agent", None)
            store = managed_store(agent.tracker_store if agent else None)
            if store is None:
                return response.json({"error": "the tracker store cannot erase"}, 501)
            async with agent.lock_store.lock(sender_id):
                removed: Optional[int] = store.forget(sender_id)
            return response.json({"removed_events": removed})

        return blueprint
