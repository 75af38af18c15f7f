"""The real action server and Rasa server, started as `make run` starts them, spoken to over
the REST webhook, then stopped with SIGTERM."""

import os
import signal
import socket
import subprocess
import time
import uuid

import pytest
import requests

from medinfo.safety import REMINDER, URGENT
from rasa_cli import ENV, PROJECT, latest_model

RASA_PORT, ACTIONS_PORT = 15005, 15055
WEBHOOK = f"http://localhost:{RASA_PORT}/webhooks/rest/webhook"
START_TIMEOUT = 180


def port_open(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_until_up(process, url):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, "the servers exited while starting"
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(1)
    raise AssertionError(f"{url} did not answer within {START_TIMEOUT} s")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    assert not port_open(RASA_PORT) and not port_open(ACTIONS_PORT), "test ports are taken"
    endpoints = tmp_path_factory.mktemp("e2e") / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://localhost:{ACTIONS_PORT}/webhook"\n')
    env = {
        **ENV,
        "RASA_PORT": str(RASA_PORT),
        "ACTIONS_PORT": str(ACTIONS_PORT),
        "ENDPOINTS": str(endpoints),
        "MODELS": str(latest_model()),
    }
    log = open(endpoints.parent / "serve.log", "w")
    process = subprocess.Popen(
        [str(PROJECT / "scripts" / "serve.sh")],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_up(process, f"http://localhost:{ACTIONS_PORT}/health")
        wait_until_up(process, f"http://localhost:{RASA_PORT}/")
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


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
    assert replies[-1]["buttons"], "quick replies offer the other topics"

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
