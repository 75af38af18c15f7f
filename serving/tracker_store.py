"""Tracker stores whose turn costs the same at turn 300 as at turn 3 (endpoints*.yml).

Rasa 3.6 rebuilds a conversation's tracker from every event of its session on each message,
and everything after works on that whole tracker: the rules' state of every past turn, the
whole tracker sent to the action server, and, for the SQL store, a count of the session's
events on every save (docs/serving.md, "Turns that cost the same"). Our rules look at the
last turn only, and the actions at the slots and the latest message. So `retrieve` loads the
session's last `recent_turns` turns, preceded by one SlotSet per slot holding the value it
had before them: the slots, rules and follow-ups see what they saw before. Saving appends
only the events added since the load, so every event is still stored, and
`retrieve_full_tracker` (Rasa's HTTP API, exports) still returns them all.

The SQLite store also runs in write-ahead-log mode with synchronous=NORMAL, as SQLite is
deployed for many small writes: a commit is one append to the log, not a rewrite and two
syncs; a crash of the server loses nothing committed (a power cut may lose the last commits).

Rasa serves every conversation on one asyncio loop, so the SQL store's writes (the INSERT and
its commit, the erasure's DELETE) run on one writer thread of the store while the loop goes on
with other conversations' turns: the database and the disk no longer stall them all. One
thread, as SQLite takes one writer at a time. The turn still waits for its own commit (a reply
is sent only once its turn is stored). The loads stay on the loop: in a thread they measured
no better (docs/serving.md).

What a load costs on the loop is decoding the recent part's JSON, so the SQL store keeps the
recent part it last loaded or wrote of each of its latest conversations, decoded
(`RecentCache`). The table stays the truth: every load first reads the conversation's newest
row (id and timestamp, one index lookup), and the kept part is used only when that row is the
one it ends with. A conversation erased or pruned, or written by another replica, is
loaded again from the table.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Iterator, List, Optional, Text, Tuple

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)

RECENT_TURNS = 3
CACHED_CONVERSATIONS = 1000
IDLE_SECONDS = 600.0  # a conversation's turns come minutes apart; after that it is reloaded
STORED = "_events_in_store"  # on a loaded tracker: how many of its events the store holds
VERSION = "_newest_row"  # on a tracker the SQL store loaded or saved: the newest row's (id, time)
SESSION_START, RESTART, RESET_SLOTS, SLOT = "session_started", "restart", "reset_slots", "slot"
SLOTS_CLEARED = (SESSION_START, RESTART, RESET_SLOTS)  # after these, slots start over


def recent_part(events: List[Dict[Text, Any]], turns: int) -> List[Dict[Text, Any]]:
    """The latest session's events from the `turns + 1`-th last action_listen on (each turn
    ends with one, so this is the last `turns` turns and the one now starting), preceded by
    the last SlotSet of each slot set before them. The SQL store's queries do the same."""
    kinds = [(e.get("event"), e.get("name")) for e in events]
    return [events[i] for i in recent_indices(kinds, turns)]


def recent_indices(kinds: List[Tuple[Any, Any]], turns: int) -> List[int]:
    """`recent_part` by index, from each event's (type, name) alone."""
    start, listens = 0, 0
    for index in range(len(kinds) - 1, -1, -1):
        kind, name = kinds[index]
        if kind == SESSION_START:
            start = index
            break
        if kind == "action" and name == ACTION_LISTEN_NAME:
            listens += 1
            if listens == turns + 1:
                start = index
                break
    latest: Dict[Text, int] = {}
    for index in range(start - 1, -1, -1):
        kind, name = kinds[index]
        if kind in SLOTS_CLEARED:
            break
        if kind == SLOT:
            latest.setdefault(name, index)
    return sorted(latest.values()) + list(range(start, len(kinds)))


# `recent_part` in SQL, each step an index range of one conversation's rows (sender, type, id):
# the session's start, the (turns + 1)-th last action_listen after it, the later of the two,
# the last slot-clearing event before that, and the last SlotSet of each slot in between.
RECENT_PART_SQL = sa.text(
    f"""
WITH session_start AS (
  SELECT COALESCE(MAX(id), 0) AS id FROM events
  WHERE sender_id = :sender AND type_name = '{SESSION_START}'
), listen AS (
  SELECT COALESCE((
    SELECT events.id FROM events, session_start
    WHERE sender_id = :sender AND type_name = 'action' AND action_name = :listen
      AND events.id > session_start.id
    ORDER BY events.id DESC LIMIT 1 OFFSET :skip
  ), 0) AS id
), part AS (
  SELECT CASE WHEN listen.id > session_start.id THEN listen.id ELSE session_start.id END AS id
  FROM session_start, listen
), floor AS (
  SELECT COALESCE(MAX(events.id), 0) AS id FROM events, part
  WHERE sender_id = :sender AND type_name IN {tuple(SLOTS_CLEARED)} AND events.id < part.id
), slots AS (
  SELECT MAX(events.id) AS id FROM events, part, floor
  WHERE sender_id = :sender AND type_name = '{SLOT}'
    AND events.id >= floor.id AND events.id < part.id
  GROUP BY action_name
)
SELECT data FROM events, part
WHERE sender_id = :sender AND (events.id >= part.id OR events.id IN (SELECT id FROM slots))
ORDER BY events.id
"""
)


# The version of a conversation in the table: its newest row. Ids alone could come back after
# an erasure (SQLite reuses the highest rowid), so the row's timestamp goes with it.
NEWEST_ROW_SQL = sa.text(
    "SELECT id, timestamp FROM events WHERE sender_id = :sender ORDER BY id DESC LIMIT 1"
)
Version = Tuple[int, float]


class RecentCache:
    """The decoded recent part of the latest `size` conversations used in the last
    `idle_seconds`, each with the version of the table it was read from or written as (least
    recently used out first; size 0: keeps nothing). Erasure and retention drop what they
    remove from the table here too, from their own threads, hence the lock; an erasure from
    another process (`make forget`) leaves memory with the idle time at the latest."""

    def __init__(self, size: int, idle_seconds: float = IDLE_SECONDS) -> None:
        self.size, self.idle_seconds = int(size), float(idle_seconds)
        # sender -> (version, part, last used), least recently used first
        self.parts: "OrderedDict[Text, Tuple[Version, List[Dict[Text, Any]], float]]" = (
            OrderedDict()
        )
        self.lock = threading.Lock()

    def get(self, sender_id: Text, version: Optional[Version]) -> Optional[List[Dict[Text, Any]]]:
        with self.lock:
            self._expire()
            kept = self.parts.get(sender_id)
            if kept is None or kept[0] != version:
                return None
            self.parts[sender_id] = (version, kept[1], time.monotonic())
            self.parts.move_to_end(sender_id)
            return kept[1]

    def put(self, sender_id: Text, version: Version, part: List[Dict[Text, Any]]) -> None:
        if self.size <= 0:
            return
        with self.lock:
            self.parts[sender_id] = (version, part, time.monotonic())
            self.parts.move_to_end(sender_id)
            while len(self.parts) > self.size:
                self.parts.popitem(last=False)

    def _expire(self) -> None:
        cutoff = time.monotonic() - self.idle_seconds
        while self.parts and next(iter(self.parts.values()))[2] < cutoff:
            self.parts.popitem(last=False)

    def extend(
        self,
        sender_id: Text,
        was: Optional[Version],
        now: Version,
        new: List[Dict[Text, Any]],
        turns: int,
    ) -> None:
        """After a save: the part as of version `was` plus the new events is version `now`.
        Kept only when the part of `was` is held (None: a new conversation, nothing before)."""
        base = [] if was is None else self.get(sender_id, was)
        if base is None:
            self.drop(sender_id)
        else:
            self.put(sender_id, now, recent_part(base + new, turns))

    def drop(self, sender_id: Optional[Text] = None) -> None:
        """Forget one conversation, or all (None)."""
        with self.lock:
            if sender_id is None:
                self.parts.clear()
            else:
                self.parts.pop(sender_id, None)


def loaded(tracker: DialogueStateTracker) -> DialogueStateTracker:
    setattr(tracker, STORED, len(tracker.events))
    return tracker


def unsaved(tracker: DialogueStateTracker) -> Optional[Iterator]:
    """The events added since the tracker was loaded or last saved (None: not loaded here)."""
    stored = getattr(tracker, STORED, None)
    if stored is None:
        return None
    return itertools.islice(tracker.events, stored, len(tracker.events))


class RecentInMemoryTrackerStore(InMemoryTrackerStore):
    """In memory (the bench's comparison, tests). Each event is kept as its JSON with its
    (type, name): strings and tuples of them are not tracked by Python's garbage collector,
    whose full collections would otherwise walk every event of every conversation held, a
    cost that grows with the conversations (`make bench`: turn 300 against turn 3)."""

    def __init__(self, domain=None, event_broker=None, recent_turns: int = RECENT_TURNS, **kw):
        super().__init__(domain, event_broker, **kw)
        self.recent_turns = int(recent_turns)
        self.events: Dict[Text, List[Tuple[Any, Any, str]]] = {}

    @staticmethod
    def _kept(event: Dict[Text, Any]) -> Tuple[Any, Any, str]:
        return event.get("event"), event.get("name"), json.dumps(event)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        new = unsaved(tracker)
        if new is None:  # a tracker Rasa built itself: it holds the whole conversation
            self.events[tracker.sender_id] = [self._kept(e.as_dict()) for e in tracker.events]
        else:
            kept = self.events.setdefault(tracker.sender_id, [])
            kept.extend(self._kept(e.as_dict()) for e in new)
        loaded(tracker)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        events = self.events.get(sender_id)
        if not events:
            return None
        indices = recent_indices([(kind, name) for kind, name, _ in events], self.recent_turns)
        part = [json.loads(events[i][2]) for i in indices]
        return loaded(DialogueStateTracker.from_dict(sender_id, part, self.domain.slots))

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        events = self.events.get(sender_id)
        if not events:
            return None
        full = [json.loads(text) for _, _, text in events]
        return DialogueStateTracker.from_dict(sender_id, full, self.domain.slots)

    async def keys(self):
        return self.events.keys()


class RecentSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL store (same table, same rows), loading the recent part of a session."""

    def __init__(
        self,
        *args: Any,
        recent_turns: int = RECENT_TURNS,
        cached_conversations: int = CACHED_CONVERSATIONS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.recent_turns = int(recent_turns)
        self.cache = RecentCache(cached_conversations)
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="tracker-store-writer")
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens a new SQLite connection for every session (NullPool): keep
            # them open instead, each set up once (used by the loop's thread and the writer's).
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(
                url,
                poolclass=sa.pool.QueuePool,
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(self.engine, "connect", tune_sqlite)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        # The queries below find a session's start, its last turns and its slots by type,
        # and a conversation's newest row (PostgreSQL cannot order by id on sender_id alone).
        try:
            with self.engine.begin() as connection:
                for name, columns in (
                    ("type_id", "sender_id, type_name, id"),
                    ("id_id", "sender_id, id"),
                ):
                    connection.execute(
                        sa.text(
                            f"CREATE INDEX IF NOT EXISTS ix_events_sender_{name}"
                            f" ON events ({columns})"
                        )
                    )
        except sa.exc.DBAPIError as error:  # replicas starting at once: one of them made it
            logger.warning("Could not create the events index: %s", error)

    async def create_tracker(
        self, sender_id: Text, append_action_listen: bool = True
    ) -> DialogueStateTracker:
        """Rasa's, with the new tracker marked as holding nothing stored: `save` appends its
        events instead of Rasa's save counting the session's rows in an ORM session."""
        tracker = loaded(self.init_tracker(sender_id))
        setattr(tracker, VERSION, None)  # nothing stored before it
        if append_action_listen:
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        await self.save(tracker)
        return tracker

    async def in_writer(self, function: Any, *args: Any) -> Any:
        """`function(*args)` on the store's writer thread (see the module's docstring)."""
        return await asyncio.get_running_loop().run_in_executor(self.writer, function, *args)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        # Straight on a pooled connection: an ORM session costs more than the query.
        with self.engine.connect() as connection:
            newest = connection.execute(NEWEST_ROW_SQL, {"sender": sender_id}).first()
            if newest is None:
                self.cache.drop(sender_id)
                return None
            version = (newest.id, newest.timestamp)
            events = self.cache.get(sender_id, version)
            if events is None:
                rows = self.recent_rows(connection, sender_id)
                events = [json.loads(row.data) for row in rows]
                self.cache.put(sender_id, version, events)
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, VERSION, version)
        return loaded(tracker)

    def recent_rows(self, connection: Any, sender_id: Text) -> List[Any]:
        """The events' JSON of `recent_part`, in one statement (SQLite and PostgreSQL)."""
        parameters = {"sender": sender_id, "skip": self.recent_turns, "listen": ACTION_LISTEN_NAME}
        return connection.execute(RECENT_PART_SQL, parameters).all()

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's rows for the events added since the load, in one INSERT (Rasa's own save
        for a tracker it built itself: it counts what the session already holds)."""
        new = unsaved(tracker)
        if new is None:
            await super().save(tracker)
        else:
            await self.stream_events(tracker)
            rows = [row(tracker.sender_id, event) for event in new]
            if rows:
                was = getattr(tracker, VERSION, ())  # () when Rasa built it: never cached
                now = await self.in_writer(self.insert, rows)
                added = [json.loads(r["data"]) for r in rows]  # as a load would decode them
                self.cache.extend(tracker.sender_id, was, now, added, self.recent_turns)
                setattr(tracker, VERSION, now)
        loaded(tracker)

    def insert(self, rows: List[Dict[Text, Any]]) -> Version:
        """Append the rows; the conversation's version after them."""
        with self.engine.begin() as connection:
            connection.execute(self.SQLEvent.__table__.insert(), rows)
            newest = connection.execute(NEWEST_ROW_SQL, {"sender": rows[0]["sender_id"]}).one()
        return (newest.id, newest.timestamp)


def row(sender_id: Text, event: Any) -> Dict[Text, Any]:
    """An event as Rasa's SQLTrackerStore.save stores it."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def tune_sqlite(connection: Any, record: Any) -> None:
    """On each new SQLite connection: write-ahead log, one sync per checkpoint."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
