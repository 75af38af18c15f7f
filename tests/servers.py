"""Start the project's real servers for end-to-end tests, on ports no other run is using.

Every end-to-end test takes its ports from `port(offset)`: TEST_PORT_BASE (default 15000)
plus an offset fixed per test module, so two checkouts testing at once on one machine do not
collide (give each a different TEST_PORT_BASE).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, Optional

import requests
import yaml

from rasa_cli import ENV, PROJECT, latest_model

PORT_BASE = int(os.environ.get("TEST_PORT_BASE", "15000"))
START_TIMEOUT = 180


def port(offset: int) -> int:
    return PORT_BASE + offset


def port_open(number: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", number)) == 0


def wait_until_up(process: subprocess.Popen, url: str, timeout: float = START_TIMEOUT) -> None:
    """Poll `url` until it answers 2xx; fail early if the process died while starting."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server exited while starting ({url})"
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen, timeout: float = 60) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left of it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# The tracker stores a server can be started with (the bench compares them in one run):
# "sqlite" is endpoints.yml as committed (`make run`); "memory" the same store logic in memory;
# "rasa-sqlite" and "rasa-memory" Rasa's own stores, as the project used them before.
STORES = ("sqlite", "memory", "rasa-sqlite", "rasa-memory")


def endpoints_text(workdir: Path, actions_port: int, store: str = "sqlite") -> str:
    """endpoints.yml as `make run` reads it, with the action server on `actions_port` and the
    conversations in `workdir/conversations.db` (or in memory: see STORES)."""
    config = yaml.safe_load((PROJECT / "endpoints.yml").read_text())
    config["action_endpoint"]["url"] = f"http://localhost:{actions_port}/webhook"
    ours = dict(config["tracker_store"], db=str(workdir / "conversations.db"))
    config["tracker_store"] = {
        "sqlite": ours,
        "memory": {
            "type": "serving.tracker_store.RecentInMemoryTrackerStore",
            "recent_turns": ours["recent_turns"],
        },
        "rasa-sqlite": {"type": "SQL", "dialect": "sqlite", "db": ours["db"]},
        "rasa-memory": None,
    }[store]
    if config["tracker_store"] is None:
        del config["tracker_store"]  # Rasa's default: its in-memory store
    return yaml.safe_dump(config)


@contextmanager
def serve_bot(
    workdir: Path,
    rasa_port: int,
    actions_port: int,
    endpoints: Optional[str] = None,
    env: Optional[Dict[str, str]] = None,
) -> Iterator[subprocess.Popen]:
    """Run scripts/serve.sh (what `make run` runs) until the block ends.

    `endpoints` is the text of an endpoints.yml; by default endpoints.yml as `make run` uses
    it (endpoints_text). The log is `workdir/serve.log`, printed when starting fails."""
    workdir.mkdir(parents=True, exist_ok=True)
    endpoints = endpoints or endpoints_text(workdir, actions_port)
    process = start_part(workdir, "serve", "both", rasa_port, actions_port, endpoints, env)
    try:
        yield process
    finally:
        stop(process)


def start_part(
    workdir: Path,
    name: str,
    part: str,
    rasa_port: Optional[int] = None,
    actions_port: Optional[int] = None,
    endpoints: Optional[str] = None,
    env: Optional[Dict[str, str]] = None,
    wait: bool = True,
) -> subprocess.Popen:
    """Start `scripts/serve.sh <part>` ("rasa", "actions" or "both") in its own process group,
    logging to `workdir/<name>.log`; with `wait`, return once it answers. `endpoints` is the
    text of an endpoints file written to `workdir/<name>.endpoints.yml` (default: serve.sh's)."""
    workdir.mkdir(parents=True, exist_ok=True)
    full_env = {**ENV, "MODELS": str(latest_model()), "WEB_PORT": "0", **(env or {})}
    for variable, number in (("RASA_PORT", rasa_port), ("ACTIONS_PORT", actions_port)):
        if number is not None:
            assert not port_open(number), f"test port {number} is taken"
            full_env[variable] = str(number)
    if endpoints is not None:
        endpoints_file = workdir / f"{name}.endpoints.yml"
        endpoints_file.write_text(endpoints)
        full_env["ENDPOINTS"] = str(endpoints_file)
    log_path = workdir / f"{name}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(PROJECT / "scripts" / "serve.sh"), part],
            cwd=PROJECT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process.log_path = log_path  # type: ignore[attr-defined]
    if wait:
        try:
            if part != "rasa":
                wait_until_up(process, f"http://localhost:{actions_port}/health")
            if part != "actions":
                wait_until_up(process, f"http://localhost:{rasa_port}/")
        except AssertionError as error:
            stop(process)
            raise AssertionError(f"{error}\n{log_path.read_text()[-3000:]}") from None
    return process
