"""SQL on Rasa's `events` table (SQLTrackerStore: SQLite in endpoints.yml, PostgreSQL in
endpoints.production.yml): read rows for the report, remove old conversations, remove one
sender's. The connection is built from the profile's endpoints file exactly as Rasa builds it.
"""

from __future__ import annotations

import os
import time
from typing import Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from operations.figures import Row

EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("intent_name", sa.String),
    sa.column("action_name", sa.String),
    sa.column("data", sa.Text),
)
DAY = 24 * 3600
DEFAULT_RETENTION_DAYS = 30
READ_BATCH = 20_000  # rows fetched at a time: the report's memory does not grow with the store
REPORTED_TYPES = ("session_started", "user", "bot", "slot")  # the rows figures.tally reads


def retention_days(environ=os.environ) -> float:
    """RETENTION_DAYS (default 30): a positive number of days; anything else stops the caller
    with a clear message rather than deleting with a wrong period."""
    raw = environ.get("RETENTION_DAYS") or str(DEFAULT_RETENTION_DAYS)
    try:
        days = float(raw)
    except ValueError:
        days = 0
    if not days > 0:
        raise ValueError(f"RETENTION_DAYS must be a positive number of days, not {raw!r}")
    return days


def endpoints_path(environ=os.environ) -> str:
    """The endpoints file of the current profile, as scripts/serve.sh chooses it."""
    if environ.get("ENDPOINTS"):
        return environ["ENDPOINTS"]
    production = environ.get("BOT_PROFILE") == "production"
    return "endpoints.production.yml" if production else "endpoints.yml"


def engine_from_endpoints(path: str) -> Engine:
    """The tracker store's database, from the endpoints file (Rasa expands its ${VARS})."""
    from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
    from rasa.utils.endpoints import read_endpoint_config

    config = read_endpoint_config(path, "tracker_store")
    if config is None or not config.kwargs.get("dialect"):
        raise ValueError(f"{path} has no SQL tracker store")
    k = config.kwargs
    url = SQLTrackerStore.get_db_url(
        k.get("dialect", "sqlite"),
        config.url,
        k.get("port"),
        k.get("db", "rasa.db"),
        k.get("username"),
        k.get("password"),
        None,  # login_db: the database exists once Rasa has run
        k.get("query"),
    )
    return sa.create_engine(url, **create_engine_kwargs(url))


def has_events(engine: Engine) -> bool:
    """Whether Rasa has created its table yet (a SQLite file is not created by asking)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        if not os.path.exists(url.database):
            return False
    return sa.inspect(engine).has_table("events")


def read_rows(engine: Engine, since: Optional[float] = None) -> Iterator[Row]:
    """The events the report counts (since a timestamp), by sender and then in the order
    Rasa wrote them. Action rows, a third of the table, are left in the database."""
    if not has_events(engine):
        return
    e = EVENTS.c
    query = sa.select(e.sender_id, e.type_name, e.timestamp, e.intent_name, e.action_name, e.data)
    query = query.where(e.type_name.in_(REPORTED_TYPES))
    if since is not None:
        query = query.where(e.timestamp >= since)
    query = query.order_by(e.sender_id, e.id)
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True).execute(query)
        while True:
            batch = result.fetchmany(READ_BATCH)
            if not batch:
                break
            for row in batch:
                yield Row(*row)


def prune(engine: Engine, days: float, now: Optional[float] = None) -> int:
    """Remove every conversation whose last event is older than `days`; the number removed.
    A conversation goes whole: a recent one keeps its old events."""
    if not has_events(engine):
        return 0
    cutoff = (time.time() if now is None else now) - days * DAY
    e = EVENTS.c
    old = (
        sa.select(e.sender_id)
        .group_by(e.sender_id)
        .having(sa.func.max(e.timestamp) < cutoff)
        .scalar_subquery()
    )
    with engine.begin() as connection:
        senders = connection.execute(
            sa.select(sa.func.count(sa.distinct(e.sender_id))).where(e.sender_id.in_(old))
        ).scalar()
        connection.execute(sa.delete(EVENTS).where(e.sender_id.in_(old)))
    return int(senders or 0)


def forget(engine: Engine, sender: str) -> int:
    """Remove every stored event of one sender; the number of events removed."""
    if not has_events(engine):
        return 0
    with engine.begin() as connection:
        return connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id == sender)).rowcount
