"""The real action server and Rasa server, started as `make run` starts them, spoken to over
the REST webhook, then stopped with SIGTERM."""

import signal
import subprocess
import time
import uuid

import pytest
import requests

from medinfo.safety import REMINDER, URGENT
from operations.dialogue import FEEDBACK_QUESTION
from servers import port, port_open, serve_bot

pytestmark = pytest.mark.slow  # the real Rasa and action servers

RASA_PORT, ACTIONS_PORT = port(5), port(55)
WEBHOOK = f"http://localhost:{RASA_PORT}/webhooks/rest/webhook"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with serve_bot(tmp_path_factory.mktemp("e2e"), RASA_PORT, ACTIONS_PORT) as process:
        yield process


class Conversation:
    def __init__(self):
        self.sender = f"e2e-{uuid.uuid4().hex[:8]}"
        self.transcript = []

    def say(self, text):
        response = requests.post(WEBHOOK, json={"sender": self.sender, "message": text}, timeout=30)
        assert response.status_code == 200
        replies = response.json()
        assert replies, f"no reply to {text!r}"
        self.transcript += replies
        return replies


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def test_a_whole_conversation_over_the_rest_webhook(servers):
    chat = Conversation()
    assert "cervical insufficiency" in texts(chat.say("hello"))

    replies = chat.say("what is cervical insufficiency?")
    assert "painless opening of the cervix" in texts(replies)
    assert "Source: “Cervical Insufficiency”, MSD Manual Consumer Version" in texts(replies)
    source = [r for r in replies if r.get("text", "").startswith("Source:")][0]
    assert source["buttons"], "quick replies offer the other topics"
    assert replies[-1]["text"] == FEEDBACK_QUESTION, "feedback is asked in a message of its own"
    assert [b["payload"] for b in replies[-1]["buttons"]] == ["/affirm", "/deny"]

    assert "not well understood" in texts(chat.say("what causes it?"))
    assert "cerclage" in texts(chat.say("and the treatment?"))
    assert "vaginal bleeding or spotting" in texts(chat.say("symptoms?"))
    assert "less than 30%" in texts(chat.say("will it happen again next time"))

    diabetes = texts(chat.say("what are the symptoms of diabetes?"))
    assert "Not Found" in diabetes and "vaginal bleeding" not in diabetes
    assert "Not Found" in texts(chat.say("who won the football last night"))

    urgent = chat.say("I'm 20 weeks pregnant and I'm bleeding")
    assert urgent[0]["text"] == URGENT

    assert "cerclage" in texts(chat.say('/ask_treatment{"condition": "cervical insufficiency"}'))
    assert texts(chat.transcript).count(REMINDER) == 1


@pytest.mark.slow
def test_what_about_x_keeps_the_topic_and_changes_the_subject(servers):
    chat = Conversation()
    assert "not well understood" in texts(chat.say("what causes cervical insufficiency?"))
    other = texts(chat.say("what about preeclampsia?"))
    assert "Not Found" in other and "not well understood" not in other
    chat = Conversation()
    assert "Not Found" in texts(chat.say("what are the symptoms of gestational diabetes?"))
    back = texts(chat.say("what about cervical insufficiency?"))
    assert "vaginal bleeding or spotting" in back and "Not Found" not in back


@pytest.mark.slow
def test_everyday_words_about_another_subject_are_not_found(servers):
    for question in ("what are the symptoms of a cold", "how do they fix a broken leg?"):
        reply = texts(Conversation().say(question))
        assert "Not Found" in reply and "From the article" not in reply


def test_conversations_are_kept_apart(servers):
    first, second = Conversation(), Conversation()
    first.say("what are the symptoms of preeclampsia")
    second.say("what is a weak cervix")
    assert "Not Found" in texts(first.say("what causes it"))
    assert "not well understood" in texts(second.say("what causes it"))


def test_sigterm_stops_every_process(servers):
    servers.send_signal(signal.SIGTERM)
    servers.wait(timeout=60)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (port_open(RASA_PORT) or port_open(ACTIONS_PORT)):
        time.sleep(0.5)
    assert not port_open(RASA_PORT) and not port_open(ACTIONS_PORT)
    left = subprocess.run(["pgrep", "-g", str(servers.pid)], capture_output=True, text=True)
    assert left.stdout.strip() == "", f"processes left behind: {left.stdout}"
