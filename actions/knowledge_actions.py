"""The actions that answer from the knowledge file.

The knowledge file (the action server's only input) and the spaCy pipeline are loaded once,
when the action server imports this module; a missing or invalid knowledge file stops the
server from starting. Both actions hand the message to `medinfo.answers.answer`, where
`medinfo.understanding` decides what it is about and whether the article answers it.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.operations_actions import ask_feedback
from medinfo.answers import Question, Reply, answer, help_reply
from medinfo.language import load_pipeline, words
from medinfo.schema import KnowledgeError
from medinfo.store import KnowledgeStore, knowledge_path

logger = logging.getLogger(__name__)

try:
    STORE = KnowledgeStore.load(knowledge_path())
except KnowledgeError as error:
    # Exit with the file and the problem named rather than serve answers from nothing.
    raise SystemExit(f"The action server cannot start: {error}") from None
NLP = load_pipeline()


def question_from(tracker: Tracker) -> Question:
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    # A quick-reply payload ("/ask_causes{...}") carries its intent and entity, no words.
    said = [] if text.startswith("/") else words(NLP, text)
    return Question(
        intent=(message.get("intent") or {}).get("name") or "",
        text="" if text.startswith("/") else text,
        words=said,
        entities=[
            e["value"] for e in message.get("entities", []) if e.get("entity") == "condition"
        ],
        remembered=tracker.get_slot("condition"),
        topic_before=tracker.get_slot("topic"),
        # "condition: label" of the last answer (operations/dialogue.py SECTION_SLOT).
        fact_before=str(tracker.get_slot("answered_section") or "").partition(": ")[2] or None,
        urgent_before=bool(tracker.get_slot("urgent_before")),
        ranking=[
            (str(r.get("name")), float(r.get("confidence") or 0.0))
            for r in message.get("intent_ranking") or []
        ],
        topic_hint=next(
            (
                r["name"]
                for r in message.get("intent_ranking") or []
                if str(r.get("name", "")).startswith("ask_")
            ),
            None,
        ),
    )


def send(dispatcher: CollectingDispatcher, reply: Reply, tracker: Tracker) -> List[EventType]:
    for message in reply.messages:
        dispatcher.utter_message(text=message["text"], buttons=message.get("buttons", []))
    # Set a slot only when it changes: each event costs Rasa a schema check and a row.
    events = [
        SlotSet(slot, value)
        for slot, value in (("condition", reply.condition), ("topic", reply.topic))
        if value and value != tracker.get_slot(slot)
    ]
    if reply.danger_described != bool(tracker.get_slot("urgent_before")):
        events.append(SlotSet("urgent_before", reply.danger_described))
    return events


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        question = question_from(tracker)
        remind = not tracker.get_slot("reminder_given")
        reply = answer(STORE, question, remind=remind)
        # A condition the article does not cover is the person's words: not logged.
        known = reply.condition if STORE.find(reply.condition) else "other"
        logger.info("intent=%s condition=%s answered=%s", question.intent, known, reply.answered)
        events = send(dispatcher, reply, tracker)
        events += ask_feedback(dispatcher, reply.section) if reply.answered else []
        return events + ([SlotSet("reminder_given", True)] if reply.answered and remind else [])


class ActionNotFound(ActionAnswerQuestion):
    """Out of scope, low NLU confidence, or no rule applies: Not Found, unless the message is
    a follow-up the article answers ("what about a weak cervix?" after another condition).
    An emergency description the classifier missed still gets the urgent advice first."""

    def name(self) -> Text:
        return "action_not_found"


class ActionHelp(Action):
    def name(self) -> Text:
        return "action_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return send(dispatcher, help_reply(STORE), tracker)
