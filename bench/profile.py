"""Where the time of one turn goes: the trained model loaded in this process with Rasa's own
Agent, the action server called over HTTP as in production, and timers wrapped around the
graph nodes (featurizers, DIET, policies), the action call and the tracker store."""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Callable, Dict

from bench.serving import ACTIONS_PORT
from bench.speed import SCRIPT

TIMES: Dict[str, float] = defaultdict(float)


def timed(owner: type, attr: str, label: Callable[..., str]) -> None:
    """Replace `owner.attr` by a version adding its run time to TIMES[label(self)]."""
    original = getattr(owner, attr)
    if inspect.iscoroutinefunction(original):

        @functools.wraps(original)
        async def wrapper(self, *args, **kwargs):
            start = time.perf_counter()
            try:
                return await original(self, *args, **kwargs)
            finally:
                TIMES[label(self)] += time.perf_counter() - start

    else:

        @functools.wraps(original)
        def wrapper(self, *args, **kwargs):
            start = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                TIMES[label(self)] += time.perf_counter() - start

    setattr(owner, attr, wrapper)


def node_label(node) -> str:
    # "run_DIETClassifier5" -> "DIETClassifier"; Rasa's own plumbing nodes are named too.
    name = node._node_name.replace("run_", "").rstrip("0123456789")
    return f"node {name}"


async def profile(model: Path, passes: int = 3) -> Dict:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import load_agent
    from rasa.core.channels import CollectingOutputChannel, UserMessage
    from rasa.core.processor import MessageProcessor
    from rasa.core.utils import AvailableEndpoints
    from rasa.engine.graph import GraphNode
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    # As `rasa run` logs by default: no per-event debug lines to time by mistake.
    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)

    endpoints = AvailableEndpoints(
        action=EndpointConfig(url=f"http://localhost:{ACTIONS_PORT}/webhook")
    )
    agent = await load_agent(str(model), endpoints=endpoints)
    timed(GraphNode, "__call__", node_label)
    timed(RemoteAction, "run", lambda a: "custom action call")
    timed(EndpointConfig, "request", lambda e: "  of which HTTP to the action server")
    timed(RemoteAction, "_validate_action_result", lambda a: "  of which response schema check")
    timed(MessageProcessor, "parse_message", lambda p: "NLU graph (parse)")
    timed(MessageProcessor, "_predict_next_with_tracker", lambda p: "policy graph (predict)")
    store = type(agent.tracker_store)
    for attr in ("retrieve", "retrieve_full_tracker", "save"):
        if hasattr(store, attr):
            timed(store, attr, lambda s: "tracker store")

    async def say(sender: str, text: str) -> None:
        await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender_id=sender))

    warm = f"profile-warm-{uuid.uuid4().hex[:6]}"
    for text in SCRIPT:
        await say(warm, text)
    TIMES.clear()
    turns = 0
    total = 0.0
    for _ in range(passes):
        sender = f"profile-{uuid.uuid4().hex[:6]}"
        for text in SCRIPT:
            start = time.perf_counter()
            await say(sender, text)
            total += time.perf_counter() - start
            turns += 1
    per_turn = {k: v * 1000 / turns for k, v in sorted(TIMES.items(), key=lambda kv: -kv[1])}
    return {"turns": turns, "turn_ms": total * 1000 / turns, "parts_ms": per_turn}


def run(model: Path) -> Dict:
    return asyncio.run(profile(model))
