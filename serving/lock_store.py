"""A Redis lock store whose ticket updates are atomic across Rasa server replicas.

Rasa 3.6's RedisLockStore reads a conversation's lock, changes it in Python and writes it
back. Two replicas doing that at once can issue the same ticket number (both then process
the same conversation at the same time, and one's events overwrite the other's) or one can
delete the ticket the other just issued (that message then fails with a LockError). Here
every read-modify-write is a Redis WATCH/MULTI/EXEC transaction, retried when another
replica changed the lock in between. endpoints.production.yml names it by module path.
"""

from __future__ import annotations

import json
from typing import Callable, Optional, Text, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs) -> None:
        """Built by Rasa from the endpoints file (`endpoint_config`), or directly (`kwargs`)."""
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        # An empty `${REDIS_PASSWORD}` means no password, not the password "".
        kwargs["password"] = kwargs.get("password") or None
        super().__init__(**kwargs)

    def _atomically(
        self, conversation_id: Text, change: Callable[[TicketLock], T], create: bool = False
    ) -> Optional[T]:
        """Apply `change` to the stored lock and store the result, as one transaction: the
        lock is saved, or deleted once it holds no tickets. No lock and not `create`: None."""
        key = self.key_prefix + conversation_id
        outcome: list = [None]

        def transaction(pipe) -> None:
            stored = pipe.get(key)  # watched: EXEC fails and this reruns if it changes
            if stored:
                lock = TicketLock.from_dict(json.loads(stored))
            elif create:
                lock = self.create_lock(conversation_id)
            else:
                outcome[0] = None
                pipe.multi()
                return
            outcome[0] = change(lock)
            pipe.multi()
            if lock.is_someone_waiting():
                pipe.set(key, lock.dumps())
            else:
                pipe.delete(key)

        self.red.transaction(transaction, key)
        return outcome[0]

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._atomically(
                conversation_id, lambda lock: lock.issue_ticket(lock_lifetime), create=True
            )
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        self._atomically(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._atomically(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # Removing the last ticket deletes the lock in the same transaction, so a ticket
        # issued meanwhile by another replica is never deleted with it.
        self.finish_serving(conversation_id, ticket_number)
