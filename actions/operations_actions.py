"""Feedback on answers and erasure on request (operations/dialogue.py has the words and the
logic; operations/tracker_store.py does the erasure when Rasa saves the turn)."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from operations.dialogue import (
    ASK_WHY,
    CONFIRM_FORGET,
    CONFIRM_FORGET_ACTION,
    FEEDBACK_BUTTONS,
    FEEDBACK_QUESTION,
    FEEDBACK_SLOT,
    FORGET_ACTION,
    FORGET_BUTTONS,
    FORGOTTEN,
    KEPT,
    SECTION_SLOT,
    THANKS_HELPED,
    pending,
)


def ask_feedback(dispatcher: CollectingDispatcher, section: str) -> List[EventType]:
    """After an article answer: its own short message, so the topic buttons stay apart."""
    dispatcher.utter_message(text=FEEDBACK_QUESTION, buttons=FEEDBACK_BUTTONS)
    return [SlotSet(SECTION_SLOT, section)]


class ActionConfirmForget(Action):
    def name(self) -> Text:
        return CONFIRM_FORGET_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(text=CONFIRM_FORGET, buttons=FORGET_BUTTONS)
        return []


class ActionForget(Action):
    """Says so; the Rasa server's tracker store deletes the conversation as it saves."""

    def name(self) -> Text:
        return FORGET_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(text=FORGOTTEN)
        return []


class ActionReplyYesNo(Action):
    """A yes or no answers the bot's last question: erase, or feedback on the last answer.
    If the bot asked nothing, the message is treated as any unrecognised one (Not Found)."""

    def name(self) -> Text:
        return "action_reply_yes_no"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        yes = (tracker.latest_message.get("intent") or {}).get("name") == "affirm"
        asked = pending(tracker.events)
        if asked is None:  # perhaps a question taken for a yes or no: answered as one
            from actions.knowledge_actions import ActionNotFound  # it imports this module

            return await ActionNotFound().run(dispatcher, tracker, domain)
        kind, section = asked
        if kind == "forget":
            if yes:
                return [FollowupAction(FORGET_ACTION)]
            dispatcher.utter_message(text=KEPT)
            return []
        dispatcher.utter_message(text=THANKS_HELPED if yes else ASK_WHY)
        return [SlotSet(FEEDBACK_SLOT, {"section": section, "helpful": yes})]
