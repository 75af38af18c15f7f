"""The default profile keeps conversations in the SQLite file named in endpoints.yml, so a
restarted Rasa server still knows what a conversation is about, even after a crash under
load. Its HTTP API stays off."""

import json
import os
import signal
import sqlite3
import threading
import time
import uuid

import psutil
import pytest
import requests
import yaml

from conftest import PROJECT
from servers import endpoints_text, port, serve_bot, start_part, stop

pytestmark = pytest.mark.slow  # the real servers on the SQLite store

RASA_PORT, ACTIONS_PORT = port(200), port(201)
MANAGED_STORE = "operations.tracker_store.ManagedSQLTrackerStore"  # Rasa's SQL store + erasure
WEBHOOK = f"http://localhost:{RASA_PORT}/webhooks/rest/webhook"
CRASH_RASA_PORT, CRASH_ACTIONS_PORT = port(240), port(241)


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory):
    """endpoints.yml as committed, on this test's ports and with its database file in a
    folder that does not exist yet (the store must create the file)."""
    config = yaml.safe_load((PROJECT / "endpoints.yml").read_text())
    store = config["tracker_store"]
    assert (store["type"], store["dialect"]) == (MANAGED_STORE, "sqlite")
    assert not store["db"].startswith("/"), "a path relative to the project folder"
    database = tmp_path_factory.mktemp("persistence") / "conversations.db"
    store["db"] = str(database)
    config["action_endpoint"]["url"] = f"http://localhost:{ACTIONS_PORT}/webhook"
    return yaml.safe_dump(config), database


def say(sender, text, webhook=WEBHOOK):
    response = requests.post(webhook, json={"sender": sender, "message": text}, timeout=60)
    assert response.status_code == 200, response.text
    return "\n".join(r.get("text", "") for r in response.json())


def test_a_conversation_survives_a_restart(tmp_path, endpoints):
    text, database = endpoints
    sender, other = f"persist-{uuid.uuid4().hex[:8]}", f"persist-{uuid.uuid4().hex[:8]}"
    with serve_bot(tmp_path / "first", RASA_PORT, ACTIONS_PORT, endpoints=text):
        assert "painless opening of the cervix" in say(sender, "what is cervical insufficiency?")
        assert "Not Found" in say(other, "what are the symptoms of preeclampsia")
        # Rasa's HTTP API is off without a token: its routes do not exist.
        assert requests.get(f"http://localhost:{RASA_PORT}/status", timeout=30).status_code == 404
    assert database.exists()
    with serve_bot(tmp_path / "second", RASA_PORT, ACTIONS_PORT, endpoints=text):
        assert "not well understood" in say(sender, "what causes it?")
        # The remembered subject, not a default: the other conversation is still about
        # preeclampsia, so its follow-up stays Not Found.
        assert "Not Found" in say(other, "what causes it?")


# Half the conversations are about the article's condition, half about one it does not cover:
# after the crash, "what causes it?" must be answered about each one's own subject.
SUBJECTS = {
    "ci": ("what is cervical insufficiency?", "not well understood"),
    "other": ("what are the symptoms of preeclampsia", "Not Found"),
}
LOOP = ["what are the symptoms?", "how is it treated?", "who is at risk?", "hi"]


def stored_user_texts(database, sender):
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (sender,),
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def test_every_answered_turn_survives_a_kill_9_under_load(tmp_path):
    webhook = f"http://localhost:{CRASH_RASA_PORT}/webhooks/rest/webhook"
    endpoints = endpoints_text(tmp_path, CRASH_ACTIONS_PORT)
    database = tmp_path / "conversations.db"
    actions = start_part(tmp_path, "actions", "actions", actions_port=CRASH_ACTIONS_PORT)
    rasa = start_part(tmp_path, "rasa", "rasa", rasa_port=CRASH_RASA_PORT, endpoints=endpoints)
    senders = {
        f"crash-{kind}-{n}-{uuid.uuid4().hex[:6]}": kind for n in range(10) for kind in SUBJECTS
    }
    replied = {sender: [] for sender in senders}
    try:
        for sender, kind in senders.items():  # each conversation has its subject first
            assert say(sender, SUBJECTS[kind][0], webhook)
            replied[sender].append(SUBJECTS[kind][0])

        def talk(sender):
            for turn in range(200):
                text = LOOP[turn % len(LOOP)]
                try:
                    reply = say(sender, text, webhook)
                except (requests.RequestException, AssertionError):
                    return  # the server is gone
                if reply:
                    replied[sender].append(text)

        threads = [threading.Thread(target=talk, args=(s,), daemon=True) for s in senders]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while sum(map(len, replied.values())) < 4 * len(senders) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert sum(map(len, replied.values())) >= 4 * len(senders), "the load did not run"
        server = next(
            p
            for p in psutil.Process(rasa.pid).children(recursive=True)
            if "serving run" in " ".join(p.cmdline())
        )
        os.kill(server.pid, signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=90)
        stop(rasa)

        for sender in senders:
            stored = stored_user_texts(database, sender)
            # Every turn that got a reply is stored, in order; at most the turn being
            # processed at the kill is stored without its reply.
            assert stored[: len(replied[sender])] == replied[sender], sender
            assert len(stored) - len(replied[sender]) <= 1, sender

        rasa = start_part(
            tmp_path, "rasa-again", "rasa", rasa_port=CRASH_RASA_PORT, endpoints=endpoints
        )
        for sender, kind in senders.items():
            assert SUBJECTS[kind][1] in say(sender, "what causes it?", webhook), sender
    finally:
        stop(rasa)
        stop(actions)
