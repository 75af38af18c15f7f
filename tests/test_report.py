"""The operator's report, feedback and erasure logic, without Rasa or a database: figures
from event rows, grouping of Not Found questions, redaction, the HTML page, what a yes or no
answers, the SMS rendering of a yes/no question, and the retention schedule."""

import argparse
import asyncio
import json
import threading

import pytest

from connectors.messaging import TwilioOutput
from medinfo.answers import not_found, unavailable
from medinfo.language import load_pipeline
from medinfo.safety import URGENT
from operations.cli import KnownWords, lemmatizer, parse_since
from operations.dialogue import (
    CONFIRM_FORGET_ACTION,
    FEEDBACK_BUTTONS,
    FEEDBACK_QUESTION,
    FEEDBACK_SLOT,
    FORGET_BUTTONS,
    SECTION_SLOT,
    pending,
)
from operations.figures import (
    APOLOGY_OPENING,
    NOT_FOUND_OPENING,
    Row,
    Said,
    feedback_by_section,
    tally,
)
from operations.gaps import group, typo_map
from operations.redact import redact
from operations.render import Report, html_page, summary_text
from operations.tracker_store import Daily
from serving.action_fallback import PLAIN_APOLOGY

SECTION = "cervical insufficiency: causes"


class Log:
    """Rows as Rasa's SQLTrackerStore writes them: the event as json.dumps of its dict."""

    def __init__(self, sender, start=1_700_000_000.0):
        self.sender, self.time, self.rows = sender, start, []

    def add(self, kind, intent=None, action=None, **data):
        self.time += 1
        event = {"event": kind, "timestamp": self.time, **data}
        self.rows.append(Row(self.sender, kind, self.time, intent, action, json.dumps(event)))
        return self

    def session(self):
        return self.add("session_started").add(
            "action", action="action_listen", name="action_listen"
        )

    def user(self, text, intent="ask_causes"):
        parse = {"intent": {"name": intent, "confidence": 1.0}, "text": text}
        return self.add("user", intent=intent, text=text, parse_data=parse)

    def bot(self, text, buttons=None):
        return self.add("bot", text=text, data={"buttons": buttons})

    def slot(self, name, value):
        return self.add("slot", name=name, value=value)

    def answer(self, section=SECTION):
        self.add("action", action="action_answer_question", name="action_answer_question")
        self.bot("Cervical insufficiency: causes. From the article:\n...")
        self.bot("Source: ...", [{"title": "Causes", "payload": "/ask_causes"}])
        self.bot(FEEDBACK_QUESTION, FEEDBACK_BUTTONS)
        return self.slot(SECTION_SLOT, section)

    def not_found(self, urgent=False):
        if urgent:
            self.bot(URGENT)
        return self.bot(f"{NOT_FOUND_OPENING} the article says nothing about that. I can ...")


def conversation_rows():
    a = Log("alice")
    a.session().user("what causes it?").answer()
    a.user("/deny", "deny").slot(FEEDBACK_SLOT, {"section": SECTION, "helpful": False})
    a.bot("Thank you ...")
    a.user("I wanted to know about bed rest", "ask_treatment").not_found()
    a.user("what are the symptoms of diabetes", "ask_symptoms").not_found()
    a.user("I'm bleeding at 20 weeks and my tummy hurts", "report_emergency").not_found(True)
    b = Log("bob", start=1_700_100_000.0)
    b.session().user("what causes it?").answer()
    b.user("/affirm", "affirm").slot(FEEDBACK_SLOT, {"section": SECTION, "helpful": True})
    b.user("symptoms of diabetis?", "ask_symptoms").not_found()
    b.user("hello", "greet").bot(APOLOGY_OPENING + " Please ask again in a minute.")
    # Back after an hour: Rasa starts a session and sets the carried-over slots again.
    b.session().slot(SECTION_SLOT, SECTION).slot(
        FEEDBACK_SLOT, {"section": SECTION, "helpful": True}
    )
    b.user('/ask_causes{"condition": "cervical insufficiency"}').answer()
    return a.rows + b.rows


def test_the_figures_of_a_store():
    f = tally(conversation_rows())
    assert (f.conversations, f.turns) == (3, 10)
    assert f.answers == {SECTION: 3}  # the carried-over slot of the new session is not one
    assert (f.not_found, f.urgent, f.apologies) == (4, 1, 1)
    assert f.not_found_rate == pytest.approx(4 / 7)
    assert [q.text for q in f.not_found_questions] == [
        "I wanted to know about bed rest",
        "what are the symptoms of diabetes",
        "I'm bleeding at 20 weeks and my tummy hurts",
        "symptoms of diabetis?",
    ]
    assert [(x.section, x.helpful, x.comment) for x in f.feedback] == [
        (SECTION, False, "I wanted to know about bed rest"),  # the message after a "no"
        (SECTION, True, None),
    ]
    [section] = feedback_by_section(f.feedback)
    assert (section.helpful, section.not_helpful, len(section.comments)) == (1, 1, 1)


def test_a_no_typed_with_a_reason_is_its_own_comment():
    log = Log("carol").session().user("what causes it?").answer()
    log.user("no it does not say if stress causes it", "deny")
    log.slot(FEEDBACK_SLOT, {"section": SECTION, "helpful": False})
    log.user("what is the treatment?", "ask_treatment").answer()
    [feedback] = tally(log.rows).feedback
    assert feedback.comment == "no it does not say if stress causes it"


def test_the_openings_the_figures_look_for_are_the_bots():
    from medinfo.store import KnowledgeStore

    store = KnowledgeStore.load()
    assert not_found(store).messages[-1]["text"].startswith(NOT_FOUND_OPENING)
    assert unavailable(store).messages[0]["text"].startswith(APOLOGY_OPENING)
    assert PLAIN_APOLOGY.startswith(APOLOGY_OPENING)


def test_rasa_writes_bot_text_as_the_figures_expect():
    from rasa.shared.core.events import BotUttered

    row = json.dumps(BotUttered(f"{NOT_FOUND_OPENING} “x”", {"buttons": []}).as_dict())
    urgent = json.dumps(BotUttered(URGENT).as_dict())
    rows = [Row("s", "user", 1.0, None, None, '{"text": "q?"}')]
    rows += [Row("s", "bot", 2.0, None, None, row), Row("s", "bot", 3.0, None, None, urgent)]
    f = tally(rows)
    assert (f.not_found, f.urgent, f.not_found_questions) == (1, 1, [Said("q?", 1.0)])


# Content gaps ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lemmatize():
    return lemmatizer()


def said(*texts):
    return [Said(t, 1000.0 + i) for i, t in enumerate(texts)]


def test_similar_questions_are_grouped_most_frequent_first(lemmatize):
    questions = said(
        "what are the symptoms of diabetes",
        "Symptoms of diabetes?",
        "diabetes symptoms",
        "what are the symptom of diabetis",  # a typo and a singular
        "hi, im 20 weeks pregnant, what are the symptoms of diabetes?",  # framing words
        "can I fly with a stitch",
        "can i fly with a stitch?",
        "who won the football",
    )
    gaps = group(questions, lemmatize, KnownWords(load_pipeline()))
    assert [(g.label, g.count) for g in gaps] == [
        ("what are the symptoms of diabetes", 5),
        ("can I fly with a stitch", 2),
        ("who won the football", 1),
    ]
    assert (gaps[0].first, gaps[0].last) == (1000.0, 1004.0)
    assert "diabetes symptoms" in gaps[0].wordings


def test_different_questions_stay_apart(lemmatize):
    gaps = group(
        said("symptoms of diabetes", "causes of diabetes", "symptoms of anaemia"), lemmatize
    )
    assert [g.count for g in gaps] == [1, 1, 1]


def test_a_known_word_is_never_taken_for_a_typo():
    counts = {"bleed": 5, "breed": 1, "diabetes": 4, "diabetis": 1}
    assert typo_map(counts, known={"bleed", "breed", "diabetes"}) == {"diabetis": "diabetes"}


def test_questions_of_stop_words_only_group_by_their_text(lemmatize):
    gaps = group(said("what?", "What?", "why"), lemmatize)
    assert [(g.label, g.count) for g in gaps] == [("what?", 2), ("why", 1)]


# Redaction and the page --------------------------------------------------------------------


def test_redaction_masks_digits_emails_and_phones():
    text = "I'm 16 weeks, mail ann.lee+bot@clinic.example or call +44 (0)20 7946 0958"
    assert redact(text) == "I'm ## weeks, mail [e-mail] or call [phone]"


def make_report(lemmatize):
    figures = tally(conversation_rows())
    return Report(figures, group(figures.not_found_questions, lemmatize), None, 1_700_200_000.0)


def test_the_page_is_self_contained_and_names_no_sender(lemmatize):
    page = html_page(make_report(lemmatize), lambda t: t, False)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "<script" not in page and "src=" not in page and "href=" not in page
    assert "<svg" in page and "<table>" in page  # a chart, and its figures as a table
    assert "alice" not in page and "bob" not in page
    assert "symptoms of diabetes" in page and "I wanted to know about bed rest" in page
    assert "Thank you ..." not in page  # the bot's words are not shown; the answers are counted


def test_redacted_page_and_summary(lemmatize):
    report = make_report(lemmatize)
    page = html_page(report, redact, True)
    assert "20 weeks" not in page and "## weeks" in page
    text = summary_text(report, redact)
    assert "Conversations: 3" in text and "## weeks" in text and "alice" not in text


def test_since():
    assert parse_since("7d", 1_000_000.0) == 1_000_000.0 - 7 * 86400
    assert parse_since("12h", 100_000.0) == 100_000.0 - 12 * 3600
    assert parse_since("", 5.0) is None
    with pytest.raises(argparse.ArgumentTypeError):
        parse_since("last week", 5.0)


# What a yes or no answers ------------------------------------------------------------------


def events(*items):
    return [dict(i) for i in items]


USER = {"event": "user", "text": "..."}


def test_a_yes_after_an_answer_is_feedback_on_that_section():
    log = events(USER, {"event": "action", "name": "action_answer_question"},
                 {"event": "slot", "name": SECTION_SLOT, "value": SECTION}, USER)  # fmt: skip
    assert pending(log) == ("feedback", SECTION)


def test_a_yes_after_the_erasure_question_confirms_it():
    log = events(USER, {"event": "action", "name": CONFIRM_FORGET_ACTION}, USER)
    assert pending(log) == ("forget", None)


def test_a_yes_to_nothing_asked_answers_nothing():
    answered_earlier = events(USER, {"event": "slot", "name": SECTION_SLOT, "value": SECTION})
    assert pending(answered_earlier + events(USER, {"event": "action", "name": "x"}, USER)) is None
    restored = events(USER, {"event": "session_started"},
                      {"event": "slot", "name": SECTION_SLOT, "value": SECTION}, USER)  # fmt: skip
    assert pending(restored) is None
    assert pending([]) is None


# SMS and retention -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "buttons, expected",
    [
        (FEEDBACK_BUTTONS, f"{FEEDBACK_QUESTION}\nReply 1 for Yes, 2 for No."),
        (FORGET_BUTTONS, f"{FEEDBACK_QUESTION}\nReply 1 for Yes, delete it, 2 for No, keep it."),
        ([{"title": "Causes", "payload": "/ask_causes"}], FEEDBACK_QUESTION),  # topics: text only
    ],
)
def test_sms_renders_a_yes_no_question_as_digits(buttons, expected):
    sent = []
    output = TwilioOutput("AC0", "token", "+15005550006")

    async def capture(recipient, text, **kwargs):
        sent.append(text)

    output.send_text_message = capture
    asyncio.run(output.send_text_with_buttons("+44", FEEDBACK_QUESTION, buttons))
    assert sent == [expected]


def test_retention_runs_at_once_and_then_at_each_interval():
    calls = []
    done = threading.Event()

    def task():
        calls.append(1)
        if len(calls) == 3:
            done.set()
        if len(calls) == 2:
            raise RuntimeError("a failing run is retried at the next interval")

    daily = Daily(task, 0.05, "test-retention")
    try:
        assert done.wait(5)
    finally:
        daily.stop()
    assert daily.thread.daemon


def test_known_words_are_the_lemmatizers():
    known = KnownWords(load_pipeline())
    assert all(word in known for word in ("bleed", "breed", "cramps", "symptom"))
    assert "diabetis" not in known and "symtom" not in known


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "endpoints.production.yml"])
def test_both_profiles_name_the_managed_store(endpoints):
    """Rasa falls back to an in-memory store, with a mere warning, when the class named in
    endpoints does not import: this would lose conversations, erasure and retention."""
    import yaml
    from rasa.shared.utils.common import class_from_module_path

    from conftest import PROJECT
    from operations.tracker_store import ManagedSQLTrackerStore

    config = yaml.safe_load((PROJECT / endpoints).read_text())
    assert class_from_module_path(config["tracker_store"]["type"]) is ManagedSQLTrackerStore


def test_the_operator_endpoint_refuses_without_a_token_or_admin_jwt():
    from types import SimpleNamespace

    import jwt

    from operations.http import authorised

    def request(header="", token=None):
        return SimpleNamespace(
            headers={"Authorization": header} if header else {},
            args={"token": token} if token else {},
        )

    none = {}
    both = {"RASA_API_TOKEN": "t0ken", "RASA_JWT_SECRET": "s3cret"}
    admin = jwt.encode({"user": {"role": "admin"}}, "s3cret")
    assert not authorised(request("Bearer t0ken"), none)  # nothing set: nothing allowed
    assert not authorised(request("Bearer "), {"RASA_API_TOKEN": ""})
    assert authorised(request("Bearer t0ken"), both) and authorised(request(token="t0ken"), both)
    assert authorised(request(f"Bearer {admin}"), both)
    assert not authorised(
        request(f"Bearer {jwt.encode({'user': {'role': 'user'}}, 's3cret')}"), both
    )
    assert not authorised(
        request(f"Bearer {jwt.encode({'user': {'role': 'admin'}}, 'other')}"), both
    )
    assert not authorised(request("Bearer wrong"), both)


def test_commands_on_a_store_not_created_yet(tmp_path, monkeypatch, capsys):
    """A fresh clone before `make run`: an empty report, nothing to prune, no file made."""
    from operations.cli import main

    endpoints = tmp_path / "endpoints.yml"
    database = tmp_path / "var" / "conversations.db"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {database}\n")
    monkeypatch.setenv("ENDPOINTS", str(endpoints))
    assert main(["report", "--html", str(tmp_path / "report.html")]) == 0
    assert "Conversations: 0" in capsys.readouterr().out
    assert main(["prune"]) == 0 and main(["forget", "someone"]) == 0
    assert not database.exists()
