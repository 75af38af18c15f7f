"""The tracker stores that load a session's recent part (serving/tracker_store.py): a long
conversation is stored whole, loads in bounded size, and its slots, last turns and session
come back as they were. Driven as Rasa's processor drives a store: retrieve, add a turn's
events to that tracker, save it."""

import asyncio
import time

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from operations import store as operations_store
from serving.tracker_store import (
    RecentCache,
    RecentInMemoryTrackerStore,
    RecentSQLTrackerStore,
    recent_part,
)

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  condition:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
  reminder_given:
    type: bool
    influence_conversation: false
    mappings: [{type: custom}]
"""
)
TURNS = 4


def stores(tmp_path):
    return {
        "memory": RecentInMemoryTrackerStore(DOMAIN, recent_turns=TURNS),
        "sqlite": RecentSQLTrackerStore(
            DOMAIN, dialect="sqlite", db=str(tmp_path / "c.db"), recent_turns=TURNS
        ),
    }


def turn_events(number, stamp):
    """One turn as Rasa records it: the user's message, the action and its events, listen."""
    events = [
        UserUttered(f"question {number}", {"name": "ask_causes"}, timestamp=stamp),
        ActionExecuted("action_answer_question", timestamp=stamp),
        BotUttered(f"answer {number}", timestamp=stamp),
    ]
    if number % 7 == 0:  # the subject changes now and then
        events.append(SlotSet("condition", f"condition {number}", timestamp=stamp))
    if number == 1:
        events.append(SlotSet("reminder_given", True, timestamp=stamp))
    return events + [ActionExecuted("action_listen", timestamp=stamp)]


async def converse(store, sender, turns, start=0, restart_at=None):
    """Run `turns` turns through the store; return every event it was given, in order."""
    given = []
    tracker = await store.retrieve(sender)
    if tracker is None:
        tracker = await store.create_tracker(sender)  # saves [action_listen]
        given += [e for e in tracker.events]
        opening = [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
        ]
        for event in opening:
            tracker.update(event)
        await store.save(tracker)
        given += opening
    for number in range(start, start + turns):
        tracker = await store.retrieve(sender)
        events = turn_events(number, time.time())
        if number == restart_at:
            events = [Restarted(), ActionExecuted("action_listen")]
        for event in events:
            tracker.update(event)
        await store.save(tracker)
        given += events
    return given


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_a_long_conversation_is_stored_whole_and_loads_its_recent_part(tmp_path, kind):
    store = stores(tmp_path)[kind]
    given = asyncio.run(converse(store, "long", 60))
    full = asyncio.run(store.retrieve_full_tracker("long"))
    assert [e.as_dict() for e in full.events] == [e.as_dict() for e in given]

    recent = asyncio.run(store.retrieve("long"))
    assert len(recent.events) <= 2 + (TURNS + 1) * 5, "bounded by the turns kept"
    assert recent.current_slot_values() == full.current_slot_values()
    assert recent.current_slot_values()["condition"] == "condition 56"
    assert recent.current_slot_values()["reminder_given"] is True
    assert recent.latest_message.text == full.latest_message.text == "question 59"
    tail = [e.as_dict() for e in full.events][-TURNS * 4 :]  # a turn is 4 or 5 events
    assert [e.as_dict() for e in recent.events][-len(tail) :] == tail


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_the_recent_part_starts_at_the_session_and_forgets_slots_at_a_restart(tmp_path, kind):
    store = stores(tmp_path)[kind]
    asyncio.run(converse(store, "short", 2))
    short = asyncio.run(store.retrieve("short"))
    full = asyncio.run(store.retrieve_full_tracker("short"))
    # From SessionStarted on, as Rasa's SQL store loads a session.
    assert [e.as_dict() for e in short.events] == [e.as_dict() for e in full.events][2:]

    asyncio.run(converse(store, "restarted", 12, restart_at=8))
    after = asyncio.run(store.retrieve("restarted"))
    assert after.current_slot_values()["condition"] is None  # set at turn 7, then a restart
    assert after.current_slot_values()["reminder_given"] is None


def check_sql_matches_python(sql):
    asyncio.run(converse(sql, "same", 30, restart_at=20))
    asyncio.run(converse(sql, "other", 3))  # another conversation in the same table
    full = [e.as_dict() for e in asyncio.run(sql.retrieve_full_tracker("same")).events]
    loaded = [e.as_dict() for e in asyncio.run(sql.retrieve("same")).events]
    assert loaded == recent_part(full, TURNS)
    assert asyncio.run(sql.retrieve("nobody")) is None


def test_the_sql_query_loads_what_the_python_rule_loads(tmp_path):
    check_sql_matches_python(stores(tmp_path)["sqlite"])


@pytest.mark.slow
def test_the_sql_query_loads_the_same_on_postgresql():
    # The production profile's database (endpoints.production.yml), a scratch database.
    import uuid

    import psycopg2

    name = f"medinfo_test_store_{uuid.uuid4().hex[:10]}"

    def admin(statement):
        connection = psycopg2.connect(dbname="postgres", host="127.0.0.1", user="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(statement)
        connection.close()

    admin(f'CREATE DATABASE "{name}"')
    try:
        store = RecentSQLTrackerStore(
            DOMAIN,
            dialect="postgresql",
            host="127.0.0.1",
            port=5432,
            db=name,
            username="postgres",
            recent_turns=TURNS,
        )
        check_sql_matches_python(store)
        store.engine.dispose()
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}"')


def test_the_sqlite_file_is_in_write_ahead_log_mode(tmp_path):
    store = stores(tmp_path)["sqlite"]
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def sqlite_store(path, **kwargs):
    return RecentSQLTrackerStore(
        DOMAIN, dialect="sqlite", db=str(path), recent_turns=TURNS, **kwargs
    )


def loads(store, sender):
    return [e.as_dict() for e in asyncio.run(store.retrieve(sender)).events]


def test_the_kept_recent_part_is_what_the_table_holds(tmp_path):
    warm = sqlite_store(tmp_path / "c.db")
    asyncio.run(converse(warm, "kept", 25, restart_at=12))
    assert "kept" in warm.cache.parts, "the part written is kept"
    cold = sqlite_store(tmp_path / "c.db", cached_conversations=0)
    assert loads(warm, "kept") == loads(cold, "kept")
    assert not cold.cache.parts
    full = [e.as_dict() for e in asyncio.run(cold.retrieve_full_tracker("kept")).events]
    assert loads(warm, "kept") == recent_part(full, TURNS)


def test_a_conversation_changed_elsewhere_is_loaded_again(tmp_path):
    # Two replicas on one table: what one writes, the other's next load shows.
    one, two = sqlite_store(tmp_path / "c.db"), sqlite_store(tmp_path / "c.db")
    asyncio.run(converse(one, "shared", 3))
    asyncio.run(converse(two, "shared", 2, start=3))
    assert asyncio.run(one.retrieve("shared")).latest_message.text == "question 4"
    # Erased by another process, then started again with the same row ids (SQLite gives the
    # highest rowid again once it is deleted): the old conversation does not come back.
    asyncio.run(converse(one, "erased", 1))
    before = asyncio.run(one.retrieve("erased"))
    operations_store.forget(two.engine, "erased")
    asyncio.run(converse(two, "erased", 1, start=49))  # as many rows
    after = asyncio.run(one.retrieve("erased"))
    assert after.latest_message.text == "question 49"
    assert after._newest_row[0] == before._newest_row[0], "same id"
    operations_store.forget(two.engine, "erased")
    assert asyncio.run(one.retrieve("erased")) is None
    assert "erased" not in one.cache.parts


def test_the_cache_keeps_the_latest_conversations_for_a_while(monkeypatch):
    cache = RecentCache(2, idle_seconds=60)
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    for sender in ("a", "b", "c"):
        cache.put(sender, (1, 0.0), [{"event": sender}])
    assert list(cache.parts) == ["b", "c"], "the least recently used goes first"
    assert cache.get("b", (2, 0.0)) is None, "another version is not served"
    assert cache.get("b", (1, 0.0)) == [{"event": "b"}]
    now[0] += 61
    assert cache.get("c", (1, 0.0)) is None and not cache.parts, "idle ones are let go"
    nothing = RecentCache(0)
    nothing.put("a", (1, 0.0), [])
    assert not nothing.parts


def test_the_in_memory_store_holds_nothing_the_garbage_collector_walks(tmp_path):
    """Its events are kept as JSON text with their type and name: a full collection does not
    walk every event of every conversation held (the in-memory turn 300 grew 1.57 x)."""
    import gc

    store = stores(tmp_path)["memory"]
    asyncio.run(converse(store, "long", 30))
    gc.collect()
    kept = store.events["long"]
    assert len(kept) > 100 and not any(gc.is_tracked(event) for event in kept)
