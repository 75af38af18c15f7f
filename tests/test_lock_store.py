"""The production lock store against the real Redis: two store objects stand for two Rasa
server replicas sharing one Redis, each hit from several threads at once."""

import asyncio
import threading
import time
import uuid

import pytest
import redis

from serving.lock_store import AtomicRedisLockStore

pytestmark = pytest.mark.slow  # the local Redis

THREADS_PER_REPLICA = 4


@pytest.fixture
def replicas():
    prefix = f"test{uuid.uuid4().hex[:12]}"  # Rasa wants an alphanumeric prefix
    stores = [
        AtomicRedisLockStore(host="127.0.0.1", port=6379, db=0, key_prefix=prefix) for _ in range(2)
    ]
    yield stores
    client = redis.Redis(host="127.0.0.1", port=6379, db=0)
    left = client.keys(f"{prefix}:*")
    if left:
        client.delete(*left)
    assert not left, f"locks left in Redis: {left}"


def in_threads(replicas, work):
    """Run `work(store)` in THREADS_PER_REPLICA threads per replica, all at once."""
    errors = []

    def run(store):
        try:
            work(store)
        except Exception as error:  # reported below, with the thread's error
            errors.append(error)

    threads = [
        threading.Thread(target=run, args=(store,))
        for store in replicas
        for _ in range(THREADS_PER_REPLICA)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


def test_tickets_issued_at_once_by_two_replicas_are_all_different(replicas):
    conversation = "ticket-race"
    issued = []
    in_threads(
        replicas, lambda store: issued.extend(store.issue_ticket(conversation) for _ in range(50))
    )
    assert len(issued) == 2 * THREADS_PER_REPLICA * 50
    assert len(set(issued)) == len(issued), "the same ticket was issued twice"
    for number in issued:
        replicas[0].cleanup(conversation, number)
    assert replicas[0].get_lock(conversation) is None


def test_one_conversation_is_processed_by_one_replica_at_a_time(replicas):
    conversation = "mutual-exclusion"
    state = {"inside": 0, "most_inside": 0, "count": 0}
    guard = threading.Lock()  # protects the bookkeeping only, not the counter under test
    turns = 10

    async def turns_of(store):
        for _ in range(turns):
            async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.002):
                with guard:
                    state["inside"] += 1
                    state["most_inside"] = max(state["most_inside"], state["inside"])
                count = state["count"]  # a read-modify-write that only the lock protects
                time.sleep(0.002)
                state["count"] = count + 1
                with guard:
                    state["inside"] -= 1

    in_threads(replicas, lambda store: asyncio.run(turns_of(store)))
    assert state["most_inside"] == 1
    assert state["count"] == 2 * THREADS_PER_REPLICA * turns
    assert replicas[1].get_lock(conversation) is None
