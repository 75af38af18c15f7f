"""The web widget's socket.io channel: Rasa's, with three faults of Rasa 3.6.21 fixed.

1. Rasa calls `sio.enter_room` without `await`; since python-socketio 5.10 that is a
   coroutine, so with session persistence no reply reaches the widget. We await it (rather than
   pin python-socketio 5.9, which would hold back a transport library for one missing word).
2. Rasa accepts a handshake from any web origin (it sets `cors_allowed_origins=[]`, and
   socket.io ignores `rasa run --cors`). We accept only the widget's origins: WIDGET_ORIGINS,
   comma-separated; by default the demo page, http://localhost:$WEB_PORT (8080).
3. With `session_persistence` Rasa lets a client claim any session id, so anyone who learns
   an id reads that conversation; and it takes each message's `session_id` as given. Here the
   server issues signed ids (`connectors.session_ids`), a claimed id with a bad signature gets
   a fresh one, and a message always goes to the session this connection was confirmed in.

The signing secret is SOCKETIO_SESSION_SECRET. Unset (development), a random one is made at
each start: a widget's session then survives page reloads but not a server restart, which
loses nothing with the default in-memory tracker store (it forgets conversations on restart
anyway). Replicas behind one load balancer must share the secret.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels import socketio as rasa_socketio
from rasa.core.channels.channel import UserMessage, decode_bearer_token
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from connectors import session_ids

logger = logging.getLogger(__name__)


def widget_origins(environ: Dict[str, str] = os.environ) -> List[str]:
    """The web origins allowed to open a socket: WIDGET_ORIGINS, or the demo page's."""
    configured = [o.strip().rstrip("/") for o in environ.get("WIDGET_ORIGINS", "").split(",")]
    configured = [o for o in configured if o]
    if configured:
        return configured
    port = environ.get("WEB_PORT", "8080")
    return [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]


def session_secret(environ: Dict[str, str] = os.environ) -> bytes:
    secret = environ.get("SOCKETIO_SESSION_SECRET", "")
    if secret:
        return secret.encode()
    if environ.get("BOT_PROFILE") == "production":
        # Replicas must share one secret, or each refuses the others' session ids.
        raise RasaException(
            "BOT_PROFILE=production: set SOCKETIO_SESSION_SECRET, the secret every Rasa "
            "replica signs web widget session ids with."
        )
    logger.warning(
        "SOCKETIO_SESSION_SECRET is not set: using a random secret for this run, so web "
        "widget sessions will not survive a server restart."
    )
    return secrets.token_bytes(32)


class SocketIOInput(rasa_socketio.SocketIOInput):
    """Named in credentials.yml as `connectors.socketio.SocketIOInput`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origins = widget_origins()
        self.secret = session_secret()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=self.origins)
        socketio_webhook = rasa_socketio.SocketBlueprint(
            sio, self.socketio_path, "socketio_webhook", __name__
        )
        self.sio = sio  # get_output_channel needs it
        namespace = self.namespace

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict]) -> bool:
            if not self.jwt_key:
                return True
            token = (auth or {}).get("token")
            return bool(token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm))

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            claimed = data.get("session_id") if isinstance(data, dict) else None
            if self.session_persistence:
                session_id = session_ids.confirmed_id(self.secret, claimed)
                if claimed and session_id != claimed:
                    logger.info("A socket.io client claimed a session id not issued here.")
                await sio.enter_room(sid, session_id, namespace=namespace)
            else:
                session_id = sid  # each connection is its own conversation
            await sio.save_session(sid, {"session_id": session_id}, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: Text, data: Dict) -> None:
            session = await sio.get_session(sid, namespace=namespace)
            sender_id = session.get("session_id")
            if not sender_id:
                # Rasa drops such a message silently; say why instead.
                await sio.emit(
                    self.bot_message_evt,
                    {"text": "Please reconnect: this chat has no session yet."},
                    room=sid,
                    namespace=namespace,
                )
                return
            if not isinstance(data, dict):
                data = {"message": str(data)}
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            output_channel = rasa_socketio.SocketIOOutput(sio, self.bot_message_evt)
            await on_new_message(
                UserMessage(
                    str(data.get("message", "")),
                    output_channel,
                    sender_id,
                    input_channel=self.name(),
                    metadata=metadata if isinstance(metadata, dict) else {},
                )
            )

        return socketio_webhook
