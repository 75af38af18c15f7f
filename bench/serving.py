"""The bot served as `make run` serves it (scripts/serve.sh, via the tests' helper), on bench
ports, with its processes watched for memory and the time to its first answer."""

from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import psutil
import requests

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))
from servers import endpoints_text, serve_bot  # noqa: E402  (the servers as tests start them)

PORT_BASE = int(os.environ.get("BENCH_PORT_BASE", "15000"))
# The first bot's ports; a bot served beside it (another tracker store) takes the next ones.
RASA_PORT, ACTIONS_PORT = PORT_BASE + 305, PORT_BASE + 355


def webhook(offset: int = 0) -> str:
    return f"http://localhost:{RASA_PORT + offset}/webhooks/rest/webhook"


WEBHOOK = webhook()
FIRST_QUESTION = "what is cervical insufficiency?"


def tree_rss(process: psutil.Process) -> int:
    """Resident memory of a process and all its descendants (Sanic workers included)."""
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


class MemoryWatch(threading.Thread):
    """Samples the peak resident memory of the Rasa server and the action server."""

    def __init__(self, serve_pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.serve = psutil.Process(serve_pid)
        self.interval = interval
        self.peak: Dict[str, int] = {"rasa": 0, "actions": 0}
        self._halt = threading.Event()

    def servers(self) -> Dict[str, psutil.Process]:
        found = {}
        for child in self.serve.children():
            try:
                line = " ".join(child.cmdline())
            except psutil.NoSuchProcess:
                continue
            if "serving run actions" in line:
                found["actions"] = child
            elif "serving run" in line:
                found["rasa"] = child  # not the demo page's server, which serve.sh also starts
        return found

    def run(self) -> None:
        while not self._halt.is_set():
            for name, process in self.servers().items():
                self.peak[name] = max(self.peak[name], tree_rss(process))
            self._halt.wait(self.interval)

    def stop(self) -> Dict[str, int]:
        self._halt.set()
        if self.is_alive():
            self.join()
        return self.peak


def say(sender: str, text: str, timeout: float = 30, url: str = WEBHOOK) -> List[dict]:
    response = requests.post(url, json={"sender": sender, "message": text}, timeout=timeout)
    response.raise_for_status()
    return response.json()


def first_answer(url: str = WEBHOOK, timeout: float = 120) -> List[dict]:
    """Ask until the bot answers (the model may still be loading when the port opens)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            replies = say("bench-first", FIRST_QUESTION, url=url)
            if replies:
                return replies
        except requests.RequestException:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


@contextmanager
def served(
    workdir: Path,
    model: Path,
    store: str = "sqlite",
    env: Optional[dict] = None,
    offset: int = 0,
) -> Iterator[dict]:
    """Serve the bot until the block ends, with endpoints.yml as `make run` reads it and the
    tracker store `store` (tests/servers.py STORES: "sqlite" is `make run`'s), on the ports
    `offset` after the bench's; yields facts about the start, its webhook and a memory
    watch."""
    start = time.monotonic()
    workdir.mkdir(parents=True, exist_ok=True)
    with serve_bot(
        workdir,
        RASA_PORT + offset,
        ACTIONS_PORT + offset,
        endpoints=endpoints_text(workdir, ACTIONS_PORT + offset, store),
        env={"MODELS": str(model), **(env or {})},
    ) as process:
        watch = MemoryWatch(process.pid)
        watch.start()
        replies = first_answer(webhook(offset))
        facts = {
            "webhook": webhook(offset),
            "start_to_first_answer_s": time.monotonic() - start,
            "first_reply": replies,
            "watch": watch,
        }
        try:
            yield facts
        finally:
            watch.stop()
