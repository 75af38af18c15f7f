"""The development profile's Rasa server and action server, started apart (`serve.sh rasa`,
`serve.sh actions`) so the action server can fail under a running Rasa server: hostile input
on the REST webhook, the action server frozen or stopped, a broken knowledge file."""

import json
import os
import signal
import time
import uuid

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medinfo.answers import TOPICS
from servers import port, start_part, stop

pytestmark = pytest.mark.slow  # the real Rasa and action servers

RASA_PORT, ACTIONS_PORT = port(210), port(211)
WEBHOOK = f"http://localhost:{RASA_PORT}/webhooks/rest/webhook"
FAULT_REPLY_SECONDS = 5
TOPIC_TITLES = {title for _, _, title, _ in TOPICS}


def endpoints(tmp):
    """The default profile's endpoints, on this test's ports and database file."""
    return (
        f'action_endpoint:\n  url: "http://localhost:{ACTIONS_PORT}/webhook"\n'
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'conversations.db'}\n"
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="module")
def actions(workdir):
    holder = {"process": start_part(workdir, "actions", "actions", actions_port=ACTIONS_PORT)}
    yield holder
    stop(holder["process"])


@pytest.fixture(scope="module")
def rasa(workdir, actions):
    process = start_part(workdir, "rasa", "rasa", rasa_port=RASA_PORT, endpoints=endpoints(workdir))
    yield process
    stop(process)


def post(body=None, raw=None, headers=None, timeout=30):
    if raw is None:
        raw = json.dumps(body)
    headers = {"Content-Type": "application/json", **(headers or {})}
    return requests.post(
        WEBHOOK, data=raw.encode("utf-8", "surrogatepass"), headers=headers, timeout=timeout
    )


def say(text, sender=None, timeout=30):
    response = post(
        {"sender": sender or f"bad-{uuid.uuid4().hex[:8]}", "message": text}, timeout=timeout
    )
    assert response.status_code == 200, response.text
    replies = response.json()
    assert replies, f"no reply to {text[:80]!r}"
    return "\n".join(r.get("text", "") for r in replies), replies


def answers_properly():
    text, _ = say("what causes cervical insufficiency?")
    assert "not well understood" in text


REAL_MESSAGES = [
    "a" * 20_000,
    ("what causes cervical insufficiency? " * 600)[:20_000],
    "😀🤰💔 what is a weak cervix? 🙏",
    "ما هو قصور عنق الرحم؟ what is it",  # right-to-left script
    "\u202ewhat causes it\u202c",  # right-to-left override
    "what\u0000 causes\u0007 it\u001b[31m?",  # NUL, bell, an ANSI escape
    "<script>alert('x')</script><b>symptoms?</b>",
    "'; DROP TABLE events; --",
    "\ud800 lone surrogate",
]


@pytest.mark.parametrize("text", REAL_MESSAGES, ids=range(len(REAL_MESSAGES)))
def test_odd_but_real_messages_get_a_reply(rasa, text):
    say(text)


@pytest.mark.parametrize(
    "raw, content_type, status",
    [
        ('{"sender": "x", "message": ""}', "application/json", 400),
        ('{"sender": "x", "message": "   \\n\\t "}', "application/json", 400),
        ('{"sender": "x", "message": "\\u0000\\u0001"}', "application/json", 400),
        ('{"sender": "x", "message": "' + "a" * 20_001 + '"}', "application/json", 413),
        ('{"sender": "x", "message": ', "application/json", 400),
        ("not json at all", "application/json", 400),
        ("\udcff\udcfe", "application/json", 400),
        ("[1, 2, 3]", "application/json", 400),
        ('"just a string"', "application/json", 400),
        ('{"sender": "x"}', "application/json", 400),
        ('{"message": "what causes it?"}', "application/json", 400),
        ('{"sender": "", "message": "hi"}', "application/json", 400),
        ('{"sender": 42, "message": "hi"}', "application/json", 400),
        ('{"sender": "x", "message": 42}', "application/json", 400),
        ('{"sender": "x", "message": ["hi"]}', "application/json", 400),
        ('{"sender": "' + "s" * 129 + '", "message": "hi"}', "application/json", 400),
        ('{"sender": "x", "message": "hi"}', "text/plain", 415),
        ("sender=x&message=hi", "application/x-www-form-urlencoded", 415),
        ("", "application/json", 400),
    ],
)
def test_malformed_requests_get_a_clear_4xx(rasa, raw, content_type, status):
    response = post(raw=raw, headers={"Content-Type": content_type})
    assert response.status_code == status, response.text
    assert response.json()["error"]


@settings(
    max_examples=1000,
    derandomize=True,  # the same 1,000 strings on every run
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.text(alphabet=st.characters(blacklist_categories=()), max_size=300))
def test_random_strings_never_break_the_webhook(rasa, text):
    # A sender per string: one sender would grow a 1,000-turn tracker, slower every turn.
    response = post({"sender": f"hyp-{uuid.uuid4().hex}", "message": text}, timeout=30)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert response.json(), f"no reply to {text!r}"
    else:
        assert "empty" in response.json()["error"]


def test_the_server_still_answers_after_the_bad_input(rasa):
    answers_properly()


def assert_apology_in_time(sender):
    started = time.monotonic()
    text, replies = say("what are the symptoms of cervical insufficiency?", sender=sender)
    took = time.monotonic() - started
    assert took < FAULT_REPLY_SECONDS, f"the apology took {took:.1f} s"
    assert text.startswith("Sorry, I cannot look up the article right now")
    assert {b["title"] for b in replies[-1]["buttons"]} == TOPIC_TITLES


def test_a_frozen_action_server_gets_an_apology_then_answers_resume(rasa, actions):
    group = actions["process"].pid
    os.killpg(group, signal.SIGSTOP)  # accepts connections, never answers: "slow"
    try:
        assert_apology_in_time("frozen")
    finally:
        os.killpg(group, signal.SIGCONT)
    answers_properly()


def test_a_stopped_action_server_gets_an_apology_then_answers_resume(rasa, actions, workdir):
    stop(actions["process"])
    assert_apology_in_time("stopped")
    actions["process"] = start_part(workdir, "actions-again", "actions", actions_port=ACTIONS_PORT)
    answers_properly()  # the same Rasa server, never restarted


@pytest.mark.parametrize(
    "content, problem",
    [
        (None, "cannot read the knowledge file"),
        ("", "the knowledge file is empty"),
        ('{"conditions": []}', "does not match the knowledge schema"),
        ("{broken", "not valid JSON"),
    ],
)
def test_the_action_server_refuses_a_bad_knowledge_file(tmp_path, content, problem):
    path = tmp_path / "knowledge.json"
    if content is not None:
        path.write_text(content)
    process = start_part(
        tmp_path,
        "actions",
        "actions",
        actions_port=port(212),
        env={"KNOWLEDGE_FILE": str(path)},
        wait=False,
    )
    try:
        process.wait(timeout=180)
    finally:
        stop(process)
    log = process.log_path.read_text()
    assert process.returncode != 0
    assert f"The action server cannot start: {path}: {problem}" in log, log[-2000:]
