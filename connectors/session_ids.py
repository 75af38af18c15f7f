"""Unforgeable socket.io session ids: the server signs every id it issues.

A web widget keeps its session id in the browser and claims it again after a reload. Rasa's
own channel accepts any claimed id, so anyone who learns (or guesses) an id reads that
conversation. Here an id is `<random>.<HMAC of random>`: only ids this server (or a replica
sharing its secret) issued pass `is_genuine`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Optional

RANDOM_HEX = 32  # 128 random bits
SIGNATURE_HEX = 32  # 128 bits of HMAC-SHA256: beyond guessing


def _signature(secret: bytes, random_part: str) -> str:
    return hmac.new(secret, random_part.encode(), hashlib.sha256).hexdigest()[:SIGNATURE_HEX]


def issue(secret: bytes) -> str:
    """A new session id signed with `secret`."""
    random_part = secrets.token_hex(RANDOM_HEX // 2)
    return f"{random_part}.{_signature(secret, random_part)}"


def is_genuine(secret: bytes, session_id: Optional[object]) -> bool:
    """True only for an id that `issue` made with this `secret`."""
    if not isinstance(session_id, str) or session_id.count(".") != 1:
        return False
    random_part, signature = session_id.split(".")
    if len(random_part) != RANDOM_HEX or len(signature) != SIGNATURE_HEX:
        return False
    return hmac.compare_digest(signature, _signature(secret, random_part))


def confirmed_id(secret: bytes, claimed: Optional[object]) -> str:
    """The id a `session_request` gets: the claimed one if genuine, else a fresh one."""
    return claimed if is_genuine(secret, claimed) else issue(secret)  # type: ignore[return-value]
