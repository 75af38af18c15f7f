"""The actions that answer from the knowledge file.

The knowledge file, the spaCy pipeline and the word list are loaded once, when the action
server imports this module; a missing or invalid knowledge file stops the server from starting.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.operations_actions import ask_feedback
from medinfo.answers import Question, Reply, answer, help_reply, not_found
from medinfo.language import load_pipeline, words
from medinfo.schema import KnowledgeError
from medinfo.scope import known_words
from medinfo.store import KnowledgeStore, knowledge_path

logger = logging.getLogger(__name__)

try:
    STORE = KnowledgeStore.load(knowledge_path())
except KnowledgeError as error:
    # Exit with the file and the problem named rather than serve answers from nothing.
    raise SystemExit(f"The action server cannot start: {error}") from None
NLP = load_pipeline()
# Words a question may use without leaving the article's scope (medinfo/scope.py).
COMMON = known_words(NLP)


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
    )


def send(dispatcher: CollectingDispatcher, reply: Reply, tracker: Tracker) -> List[EventType]:
    for message in reply.messages:
        dispatcher.utter_message(text=message["text"], buttons=message.get("buttons", []))
    # Set the slot only when it changes: each event costs Rasa a schema check and a row.
    changed = reply.condition and reply.condition != tracker.get_slot("condition")
    return [SlotSet("condition", reply.condition)] if changed else []


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        question = question_from(tracker)
        remind = not tracker.get_slot("reminder_given")
        reply = answer(STORE, question, COMMON, remind=remind)
        # A condition the article does not cover is the person's words: not logged.
        known = reply.condition if STORE.find(reply.condition) else "other"
        logger.info("intent=%s condition=%s answered=%s", question.intent, known, reply.answered)
        events = send(dispatcher, reply, tracker)
        events += ask_feedback(dispatcher, reply.section) if reply.answered else []
        return events + ([SlotSet("reminder_given", True)] if reply.answered and remind else [])


class ActionNotFound(Action):
    """Out of scope, low NLU confidence, or no rule applies: say so, and what we can answer.

    An emergency description the classifier missed still gets the urgent advice first."""

    def name(self) -> Text:
        return "action_not_found"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        question = question_from(tracker)
        reply = not_found(STORE, said=question.text)
        return send(dispatcher, reply, tracker)


class ActionHelp(Action):
    def name(self) -> Text:
        return "action_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return send(dispatcher, help_reply(STORE), tracker)
