"""Pure logic of the channels: which channels start (connectors/live_channels.py), the web
widget's allowed origins and its signed session ids (connectors/session_ids.py)."""

import os

import yaml

from conftest import PROJECT
from connectors import live_channels, session_ids
from connectors.socketio import widget_origins

CREDENTIALS = """\
# the REST webhook
rest:
# a messaging app
connectors.messaging.SlackInput:
  slack_token: ${SLACK_TOKEN}
  slack_signing_secret: "${SLACK_SIGNING_SECRET}"
  slack_channel: general
connectors.socketio.SocketIOInput:
  session_persistence: true
"""


def test_a_channel_starts_only_when_all_its_variables_are_set():
    channels = live_channels.parse(CREDENTIALS)
    assert [c.name for c in channels] == ["rest", "slack", "socketio"]
    assert channels[1].variables == ["SLACK_SIGNING_SECRET", "SLACK_TOKEN"]

    live, idle = live_channels.select(channels, {"SLACK_TOKEN": "xoxb"})
    assert [c.name for c in live] == ["rest", "socketio"]
    assert idle == {"slack": ["SLACK_SIGNING_SECRET"]}
    assert live_channels.select(channels, {"SLACK_TOKEN": "x", "SLACK_SIGNING_SECRET": ""})[1]

    live, idle = live_channels.select(channels, {"SLACK_TOKEN": "a", "SLACK_SIGNING_SECRET": "b"})
    assert [c.name for c in live] == ["rest", "slack", "socketio"] and idle == {}


def test_the_effective_file_keeps_entries_as_written_with_no_secret_in_it():
    live, _ = live_channels.select(live_channels.parse(CREDENTIALS), {"SLACK_TOKEN": "xoxb-1"})
    text = "".join(c.text for c in live)
    assert yaml.safe_load(text) == {
        "rest": None,
        "connectors.socketio.SocketIOInput": {"session_persistence": True},
    }
    assert "# the REST webhook" in text and "xoxb-1" not in text

    everything = {"SLACK_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    live, _ = live_channels.select(live_channels.parse(CREDENTIALS), everything)
    text = "".join(c.text for c in live)
    assert text == CREDENTIALS  # placeholders left for Rasa to expand: no secret on disk


def test_placeholders_stay_plain_after_rasa_taught_yaml_to_expand_them(monkeypatch):
    import rasa.shared.utils.io  # noqa: F401  (registers Rasa's `${VAR}` resolver globally)

    monkeypatch.setenv("SLACK_TOKEN", "xoxb-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-secret")
    live, _ = live_channels.select(live_channels.parse(CREDENTIALS), os.environ)
    text = "".join(c.text for c in live)
    assert text == CREDENTIALS  # unquoted `${SLACK_TOKEN}`, which Rasa will expand itself


def test_the_report_says_what_is_live_and_what_to_set():
    live, idle = live_channels.select(live_channels.parse(CREDENTIALS), {})
    assert live_channels.report(live, idle) == (
        "Live channels: rest, socketio\n"
        "Not started: slack (set SLACK_SIGNING_SECRET, SLACK_TOKEN)"
    )


def test_the_projects_credentials_need_a_secret_for_every_messaging_channel():
    channels = live_channels.parse((PROJECT / "credentials.yml").read_text())
    live, idle = live_channels.select(channels, {})
    # The operator's endpoint is always there; it refuses every request without a token.
    assert [c.name for c in live] == ["rest", "operator", "socketio"]
    assert set(idle) == {"telegram", "slack", "facebook", "twilio"}
    assert all(len(unset) >= 2 for unset in idle.values())


def test_widget_origins_come_from_the_environment_or_default_to_the_demo_page():
    assert widget_origins({}) == ["http://localhost:8080", "http://127.0.0.1:8080"]
    assert widget_origins({"WEB_PORT": "9000"})[0] == "http://localhost:9000"
    both = {"WIDGET_ORIGINS": "https://clinic.example/, https://www.clinic.example"}
    assert widget_origins(both) == ["https://clinic.example", "https://www.clinic.example"]


def test_only_ids_issued_with_the_secret_are_genuine():
    secret, other = b"s" * 32, b"t" * 32
    issued = session_ids.issue(secret)
    assert session_ids.is_genuine(secret, issued)
    assert issued != session_ids.issue(secret)
    random_part, signature = issued.split(".")
    for forged in [
        random_part,
        f"{random_part}.{'0' * 32}",
        f"{'0' * 32}.{signature}",
        issued + ".x",
        issued.upper(),
        "",
        None,
        42,
        session_ids.issue(other),
    ]:
        assert not session_ids.is_genuine(secret, forged), forged


def test_a_claimed_id_is_kept_only_if_genuine():
    secret = b"s" * 32
    issued = session_ids.issue(secret)
    assert session_ids.confirmed_id(secret, issued) == issued
    fresh = session_ids.confirmed_id(secret, "someone-elses-session")
    assert fresh != "someone-elses-session" and session_ids.is_genuine(secret, fresh)
    assert session_ids.is_genuine(secret, session_ids.confirmed_id(secret, None))
