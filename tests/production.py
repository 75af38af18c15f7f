"""The production profile on this machine's PostgreSQL and Redis, for the scale-out test and
scripts/soak.py: a fresh database and Redis key prefix, one action server and several Rasa
server replicas (`BOT_PROFILE=production scripts/serve.sh`), all removed afterwards."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List

import psycopg2
import redis

from servers import start_part, stop

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS = {"host": "127.0.0.1", "port": 6379, "db": 0}
WIDGET_ORIGIN = "https://widget.clinic.example"


@dataclass
class Production:
    rasa_urls: List[str]
    database: str
    redis_prefix: str
    env: Dict[str, str]
    processes: list = field(default_factory=list)

    @property
    def rest_headers(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self.env['REST_TOKEN']}"}

    def connect(self):
        return psycopg2.connect(dbname=self.database, **PG)


def _admin(sql: str) -> None:
    connection = psycopg2.connect(dbname="postgres", **PG)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


@contextmanager
def production(workdir: Path, actions_port: int, rasa_ports: List[int]) -> Iterator[Production]:
    tag = uuid.uuid4().hex[:12]
    database, prefix = f"medinfo_test_{tag}", f"medinfotest{tag}"
    _admin(f'CREATE DATABASE "{database}"')
    env = {
        "BOT_PROFILE": "production",
        "ACTION_ENDPOINT_URL": f"http://localhost:{actions_port}/webhook",
        "DB_HOST": PG["host"],
        "DB_PORT": str(PG["port"]),
        "DB_NAME": database,
        "DB_USER": PG["user"],
        "DB_PASSWORD": "",
        "REDIS_HOST": REDIS["host"],
        "REDIS_PORT": str(REDIS["port"]),
        "REDIS_DB": str(REDIS["db"]),
        "REDIS_PASSWORD": "",
        "REDIS_KEY_PREFIX": prefix,
        "WIDGET_ORIGINS": WIDGET_ORIGIN,
        "SOCKETIO_SESSION_SECRET": uuid.uuid4().hex,
        "REST_TOKEN": uuid.uuid4().hex,
        "RASA_API_TOKEN": uuid.uuid4().hex,
        "RASA_JWT_SECRET": uuid.uuid4().hex,
    }
    setup = Production([f"http://localhost:{p}" for p in rasa_ports], database, prefix, env)
    try:
        setup.processes.append(
            start_part(workdir, "actions", "actions", actions_port=actions_port, env=env)
        )
        # Started one after the other: replicas creating the tables at once log errors.
        for number, rasa_port in enumerate(rasa_ports):
            setup.processes.append(
                start_part(workdir, f"rasa{number}", "rasa", rasa_port=rasa_port, env=env)
            )
        yield setup
    finally:
        for process in setup.processes:
            stop(process)
        client = redis.Redis(**REDIS)
        keys = client.keys(f"{prefix}:*")
        if keys:
            client.delete(*keys)
        _admin(f'DROP DATABASE IF EXISTS "{database}"')
