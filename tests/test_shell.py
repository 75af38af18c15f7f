"""`make shell` (scripts/shell.sh) and `make run` (scripts/serve.sh) driven in a
pseudo-terminal as a person would use them: ask, read the answer, then end it as people do
(/stop, the terminal closing, SIGTERM). Whatever they started must be gone afterwards, and
their ports free."""

import os
import signal
import time

import pexpect
import psutil
import pytest

from rasa_cli import ENV, PROJECT, latest_model
from servers import endpoints_text, port, port_open

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


def spawn(script, tmp_path, rasa_port, actions_port):
    assert not port_open(rasa_port) and not port_open(actions_port), "test ports are taken"
    env = {
        **ENV,
        "RASA_PORT": str(rasa_port),
        "ACTIONS_PORT": str(actions_port),
        "WEB_PORT": "0",
        "ENDPOINTS": str(tmp_path / "endpoints.yml"),
        "MODELS": str(latest_model()),
        "TMPDIR": str(tmp_path),
        "TERM": "xterm",
    }
    (tmp_path / "endpoints.yml").write_text(endpoints_text(tmp_path, actions_port))
    child = pexpect.spawn(
        str(PROJECT / "scripts" / script),
        cwd=str(PROJECT),
        env=env,
        encoding="utf-8",
        timeout=240,
        dimensions=(50, 200),
        preexec_fn=default_hangup,
    )
    child.logfile_read = open(tmp_path / f"{script}.log", "w")
    return child


def default_hangup():
    """A terminal's programs start with SIGHUP's default action; a test run under `nohup`
    would pass on its SIGHUP-ignored state (and then a hang-up rightly stops nothing)."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def wait_for_ports(*numbers, timeout=240):
    deadline = time.monotonic() + timeout
    while not all(port_open(n) for n in numbers) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert all(port_open(n) for n in numbers), "the servers did not start"


def assert_all_gone(processes, *ports, timeout=45):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not alive and not any(port_open(n) for n in ports):
            return
        time.sleep(0.5)
    left = [" ".join(p.cmdline()[:4]) for p in alive if p.is_running()]
    for p in alive:  # do not leave them to the next test
        p.kill()
    assert not left, f"left running: {left}"
    assert not any(port_open(n) for n in ports), "a port is still taken"


def hang_up(child):
    """Close the terminal as a window closing does: the master side goes, nothing else."""
    os.close(child.child_fd)
    child.child_fd = -1


@pytest.mark.parametrize(
    "script, ending",
    [("shell.sh", "hangup"), ("serve.sh", "hangup"), ("serve.sh", "sigterm")],
)
def test_nothing_is_left_behind_however_it_ends(tmp_path, script, ending):
    rasa_port, actions_port = port(122), port(123)
    child = spawn(script, tmp_path, rasa_port, actions_port)
    try:
        if script == "shell.sh":
            child.expect("Bot loaded. Type a message")
        wait_for_ports(rasa_port, actions_port)
        started = psutil.Process(child.pid).children(recursive=True)
        assert len(started) >= 2, [p.cmdline() for p in started]
        if ending == "hangup":
            hang_up(child)
        else:
            os.kill(child.pid, signal.SIGTERM)
        assert_all_gone([psutil.Process(child.pid), *started], rasa_port, actions_port)
    finally:
        if child.child_fd != -1:
            child.close(force=True)
