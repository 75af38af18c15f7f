"""The Rasa adapters, run with a real rasa_sdk Tracker and CollectingDispatcher."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge_actions import ActionAnswerQuestion, ActionHelp, ActionNotFound
from medinfo.safety import REMINDER, URGENT
from operations.dialogue import FEEDBACK_BUTTONS, FEEDBACK_QUESTION, SECTION_SLOT


def tracker(text, intent, entities=(), slots=None):
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [{"entity": "condition", "value": v} for v in entities],
    }
    return Tracker("user-1", slots or {}, message, [], False, None, {}, "action_listen")


def run(action, tracker_):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, {}))
    return dispatcher.messages, events


def test_answers_a_question_and_remembers_the_condition():
    messages, events = run(
        ActionAnswerQuestion(),
        tracker("what causes a weak cervix", "ask_causes", ["cervical insufficiency"]),
    )
    assert "not well understood" in messages[0]["text"]
    assert messages[1]["text"].startswith("Source: ")
    assert REMINDER in messages[1]["text"]
    assert messages[1]["buttons"][0]["payload"].startswith("/ask_what_is")
    # Feedback is asked in a message of its own, after the topic buttons.
    assert messages[-1]["text"] == FEEDBACK_QUESTION and messages[-1]["buttons"] == FEEDBACK_BUTTONS
    assert SlotSet(SECTION_SLOT, "cervical insufficiency: causes") in events
    assert SlotSet("condition", "cervical insufficiency") in events
    assert SlotSet("reminder_given", True) in events


def test_reminder_is_given_once():
    slots = {"condition": "cervical insufficiency", "reminder_given": True}
    messages, events = run(
        ActionAnswerQuestion(), tracker("and the symptoms?", "ask_symptoms", slots=slots)
    )
    assert "vaginal bleeding" in messages[0]["text"]
    assert REMINDER not in messages[-1]["text"]
    assert SlotSet("reminder_given", True) not in events
    assert not [e for e in events if e["name"] == "condition"]  # the condition did not change
    assert SlotSet("topic", "symptoms") in events  # for a following "what about X?"


def test_a_quick_reply_payload_is_answered_from_its_intent_and_entity():
    text = '/ask_treatment{"condition": "cervical insufficiency"}'
    messages, _ = run(
        ActionAnswerQuestion(), tracker(text, "ask_treatment", ["cervical insufficiency"])
    )
    assert "cerclage" in messages[0]["text"]


def test_another_condition_is_not_found():
    messages, events = run(
        ActionAnswerQuestion(), tracker("symptoms of diabetes", "ask_symptoms", ["diabetes"])
    )
    assert messages[0]["text"].startswith("Not Found")
    assert SlotSet("condition", "diabetes") in events
    assert FEEDBACK_QUESTION not in [m["text"] for m in messages]  # only after an answer
    assert not [e for e in events if e["name"] == SECTION_SLOT]


@pytest.mark.parametrize("text", ["what's the weather", "", "🙂🙂"])
def test_not_found_action(text):
    messages, _ = run(ActionNotFound(), tracker(text, "out_of_scope"))
    assert messages[0]["text"].startswith("Not Found") and messages[0]["buttons"]


def test_not_found_action_still_gives_urgent_advice():
    messages, _ = run(
        ActionNotFound(), tracker("my waters are leaking im 20 weeks", "nlu_fallback")
    )
    assert messages[0]["text"] == URGENT


def test_help_action():
    messages, _ = run(ActionHelp(), tracker("hi", "greet"))
    assert "cervical insufficiency" in messages[0]["text"] and len(messages[0]["buttons"]) == 8


def test_what_about_the_condition_after_another_is_answered_on_the_not_found_route():
    # The classifier may call "what about X?" out_of_scope: the same decision still applies.
    slots = {"condition": "preeclampsia", "topic": "symptoms"}
    text = "what about cervical insufficiency?"
    messages, events = run(ActionNotFound(), tracker(text, "out_of_scope", slots=slots))
    assert "vaginal bleeding" in messages[0]["text"]
    assert SlotSet("condition", "cervical insufficiency") in events


def test_right_after_a_danger_sign_the_next_reply_gives_the_urgent_advice_again():
    messages, events = run(
        ActionAnswerQuestion(),
        tracker("I'm 22 weeks and there's blood in my underwear", "report_emergency"),
    )
    assert messages[0]["text"] == URGENT and SlotSet("urgent_before", True) in events
    slots = {"urgent_before": True}
    messages, events = run(
        ActionNotFound(), tracker("the car is at work, should I get a taxi?", "out_of_scope",
                                  slots=slots)
    )  # fmt: skip
    assert messages[0]["text"] == URGENT and messages[1]["text"].startswith("Not Found")
    assert SlotSet("urgent_before", False) in events  # once, not for the rest of the chat
    messages, _ = run(
        ActionAnswerQuestion(),
        tracker("ok, and can a stitch still be put in?", "ask_treatment", slots=slots),
    )
    assert messages[0]["text"] == URGENT and "stitch" in messages[1]["text"]
