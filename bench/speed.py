"""Latency and throughput through the REST webhook, with the action server, after a warm-up:
one conversation in sequence (a knowledge turn, then a small-talk "hi" turn, alternately, so
both see the same load), then many conversations at once, in five rounds of which the median
is reported; and one long conversation, to see whether a turn costs more as it grows (its
last turns against a new conversation's first, at the same time).

Several bots (one per tracker store) are measured side by side, turn by turn and round by
round in alternation, so that a change in the machine's load weighs on each alike and their
ratios are fair on a shared machine."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from typing import Dict, List, Optional

import aiohttp

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
ROUNDS = 5  # of the concurrent conversations: their median, as one short burst is noisy


def percentile(values: List[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


async def turn(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> Optional[float]:
    """Seconds one turn took, or None if it failed (HTTP error, timeout, empty reply)."""
    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as r:
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


async def conversation(session, url: str, sender: str, turns: List[str]):
    return [await turn(session, url, sender, text) for text in turns]


def new_id(kind: str) -> str:
    return f"bench-{kind}-{uuid.uuid4().hex[:6]}"


def in_turn(urls: Dict[str, str], number: int) -> List:
    """The bots in alternation, each pass in the other order: none always goes first."""
    items = list(urls.items())
    return items if number % 2 == 0 else items[::-1]


async def measure(urls: Dict[str, str], conversations: int = 20, passes: int = 5) -> Dict:
    """Speed of each bot ({name: webhook}), measured in alternation."""
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        for url in urls.values():
            await conversation(session, url, new_id("warmup"), SCRIPT)
            await conversation(session, url, new_id("warmup"), [SMALL_TALK] * 4)

        knowledge = {name: [] for name in urls}
        small_talk = {name: [] for name in urls}
        walls = {name: 0.0 for name in urls}
        ask = {name: new_id("seq") for name in urls}
        chat = {name: new_id("hi") for name in urls}
        for number in range(passes):
            for text in SCRIPT:
                for name, url in in_turn(urls, number):
                    start = time.perf_counter()
                    knowledge[name].append(await turn(session, url, ask[name], text))
                    small_talk[name].append(await turn(session, url, chat[name], SMALL_TALK))
                    walls[name] += time.perf_counter() - start

        rounds = {name: [] for name in urls}
        for number in range(ROUNDS):
            for name, url in in_turn(urls, number):
                start = time.perf_counter()
                results = await asyncio.gather(
                    *(
                        conversation(session, url, new_id(f"load-{i}"), SCRIPT)
                        for i in range(conversations)
                    )
                )
                wall = time.perf_counter() - start
                rounds[name].append(stats([s for r in results for s in r], wall))

    out = {}
    for name in urls:
        sequential, floor = stats(knowledge[name]), stats(small_talk[name])
        in_sequence = stats(knowledge[name] + small_talk[name], walls[name])["turns_per_s"]
        # The round with the median throughput: one short burst on a shared machine is noisy.
        concurrent = sorted(rounds[name], key=lambda r: r["turns_per_s"])[len(rounds[name]) // 2]
        out[name] = {
            "sequential": sequential,
            "small_talk": floor,
            "ratio_p50": sequential["p50_ms"] / floor["p50_ms"],
            "concurrent": {"conversations": conversations, **concurrent},
            "sequential_turns_per_s": in_sequence,
            "concurrent_over_sequential": concurrent["turns_per_s"] / in_sequence,
            "rounds": rounds[name],
        }
    return out


# Turns (1-based) compared in the long conversation: its start, after the greeting turns, and
# its end. A messaging-app user keeps one conversation for good.
EARLY, LATE = (3, 22), (281, 300)


def asked(number: int, offset: int = 0) -> str:
    """The script's question at turn `number` (0-based) of a conversation started `offset`
    questions into the loop."""
    return SCRIPT[(number + offset) % len(SCRIPT)]


async def long_conversation(urls: Dict[str, str], turns: int = LATE[1]) -> Dict:
    """One conversation of `turns` turns with each bot in turn, the script's questions in a
    loop; its last turns (281-300) alternate with the early turns (3-22) of a new
    conversation asking the same questions, so that both windows are measured at the same
    time, under the same load and with the same server state: their ratio is what the
    conversation's length costs. The long conversation's own turns 3-22, measured minutes
    earlier, are reported too ("in time order"), but the machine's drift weighs on that ratio.
    Bots one after another, not in alternation: a bot whose turns grow slow (Rasa's own stores)
    would weigh on the next one's turns."""
    out = {}
    first_late, pair_from = LATE[0] - 1, EARLY[0] - 1
    offset = first_late - pair_from  # the new conversation asks what the long one asks
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        for name, url in urls.items():
            long, fresh = new_id("long"), new_id("fresh")
            times = [await turn(session, url, long, asked(n)) for n in range(first_late)]
            paired = [await turn(session, url, fresh, asked(n, offset)) for n in range(pair_from)]
            for n in range(first_late, turns):
                pair = [(long, asked(n), times), (fresh, asked(n - offset, offset), paired)]
                for sender, text, into in pair if n % 2 else pair[::-1]:
                    into.append(await turn(session, url, sender, text))
            early = stats(times[pair_from : EARLY[1]])
            late = stats(times[first_late : LATE[1]])
            same_time = stats(paired[pair_from:])
            out[name] = {
                "turns": turns,
                "errors": len([s for s in times + paired if s is None]),
                "early": early,
                "late": late,
                "early_same_time": same_time,
                "growth": late["p50_ms"] / same_time["p50_ms"],
                "growth_in_time_order": late["p50_ms"] / early["p50_ms"],
            }
    return out


def run(urls: Dict[str, str], conversations: int = 20) -> Dict:
    return asyncio.run(measure(urls, conversations))


def run_long(urls: Dict[str, str]) -> Dict:
    return asyncio.run(long_conversation(urls))
