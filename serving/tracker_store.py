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
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any, Dict, Iterator, List, Optional, Text

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

RECENT_TURNS = 10
STORED = "_events_in_store"  # on a loaded tracker: how many of its events the store holds
SESSION_START, RESTART, RESET_SLOTS, SLOT = "session_started", "restart", "reset_slots", "slot"
SLOTS_CLEARED = (SESSION_START, RESTART, RESET_SLOTS)  # after these, slots start over


def is_listen(event: Dict[Text, Any]) -> bool:
    return event.get("event") == "action" and event.get("name") == ACTION_LISTEN_NAME


def recent_part(events: List[Dict[Text, Any]], turns: int) -> List[Dict[Text, Any]]:
    """The latest session's events from the `turns + 1`-th last action_listen on (each turn
    ends with one, so this is the last `turns` turns and the one now starting), preceded by
    the last SlotSet of each slot set before them. The SQL store's queries do the same."""
    start, listens = 0, 0
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") == SESSION_START:
            start = index
            break
        if is_listen(event):
            listens += 1
            if listens == turns + 1:
                start = index
                break
    latest: Dict[Text, int] = {}
    for index in range(start - 1, -1, -1):
        event = events[index]
        if event.get("event") in SLOTS_CLEARED:
            break
        if event.get("event") == SLOT:
            latest.setdefault(event.get("name"), index)
    return [events[i] for i in sorted(latest.values())] + events[start:]


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
    """In memory (the bench's comparison, tests): each conversation a list of event dicts."""

    def __init__(self, domain=None, event_broker=None, recent_turns: int = RECENT_TURNS, **kw):
        super().__init__(domain, event_broker, **kw)
        self.recent_turns = int(recent_turns)
        self.events: Dict[Text, List[Dict[Text, Any]]] = {}

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        new = unsaved(tracker)
        if new is None:  # a tracker Rasa built itself: it holds the whole conversation
            self.events[tracker.sender_id] = [e.as_dict() for e in tracker.events]
        else:
            self.events.setdefault(tracker.sender_id, []).extend(e.as_dict() for e in new)
        loaded(tracker)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        events = self.events.get(sender_id)
        if not events:
            return None
        part = recent_part(events, self.recent_turns)
        return loaded(DialogueStateTracker.from_dict(sender_id, part, self.domain.slots))

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        events = self.events.get(sender_id)
        if not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def keys(self):
        return self.events.keys()


class RecentSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL store (same table, same rows), loading the recent part of a session."""

    def __init__(self, *args: Any, recent_turns: int = RECENT_TURNS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recent_turns = int(recent_turns)
        if self.engine.dialect.name == "sqlite":
            self.engine.dispose()
            sa.event.listen(self.engine, "connect", tune_sqlite)
        # The queries below find a session's start, its last turns and its slots by type.
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    sa.text(
                        "CREATE INDEX IF NOT EXISTS ix_events_sender_type_id"
                        " ON events (sender_id, type_name, id)"
                    )
                )
        except sa.exc.DBAPIError as error:  # replicas starting at once: one of them made it
            logger.warning("Could not create the events index: %s", error)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            rows = self.recent_rows(session, sender_id)
        if not rows:
            return None
        events = [json.loads(row.data) for row in rows]
        return loaded(DialogueStateTracker.from_dict(sender_id, events, self.domain.slots))

    def recent_rows(self, session: Any, sender_id: Text) -> List[Any]:
        """`recent_part` as queries, each an index range of this conversation's rows."""
        Event = self.SQLEvent
        mine = session.query(Event).filter(Event.sender_id == sender_id)

        def last_id(*conditions: Any, skip: int = 0) -> int:
            row = (
                session.query(Event.id)
                .filter(Event.sender_id == sender_id, *conditions)
                .order_by(Event.id.desc())
                .offset(skip)
                .first()
            )
            return row[0] if row else 0

        session_start = last_id(Event.type_name == SESSION_START)
        listen = last_id(
            Event.type_name == "action",
            Event.action_name == ACTION_LISTEN_NAME,
            Event.id > session_start,
            skip=self.recent_turns,
        )
        start = max(session_start, listen)
        slots: List[Any] = []
        if start:
            floor = last_id(Event.type_name.in_(SLOTS_CLEARED), Event.id < start)
            latest = (
                session.query(sa.func.max(Event.id))
                .filter(
                    Event.sender_id == sender_id,
                    Event.type_name == SLOT,
                    Event.id >= floor,
                    Event.id < start,
                )
                .group_by(Event.action_name)
            )
            slots = mine.filter(Event.id.in_(latest.scalar_subquery())).order_by(Event.id).all()
        return slots + mine.filter(Event.id >= start).order_by(Event.id).all()

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        new = unsaved(tracker)
        return super()._additional_events(session, tracker) if new is None else new

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        loaded(tracker)


def tune_sqlite(connection: Any, record: Any) -> None:
    """On each new SQLite connection: write-ahead log, one sync per checkpoint."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
