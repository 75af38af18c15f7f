"""Latency and throughput through the REST webhook, with the action server, after a warm-up:
one conversation in sequence (a knowledge turn, then a small-talk "hi" turn, alternately, so
both see the same load), then many conversations at once, in three rounds of which the median
is reported; and one long conversation, to see whether a turn costs more as it grows."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from typing import Dict, List, Optional

import aiohttp

from bench.serving import WEBHOOK

# One conversation: knowledge questions and follow-ups, as a person might ask them.
SCRIPT = [
    "what is cervical insufficiency?",
    "what causes it?",
    "who is at risk?",
    "what are the symptoms?",
    "how do doctors diagnose it?",
    "how is it treated?",
    "is the stitch removed before delivery?",
    "can progesterone help?",
    "will it happen again in my next pregnancy?",
    "at what week does it usually happen?",
    "does a cone biopsy make it more likely?",
    "what are the signs of a weak cervix?",
]
SMALL_TALK = "hi"
TIMEOUT = aiohttp.ClientTimeout(total=30)
ROUNDS = 3  # of the concurrent conversations


def percentile(values: List[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


async def turn(session: aiohttp.ClientSession, sender: str, text: str) -> Optional[float]:
    """Seconds one turn took, or None if it failed (HTTP error, timeout, empty reply)."""
    start = time.perf_counter()
    try:
        async with session.post(WEBHOOK, json={"sender": sender, "message": text}) as r:
            replies = await r.json()
            if r.status != 200 or not replies:
                return None
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return None
    return time.perf_counter() - start


def stats(seconds: List[Optional[float]], wall: Optional[float] = None) -> Dict:
    ok = [s * 1000 for s in seconds if s is not None]
    out = {
        "turns": len(seconds),
        "errors": len(seconds) - len(ok),
        "p50_ms": statistics.median(ok) if ok else float("nan"),
        "p95_ms": percentile(ok, 0.95),
    }
    if wall:
        out["wall_s"] = wall
        out["turns_per_s"] = len(ok) / wall
    return out


async def conversation(session, sender: str, turns: List[str]) -> List[Optional[float]]:
    return [await turn(session, sender, text) for text in turns]


async def measure(conversations: int = 20, passes: int = 3) -> Dict:
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        await conversation(session, f"bench-warmup-{uuid.uuid4().hex[:6]}", SCRIPT)
        await conversation(session, f"bench-warmup-{uuid.uuid4().hex[:6]}", [SMALL_TALK] * 4)

        knowledge: List[Optional[float]] = []
        small_talk: List[Optional[float]] = []
        ask, chat = f"bench-seq-{uuid.uuid4().hex[:6]}", f"bench-hi-{uuid.uuid4().hex[:6]}"
        start = time.perf_counter()
        for _ in range(passes):
            for text in SCRIPT:
                knowledge.append(await turn(session, ask, text))
                small_talk.append(await turn(session, chat, SMALL_TALK))
        sequential_wall = time.perf_counter() - start

        rounds = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            results = await asyncio.gather(
                *(
                    conversation(session, f"bench-load-{i}-{uuid.uuid4().hex[:6]}", SCRIPT)
                    for i in range(conversations)
                )
            )
            wall = time.perf_counter() - start
            rounds.append(stats([s for r in results for s in r], wall))
    sequential, floor = stats(knowledge), stats(small_talk)
    in_sequence = stats(knowledge + small_talk, sequential_wall)["turns_per_s"]
    concurrent = sorted(rounds, key=lambda r: r["turns_per_s"])[len(rounds) // 2]
    return {
        "sequential": sequential,
        "small_talk": floor,
        "ratio_p50": sequential["p50_ms"] / floor["p50_ms"],
        # The round with the median throughput: one short burst on a shared machine is noisy.
        "concurrent": {"conversations": conversations, **concurrent},
        "sequential_turns_per_s": in_sequence,
        "concurrent_over_sequential": concurrent["turns_per_s"] / in_sequence,
        "rounds": rounds,
    }


# Turns (1-based) compared in the long conversation: its start, after the greeting turns, and
# its end. A messaging-app user keeps one conversation for good.
EARLY, LATE = (3, 22), (281, 300)


async def long_conversation(turns: int = LATE[1]) -> Dict:
    """One conversation of `turns` turns, the script's questions and follow-ups in a loop."""
    sender = f"bench-long-{uuid.uuid4().hex[:6]}"
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        seconds = [await turn(session, sender, SCRIPT[i % len(SCRIPT)]) for i in range(turns)]
    early = stats(seconds[EARLY[0] - 1 : EARLY[1]])
    late = stats(seconds[LATE[0] - 1 : LATE[1]])
    return {
        "turns": turns,
        "errors": len([s for s in seconds if s is None]),
        "early": early,
        "late": late,
        "growth": late["p50_ms"] / early["p50_ms"],
    }


def run(conversations: int = 20) -> Dict:
    return asyncio.run(measure(conversations))


def run_long() -> Dict:
    return asyncio.run(long_conversation())
