"""The bot's side of feedback and erasure: its words, and which question a yes or no answers.

Pure: works on Rasa events as dicts (a Rasa SDK tracker's `events`), so it is tested without
Rasa. The actions in actions/operations_actions.py and the tracker store use it.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

AFFIRM, DENY = "/affirm", "/deny"
FEEDBACK_QUESTION = "Did this answer help?"
FEEDBACK_BUTTONS = [{"title": "Yes", "payload": AFFIRM}, {"title": "No", "payload": DENY}]
THANKS_HELPED = "Thank you for telling us."
ASK_WHY = (
    "Thank you for telling us. What were you looking for? If you like, say it in a few words: "
    "it is passed on to the people who run this service, without your name. Or ask another "
    "question."
)
CONFIRM_FORGET = (
    "Do you want me to delete this conversation? Everything you said here will be removed "
    "and cannot be recovered."
)
FORGET_BUTTONS = [
    {"title": "Yes, delete it", "payload": AFFIRM},
    {"title": "No, keep it", "payload": DENY},
]
FORGOTTEN = (
    "Done: this conversation and everything you said in it are deleted. "
    "Your next message starts a new conversation."
)
KEPT = "Nothing was deleted. Ask me anything else about what the article covers."

# Slots (domain.yml): the section the last answer came from, and a person's verdict on it.
SECTION_SLOT = "answered_section"
FEEDBACK_SLOT = "feedback"
# Actions (domain.yml): asking to confirm the erasure, and the erasure itself, which the
# Rasa server's tracker store carries out when it saves the turn (tracker_store.py).
CONFIRM_FORGET_ACTION = "action_confirm_forget"
FORGET_ACTION = "action_forget"


def pending(events: List[Dict]) -> Optional[Tuple[str, Optional[str]]]:
    """What the bot asked just before the latest user message, if it was a yes/no question:
    ("forget", None) or ("feedback", section); None when the person's yes or no answers
    nothing the bot asked (then it is treated as any other message)."""
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if not users:
        return None
    start = users[-2] + 1 if len(users) > 1 else 0
    asked = None
    for event in events[start : users[-1]]:
        if event.get("event") == "session_started":  # carried-over slots follow: not asked
            return None
        if event.get("event") == "action" and event.get("name") == CONFIRM_FORGET_ACTION:
            asked = ("forget", None)
        elif event.get("event") == "slot" and event.get("name") == SECTION_SLOT:
            asked = ("feedback", event.get("value")) if event.get("value") else None
    return asked
