"""`make shell` (scripts/shell.sh) driven in a pseudo-terminal as a person would use it: ask,
read the answer, type /stop; the action server it started must be gone afterwards."""

import time

import pexpect
import pytest

from rasa_cli import ENV, PROJECT, latest_model
from servers import port, port_open

pytestmark = pytest.mark.slow  # rasa shell with a trained model

RASA_PORT, ACTIONS_PORT = port(120), port(121)
UP = "\x1b[A"


def test_rasa_shell_answers_and_stops_with_its_action_server(tmp_path):
    assert not port_open(RASA_PORT) and not port_open(ACTIONS_PORT), "test ports are taken"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://localhost:{ACTIONS_PORT}/webhook"\n')
    env = {
        **ENV,
        "RASA_PORT": str(RASA_PORT),
        "ACTIONS_PORT": str(ACTIONS_PORT),
        "ENDPOINTS": str(endpoints),
        "MODELS": str(latest_model()),
        "TMPDIR": str(tmp_path),
        "TERM": "xterm",
    }
    shell = pexpect.spawn(
        str(PROJECT / "scripts" / "shell.sh"),
        cwd=str(PROJECT),
        env=env,
        encoding="utf-8",
        timeout=240,
        dimensions=(50, 200),
    )
    shell.logfile_read = open(tmp_path / "shell.log", "w")
    try:
        shell.expect("Bot loaded. Type a message")
        deadline = time.monotonic() + 120  # the action server starts alongside
        while not port_open(ACTIONS_PORT) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert port_open(ACTIONS_PORT), "the action server did not start"

        shell.sendline("what causes cervical insufficiency?")
        shell.expect("not well understood", timeout=120)
        shell.expect("MSD Manual Consumer Version", timeout=60)

        # The quick replies are a menu; its last entry goes back to typing. Up wraps to it.
        shell.expect("Type out your own message", timeout=60)
        shell.send(UP)
        shell.send("\r")
        shell.sendline("/stop")
        shell.expect(pexpect.EOF, timeout=120)
    finally:
        shell.close(force=True)
    deadline = time.monotonic() + 30
    while (port_open(ACTIONS_PORT) or port_open(RASA_PORT)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not port_open(ACTIONS_PORT), "the action server outlived the shell"
    assert not port_open(RASA_PORT)
