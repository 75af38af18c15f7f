"""The production profile with the real services: two Rasa server replicas sharing PostgreSQL
(tracker store) and Redis (lock store), one action server. Conversations alternate between
the replicas; then the same servers are attacked without and with the wrong credentials."""

import json
from concurrent.futures import ThreadPoolExecutor

import jwt
import pytest
import redis
import requests

from medinfo.safety import REMINDER
from production import REDIS, WIDGET_ORIGIN, production
from servers import port

pytestmark = pytest.mark.slow  # replicas on the local PostgreSQL and Redis

CONVERSATIONS = 20
# (message, what the reply must contain); turn i goes to replica i % 2 (shifted per
# conversation), so every follow-up is answered by the other replica than the turn before.
TURNS = [
    ("hello", "cervical insufficiency"),
    ("what are the symptoms of preeclampsia", "Not Found"),
    ("what causes it", "Not Found"),  # "it" is still preeclampsia, remembered by the other one
    ("what is a weak cervix", "painless opening of the cervix"),
    ("what causes it?", "not well understood"),
    ("and the treatment?", "cerclage"),
    ("symptoms?", "vaginal bleeding or spotting"),
    ("will it happen again next time", "less than 30%"),
    ("how is it diagnosed?", "Cervical Insufficiency: diagnosis."),
    ("thanks", "You're welcome"),
]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("production")
    with production(workdir, port(220), [port(221), port(222)]) as running:
        yield running


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def converse(setup, number):
    sender = f"scale-{number}"
    received = []
    for turn, (message, expected) in enumerate(TURNS):
        url = setup.rasa_urls[(turn + number) % 2] + "/webhooks/rest/webhook"
        response = requests.post(
            url,
            json={"sender": sender, "message": message},
            headers=setup.rest_headers,
            timeout=60,
        )
        assert response.status_code == 200, response.text
        replies = response.json()
        assert expected in texts(replies), (sender, message, replies)
        received.append(replies)
    return sender, received


@pytest.fixture(scope="module")
def conversations(setup):
    with ThreadPoolExecutor(max_workers=10) as pool:
        return list(pool.map(lambda n: converse(setup, n), range(CONVERSATIONS)))


def stored_events(setup, sender):
    with setup.connect() as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT type_name, timestamp, data FROM events WHERE sender_id = %s ORDER BY id",
            (sender,),
        )
        return [(kind, stamp, json.loads(data)) for kind, stamp, data in cursor.fetchall()]


def test_every_turn_is_answered_with_context_across_replicas(conversations):
    assert len(conversations) == CONVERSATIONS
    for sender, received in conversations:
        assert len(received) == len(TURNS)
        # The not-medical-advice reminder is a slot: shown once, whichever replica answers.
        assert sum(texts(r).count(REMINDER) for r in received) == 1, sender


def test_postgres_holds_every_event_once_and_in_order(setup, conversations):
    for sender, received in conversations:
        events = stored_events(setup, sender)
        said = [e["text"] for kind, _, e in events if kind == "user"]
        assert said == [message for message, _ in TURNS], sender
        answered = [e["text"] for kind, _, e in events if kind == "bot"]
        assert answered == [r["text"] for replies in received for r in replies], sender
        stamps = [stamp for _, stamp, _ in events]
        assert stamps == sorted(stamps), f"{sender}: events out of order"
        unique = {(kind, stamp, json.dumps(e, sort_keys=True)) for kind, stamp, e in events}
        assert len(unique) == len(events), f"{sender}: duplicated events"


def test_no_lock_is_left_in_redis(setup, conversations):
    client = redis.Redis(**REDIS)
    assert client.keys(f"{setup.redis_prefix}:*") == []


# --- security, on the same replicas --------------------------------------------------------


def user_token(setup, username):
    payload = {"user": {"username": username, "role": "user"}}
    return {"Authorization": "Bearer " + jwt.encode(payload, setup.env["RASA_JWT_SECRET"])}


def test_the_rest_webhook_needs_the_token(setup, conversations):
    victim = conversations[1][0]
    before = len(stored_events(setup, victim))
    url = setup.rasa_urls[0] + "/webhooks/rest/webhook"
    body = {"sender": victim, "message": "what causes it?"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "wrong"}):
        assert requests.post(url, json=body, headers=headers, timeout=30).status_code == 401
    assert len(stored_events(setup, victim)) == before


def test_the_http_api_needs_the_token(setup):
    status = setup.rasa_urls[1] + "/status"
    assert requests.get(status, timeout=30).status_code == 401
    assert requests.get(status, params={"token": "wrong"}, timeout=30).status_code == 401
    token = {"token": setup.env["RASA_API_TOKEN"]}
    assert requests.get(status, params=token, timeout=30).status_code == 200


def test_a_user_token_reaches_its_own_conversation_only(setup, conversations):
    (me, _), (victim, _) = conversations[0], conversations[1]
    base = setup.rasa_urls[0]
    mine = requests.get(
        f"{base}/conversations/{me}/tracker", headers=user_token(setup, me), timeout=30
    )
    assert mine.status_code == 200 and mine.json()["sender_id"] == me

    before = stored_events(setup, victim)
    event = [{"event": "slot", "name": "condition", "value": "diabetes"}]
    attempts = [
        ("get", f"/conversations/{victim}/tracker", None),
        ("get", f"/conversations/{victim}/story", None),
        ("post", f"/conversations/{victim}/messages", {"text": "hi", "sender": "user"}),
        ("post", f"/conversations/{victim}/tracker/events", event),
        ("put", f"/conversations/{victim}/tracker/events", event),
        ("post", f"/conversations/{victim}/trigger_intent", {"name": "ask_causes"}),
        ("post", f"/conversations/{victim}/execute", {"name": "action_answer_question"}),
        ("post", f"/conversations/{victim}/predict", None),
        ("get", "/status", None),
        ("post", "/model/parse", {"text": "hi"}),
        ("get", "/domain", None),
    ]
    for method, path, body in attempts:
        for headers, refused in ((user_token(setup, me), 403), ({}, 401)):
            response = requests.request(method, base + path, json=body, headers=headers, timeout=30)
            assert response.status_code == refused, (method, path, response.text)
    assert stored_events(setup, victim) == before


def test_cors_allows_the_widget_origin_only(setup):
    url = setup.rasa_urls[1] + "/webhooks/rest/webhook"
    preflight = {"Access-Control-Request-Method": "POST"}
    allowed = requests.options(url, headers={"Origin": WIDGET_ORIGIN, **preflight}, timeout=30)
    assert allowed.headers.get("Access-Control-Allow-Origin") == WIDGET_ORIGIN
    for origin in ("https://evil.example", "http://localhost:8000"):
        refused = requests.options(url, headers={"Origin": origin, **preflight}, timeout=30)
        assert "Access-Control-Allow-Origin" not in refused.headers, origin
        plain = requests.get(setup.rasa_urls[1] + "/", headers={"Origin": origin}, timeout=30)
        assert "Access-Control-Allow-Origin" not in plain.headers, origin
