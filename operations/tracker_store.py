"""The Rasa server's tracker store (endpoints.yml and endpoints.production.yml name this class):
Rasa's SQLTrackerStore loading a session's recent part (serving/tracker_store.py), plus erasure
and retention.

Erasure. Rasa 3.6 has no way to delete a conversation (RasaHQ/rasa#10719), and an action
cannot do it: after the action runs, Rasa saves the turn, and its `save` writes every event
of the in-memory tracker the table no longer holds, so the deleted conversation would come
back. So the erasure happens here, in `save`: a turn that ran `action_forget` deletes every
row of its sender instead of being written. The processor holds the conversation's lock
during the turn, and Rasa keeps no tracker between messages (each message is read from the
table), so the next message starts a fresh conversation. The operator's endpoint (http.py)
deletes under the same lock.

Retention. RETENTION_DAYS (default 30): conversations whose last event is older are removed
when the server starts and once a day while it serves, by a daemon thread of this store.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Optional

from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from operations import store
from operations.dialogue import FORGET_ACTION
from serving.tracker_store import RecentSQLTrackerStore

logger = logging.getLogger(__name__)


def asked_to_forget(tracker: DialogueStateTracker) -> bool:
    """Whether this turn (the events since the latest user message) ran the erasure."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ACTION:
            return True
    return False


class Daily:
    """Calls `task` now and then every `interval` seconds on a daemon thread, until `stop`.
    A failing call is logged and tried again at the next interval."""

    def __init__(self, task: Callable[[], Any], interval: float, name: str) -> None:
        self.task, self.interval = task, interval
        self._stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                self.task()
            except Exception:
                logger.exception("Retention: removing old conversations failed")
            self._stopped.wait(self.interval)

    def stop(self) -> None:
        self._stopped.set()


class ManagedSQLTrackerStore(RecentSQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.retention_days = store.retention_days()  # an invalid value stops the server here
        super().__init__(*args, **kwargs)
        self.retention: Optional[Daily] = Daily(self.prune, store.DAY, "retention")

    def prune(self) -> int:
        removed = store.prune(self.engine, self.retention_days)
        self.cache.drop()  # which conversations went is not known here; the rest reload
        logger.info(
            "Retention: removed %d conversation(s) idle for over %g days.",
            removed,
            self.retention_days,
        )
        return removed

    def forget(self, sender_id: str) -> int:
        """Delete every event of `sender_id`; the caller holds the conversation's lock."""
        removed = store.forget(self.engine, sender_id)
        self.cache.drop(sender_id)
        logger.info("Erasure: removed a conversation (%d events).", removed)
        return removed

    async def save(self, tracker: DialogueStateTracker) -> None:
        if asked_to_forget(tracker):
            await self.in_writer(self.forget, tracker.sender_id)  # after any pending write
            return
        await super().save(tracker)


def managed_store(tracker_store: Any) -> Optional[ManagedSQLTrackerStore]:
    """This store inside Rasa's wrappers (FailSafeTrackerStore, AwaitableTrackerStore)."""
    seen = 0
    while tracker_store is not None and seen < 5:
        if isinstance(tracker_store, ManagedSQLTrackerStore):
            return tracker_store
        tracker_store = getattr(tracker_store, "_tracker_store", None)
        seen += 1
    return None
