"""The default profile keeps conversations in the SQLite file named in endpoints.yml, so a
restarted Rasa server still knows what a conversation is about. Its HTTP API stays off."""

import uuid

import pytest
import requests
import yaml

from conftest import PROJECT
from servers import port, serve_bot

pytestmark = pytest.mark.slow  # the real servers on the SQLite store

RASA_PORT, ACTIONS_PORT = port(200), port(201)
MANAGED_STORE = "operations.tracker_store.ManagedSQLTrackerStore"  # Rasa's SQL store + erasure
WEBHOOK = f"http://localhost:{RASA_PORT}/webhooks/rest/webhook"


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


def say(sender, text):
    response = requests.post(WEBHOOK, json={"sender": sender, "message": text}, timeout=60)
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
