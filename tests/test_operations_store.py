"""Report, retention and erasure on both stores the bot uses: the SQLite file of endpoints.yml
and the local PostgreSQL of endpoints.production.yml (a database of its own, dropped after).
The rows are written by Rasa's own SQLTrackerStore; the operator's commands are run as
`make report/prune/forget` run them, on an endpoints file naming that store."""

import asyncio
import time
import uuid

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from conftest import PROJECT
from operations import store
from operations.cli import main
from operations.dialogue import FEEDBACK_SLOT, FORGET_ACTION, SECTION_SLOT
from operations.tracker_store import ManagedSQLTrackerStore
from production import PG, _admin

pytestmark = pytest.mark.slow
DAY = 86400
SECTION = "cervical insufficiency: causes"


@pytest.fixture(params=["sqlite", "postgresql"])
def endpoints(request, tmp_path, monkeypatch):
    """An endpoints file naming a fresh store of that kind, set as the profile's (ENDPOINTS)."""
    if request.param == "sqlite":
        config = f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp_path / 'c.db'}\n"
        drop = None
    else:
        database = f"ops_test_i16_{uuid.uuid4().hex[:10]}"
        _admin(f'CREATE DATABASE "{database}"')
        config = (
            "tracker_store:\n  type: SQL\n  dialect: postgresql\n"
            f"  url: {PG['host']}\n  port: {PG['port']}\n  db: {database}\n"
            f"  username: {PG['user']}\n  password: ''\n"
        )
        drop = database
    path = tmp_path / "endpoints.yml"
    path.write_text(config)
    monkeypatch.setenv("ENDPOINTS", str(path))
    monkeypatch.setenv("RETENTION_DAYS", "30")
    yield request.param, path
    if drop:
        store.engine_from_endpoints(str(path)).dispose()
        _admin(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)')


@pytest.fixture
def domain():
    return Domain.load(str(PROJECT / "domain.yml"))


def rasa_store(path, domain, cls=SQLTrackerStore):
    from rasa.utils.endpoints import read_endpoint_config

    config = read_endpoint_config(str(path), "tracker_store")
    return cls(domain=domain, host=config.url, **config.kwargs)


def write(tracker_store, domain, sender, turns, start):
    """A conversation as Rasa stores it: one turn is (text, intent, bot reply, slot events)."""
    tracker = DialogueStateTracker(sender, domain.slots)
    t = start
    tracker.update(ActionExecuted("action_session_start", timestamp=t))
    tracker.update(SessionStarted(timestamp=t))
    for text, intent, reply, slots in turns:
        t += 5
        parse = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": text}
        tracker.update(UserUttered(text, parse["intent"], [], parse, timestamp=t))
        tracker.update(ActionExecuted("action_answer_question", timestamp=t + 1))
        tracker.update(BotUttered(reply, {"buttons": []}, timestamp=t + 1))
        for name, value in slots:
            tracker.update(SlotSet(name, value, timestamp=t + 1))
        tracker.update(ActionExecuted("action_listen", timestamp=t + 2))
    asyncio.run(tracker_store.save(tracker))


def count(path, sender=None):
    engine = store.engine_from_endpoints(str(path))
    rows = list(store.read_rows(engine))
    return len([r for r in rows if sender is None or r.sender == sender])


ANSWER = (
    "what causes it?",
    "ask_causes",
    "Cervical insufficiency: causes. ...",
    [(SECTION_SLOT, SECTION)],
)


def test_report_on_the_store(endpoints, domain, tmp_path, capsys):
    kind, path = endpoints
    rasa = rasa_store(path, domain)
    now = time.time()
    no = (
        "/deny",
        "deny",
        "Thank you ...",
        [(FEEDBACK_SLOT, {"section": SECTION, "helpful": False})],
    )
    comment = ("it said nothing about bed rest", "ask_treatment", "Not Found: the article ...", [])
    write(rasa, domain, "sender-one-7731", [ANSWER, no, comment], now - 3600)
    gap = ("can i fly with a stitch", "out_of_scope", "Not Found: the article says ...", [])
    write(rasa, domain, "sender-two-7732", [gap, ANSWER], now - 20 * DAY)
    html = tmp_path / "report.html"

    assert main(["report", "--html", str(html)]) == 0
    text = capsys.readouterr().out
    assert "Conversations: 2" in text and "Messages from people (turns): 5" in text
    assert "Questions answered from the article: 2" in text
    assert "Questions answered Not Found: 2 (50.0 % of questions)" in text
    page = html.read_text()
    assert "can i fly with a stitch" in page and "it said nothing about bed rest" in page
    assert "sender-one" not in page and "sender-two" not in page and "7731" not in text

    assert main(["report", "--since", "7d", "--html", str(html)]) == 0
    text = capsys.readouterr().out
    assert "Conversations: 1" in text and "can i fly" not in html.read_text()


def test_retention_removes_old_conversations_whole_and_keeps_recent_ones(endpoints, domain):
    kind, path = endpoints
    rasa = rasa_store(path, domain)
    now = time.time()
    write(rasa, domain, "old", [ANSWER, ANSWER], now - 40 * DAY)
    write(rasa, domain, "recent", [ANSWER], now - 2 * DAY)
    # Begun 40 days ago, last message 29 days ago: kept, old events included.
    write(rasa, domain, "long", [ANSWER] * 2, now - 40 * DAY)
    engine = store.engine_from_endpoints(str(path))
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE events SET timestamp = timestamp + %d WHERE sender_id = 'long' AND id = "
            "(SELECT MAX(id) FROM events WHERE sender_id = 'long')" % (11 * DAY)
        )
    before = {s: count(path, s) for s in ("old", "recent", "long")}

    assert main(["prune"]) == 0
    assert count(path, "old") == 0
    assert count(path, "recent") == before["recent"] and count(path, "long") == before["long"]
    assert main(["prune", "--days", "1"]) == 0
    assert count(path) == 0


def test_erasure_by_the_operator_leaves_nothing_of_that_sender(endpoints, domain):
    kind, path = endpoints
    rasa = rasa_store(path, domain)
    write(rasa, domain, "forget-me", [ANSWER, ANSWER], time.time() - 100)
    write(rasa, domain, "keep-me", [ANSWER], time.time() - 100)
    kept = count(path, "keep-me")
    assert main(["forget", "forget-me"]) == 0
    assert count(path, "forget-me") == 0 and count(path, "keep-me") == kept


def test_erasure_by_the_person_happens_as_rasa_saves_the_turn(endpoints, domain, monkeypatch):
    kind, path = endpoints
    managed = rasa_store(path, domain, ManagedSQLTrackerStore)
    managed.retention.stop()
    write(managed, domain, "asker", [ANSWER], time.time() - 100)
    write(managed, domain, "other", [ANSWER], time.time() - 100)
    other = count(path, "other")
    tracker = asyncio.run(managed.retrieve("asker"))
    tracker.update(UserUttered("/affirm", {"name": "affirm", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_reply_yes_no"))
    tracker.update(ActionExecuted(FORGET_ACTION))
    tracker.update(BotUttered("Done: ..."))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(managed.save(tracker))  # Rasa saves the turn: the conversation goes instead
    assert count(path, "asker") == 0 and count(path, "other") == other
    assert "asker" not in managed.cache.parts, "nor is it kept in the store's memory"
    assert asyncio.run(managed.retrieve("asker")) is None  # the next message starts afresh
    # An ordinary turn is saved as Rasa saves it.
    tracker = asyncio.run(managed.retrieve("other"))
    tracker.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}))
    asyncio.run(managed.save(tracker))
    assert count(path, "other") == other + 1


def test_a_wrong_retention_period_is_refused(endpoints, monkeypatch, capsys):
    monkeypatch.setenv("RETENTION_DAYS", "forever")
    assert main(["prune"]) == 2
    assert "RETENTION_DAYS must be a positive number" in capsys.readouterr().err
