"""When the action server is down or slow, the user gets an apology and the topics, quickly.

Rasa 3.6's RemoteAction waits up to 5 minutes for the action server (DEFAULT_REQUEST_TIMEOUT,
which endpoints.yml cannot change), and when the call fails the processor logs the error and
sends nothing: the user is left with silence. serving/rasa_patches.py makes Rasa create this
subclass for custom actions instead: the call gets ACTION_TIMEOUT seconds (env, default 3),
and a timeout, a refused connection or an error status from the action server becomes the
"cannot look it up right now" reply with the knowledge file's topics. Anything else (a
response that breaks Rasa's schema, no action endpoint configured) is a bug to see in the
log, not an outage to apologise for, so it goes to Rasa as before. The next message tries the
action server again, so answers resume as soon as it is back.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from typing import Any, List, Optional

import aiohttp
from rasa.core.actions.action import (
    ActionExecutionRejection,
    RemoteAction,
    create_bot_utterance,
)
from rasa.shared.core.events import Event
from rasa.shared.exceptions import RasaException

from medinfo.answers import unavailable
from medinfo.schema import KnowledgeError
from medinfo.store import KnowledgeStore, knowledge_path

logger = logging.getLogger(__name__)

ACTION_TIMEOUT = float(os.environ.get("ACTION_TIMEOUT") or 3)
PLAIN_APOLOGY = "Sorry, I cannot look up the article right now. Please ask again in a minute."


@functools.lru_cache(maxsize=1)
def _store() -> Optional[KnowledgeStore]:
    try:
        return KnowledgeStore.load(knowledge_path())
    except KnowledgeError as error:
        logger.error("No topics for the apology: %s", error)
        return None


def apology() -> List[dict]:
    store = _store()
    return unavailable(store).messages if store else [{"text": PLAIN_APOLOGY}]


def action_server_failure(error: BaseException) -> bool:
    """A timeout, or the error Rasa's RemoteAction.run raises for a refused connection or an
    error status (it wraps aiohttp's ClientError in a RasaException, keeping it as the cause
    or context). A 400 (the action rejected the turn) is ActionExecutionRejection: not this."""
    if isinstance(error, asyncio.TimeoutError):
        return True
    if isinstance(error, ActionExecutionRejection):
        return False  # the action declined to run: Rasa's policies pick another action
    wrapped = error.__cause__ or error.__context__
    return isinstance(error, RasaException) and isinstance(wrapped, aiohttp.ClientError)


class FallbackRemoteAction(RemoteAction):
    async def run(self, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
        try:
            return await asyncio.wait_for(
                super().run(output_channel, nlg, tracker, domain), ACTION_TIMEOUT
            )
        except (asyncio.TimeoutError, RasaException) as error:
            if not action_server_failure(error):
                raise
            reason = "timed out" if isinstance(error, asyncio.TimeoutError) else repr(error)
            logger.error("Custom action '%s' failed (%s): apologising.", self.name(), reason)
            return [create_bot_utterance(dict(message)) for message in apology()]
