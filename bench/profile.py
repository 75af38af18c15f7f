"""Where the time of one turn goes: the trained model loaded in this process with Rasa's own
Agent and the project's Rasa patches, the action server called over HTTP as in production,
and timers wrapped around the graph nodes (featurizers, DIET, policies), the action call and
the tracker store; and how those parts grow over one long conversation, with Rasa's own
in-memory store and with ours (serving/tracker_store.py)."""

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


def instrument() -> None:
    """Timers around the parts of a turn (once per process)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.engine.graph import GraphNode
    from rasa.utils.endpoints import EndpointConfig

    from serving.tracker_store import RecentInMemoryTrackerStore

    if getattr(instrument, "done", False):
        return
    instrument.done = True
    timed(GraphNode, "__call__", node_label)
    timed(RemoteAction, "run", lambda a: "custom action call")
    timed(EndpointConfig, "request", lambda e: "  of which HTTP to the action server")
    timed(RemoteAction, "_validate_action_result", lambda a: "  of which response schema check")
    timed(MessageProcessor, "parse_message", lambda p: "NLU graph (parse)")
    timed(MessageProcessor, "_predict_next_with_tracker", lambda p: "policy graph (predict)")
    for store in (InMemoryTrackerStore, RecentInMemoryTrackerStore):
        for attr in ("retrieve", "save"):
            timed(store, attr, lambda s: "tracker store")


async def load(model: Path, tracker_store=None):
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    from serving import rasa_patches

    rasa_patches.apply()  # as `python -m serving run` serves
    # As `rasa run` logs by default: no per-event debug lines to time by mistake.
    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)
    endpoints = AvailableEndpoints(
        action=EndpointConfig(url=f"http://localhost:{ACTIONS_PORT}/webhook")
    )
    agent = await load_agent(str(model), endpoints=endpoints)
    if tracker_store is not None:
        tracker_store.domain = agent.domain
        agent.tracker_store = tracker_store
        agent.processor.tracker_store = tracker_store
    instrument()
    return agent


async def say(agent, sender: str, text: str) -> None:
    from rasa.core.channels import CollectingOutputChannel, UserMessage

    await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender_id=sender))


async def growth(model: Path, turns: int = 300) -> Dict:
    """Per-part ms a turn at turns 3-22 and 281-300 of one conversation, by store."""
    from bench.speed import EARLY, LATE
    from serving.tracker_store import RecentInMemoryTrackerStore

    out = {}
    for name, store in (("rasa-memory", None), ("memory", RecentInMemoryTrackerStore(None))):
        agent = await load(model, store)
        sender = f"profile-long-{uuid.uuid4().hex[:6]}"
        windows: Dict[str, Dict[str, float]] = {}
        for number in range(1, turns + 1):
            if number in (EARLY[0], LATE[0]):
                TIMES.clear()
                TIMES["turn"] = 0.0
            start = time.perf_counter()
            await say(agent, sender, SCRIPT[(number - 1) % len(SCRIPT)])
            TIMES["turn"] += time.perf_counter() - start
            for label, (first, last) in (("early", EARLY), ("late", LATE)):
                if number == last:
                    count = last - first + 1
                    windows[label] = {k: v * 1000 / count for k, v in TIMES.items()}
        out[name] = windows
    return out


async def profile(model: Path, passes: int = 3) -> Dict:
    agent = await load(model)
    warm = f"profile-warm-{uuid.uuid4().hex[:6]}"
    for text in SCRIPT:
        await say(agent, warm, text)
    TIMES.clear()
    turns = 0
    total = 0.0
    for _ in range(passes):
        sender = f"profile-{uuid.uuid4().hex[:6]}"
        for text in SCRIPT:
            start = time.perf_counter()
            await say(agent, sender, text)
            total += time.perf_counter() - start
            turns += 1
    per_turn = {k: v * 1000 / turns for k, v in sorted(TIMES.items(), key=lambda kv: -kv[1])}
    return {"turns": turns, "turn_ms": total * 1000 / turns, "parts_ms": per_turn}


def run(model: Path) -> Dict:
    return asyncio.run(profile(model))


def run_growth(model: Path) -> Dict:
    return asyncio.run(growth(model))
