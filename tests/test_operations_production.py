"""Erasure and feedback on the production profile: endpoints.production.yml as committed,
two Rasa server replicas sharing the local PostgreSQL (tracker store) and Redis (locks). The
person erases the conversation through one replica and the next message, on the other
replica, starts afresh; the operator's endpoint erases under the Redis lock."""

import pytest
import requests

from operations.dialogue import CONFIRM_FORGET, FEEDBACK_QUESTION, FORGOTTEN
from production import production
from servers import port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("operations-production")
    with production(workdir, port(250), [port(251), port(252)]) as running:
        yield running


def say(setup, replica, sender, text):
    response = requests.post(
        setup.rasa_urls[replica] + "/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        headers=setup.rest_headers,
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def rows(setup, sender):
    with setup.connect() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM events WHERE sender_id = %s", (sender,))
        return cursor.fetchone()[0]


def test_erasure_on_postgresql_and_a_fresh_start_on_the_other_replica(setup):
    sender, other = "pg-forget-me", "pg-keep-me"
    assert texts(say(setup, 0, other, "what is a weak cervix")).count(FEEDBACK_QUESTION) == 1
    kept = rows(setup, other)
    assert "Not Found" in texts(say(setup, 0, sender, "what are the symptoms of preeclampsia"))
    assert "Not Found" in texts(say(setup, 1, sender, "what causes it?"))  # remembered
    assert say(setup, 0, sender, "delete my conversation")[-1]["text"] == CONFIRM_FORGET
    assert texts(say(setup, 1, sender, "/affirm")) == FORGOTTEN
    assert rows(setup, sender) == 0 and rows(setup, other) == kept
    # The other replica holds nothing of it either: the next message starts afresh.
    assert "not well understood" in texts(say(setup, 0, sender, "what causes it?"))


def test_the_operator_endpoint_on_postgresql(setup):
    sender = "pg-operator-erased"
    say(setup, 1, sender, "symptoms of cervical insufficiency")
    assert rows(setup, sender) > 0
    url = f"{setup.rasa_urls[1]}/webhooks/operator/conversations/{sender}"
    assert requests.delete(url, timeout=60).status_code == 403
    token = setup.env["RASA_API_TOKEN"]
    response = requests.delete(url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert response.status_code == 200 and response.json()["removed_events"] > 0
    assert rows(setup, sender) == 0
