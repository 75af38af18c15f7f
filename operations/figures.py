"""The report's figures from the rows of Rasa's `events` table, in one pass.

Pure: a row is a plain tuple, read by store.py. Only the rows that need it are decoded from
JSON (slots, and the user messages whose text the report shows): on 100,000 turns decoding
every row would take most of the report's time. Bot messages are recognised by their text,
found in the row's JSON as written by Rasa (json.dumps, ASCII escapes).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, List, NamedTuple, Optional

from medinfo.safety import URGENT
from operations.dialogue import FEEDBACK_SLOT, SECTION_SLOT

# The openings of the bot's own replies (medinfo/answers.py, serving/action_fallback.py);
# tests/test_report.py checks they still open those replies.
NOT_FOUND_OPENING = "Not Found:"
APOLOGY_OPENING = "Sorry, I cannot look up the article right now."
COMMENT_MIN_WORDS = 4  # a "no" typed with this many words says why, too


def _json_text(text: str) -> str:
    return json.dumps(text)[1:-1]


NOT_FOUND_MARK = f'"text": "{_json_text(NOT_FOUND_OPENING)}'
APOLOGY_MARK = f'"text": "{_json_text(APOLOGY_OPENING)}'
URGENT_MARK = f'"text": "{_json_text(URGENT)}"'


class Row(NamedTuple):
    """One row of the events table (columns as Rasa's SQLTrackerStore writes them)."""

    sender: str
    type: str
    timestamp: float
    intent: Optional[str]
    action: Optional[str]
    data: Optional[str]  # the event as JSON


class Said(NamedTuple):
    text: str
    timestamp: float


@dataclass
class Feedback:
    section: str
    helpful: bool
    timestamp: float
    comment: Optional[str] = None


@dataclass
class Figures:
    first: Optional[float] = None  # timestamps of the first and last event counted
    last: Optional[float] = None
    conversations: int = 0
    turns: int = 0  # messages people sent
    answers: Counter = field(default_factory=Counter)  # answered section -> count
    not_found: int = 0
    urgent: int = 0
    apologies: int = 0
    not_found_questions: List[Said] = field(default_factory=list)
    feedback: List[Feedback] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(self.answers.values())

    @property
    def not_found_rate(self) -> float:
        """Of the questions (answered or Not Found)."""
        asked = self.answered + self.not_found
        return self.not_found / asked if asked else 0.0


def _text(row: Row) -> str:
    return (json.loads(row.data or "{}").get("text") or "").strip()


def typed(text: str) -> bool:
    """Words a person typed, not a button's payload ("/ask_causes{...}")."""
    return bool(text) and not text.startswith("/")


def tally(rows: Iterable[Row]) -> Figures:
    """Rows ordered by sender, then by id (the order Rasa wrote them)."""
    figures = Figures()
    sender = None
    user: Optional[Row] = None  # the latest message of this sender
    not_found = False  # the reply to `user` was Not Found
    in_conversation = False
    restoring = False  # after a session start, Rasa sets the carried-over slots again
    awaiting_comment: Optional[Feedback] = None

    def close_turn() -> None:
        if user is not None and not_found:
            text = _text(user)
            if typed(text):
                figures.not_found_questions.append(Said(text, user.timestamp))

    for row in rows:
        if row.sender != sender:
            close_turn()
            sender, user, not_found, in_conversation, restoring, awaiting_comment = (
                row.sender, None, False, False, False, None,
            )  # fmt: skip
        if figures.first is None or row.timestamp < figures.first:
            figures.first = row.timestamp
        if figures.last is None or row.timestamp > figures.last:
            figures.last = row.timestamp
        if row.type == "session_started":
            figures.conversations += 1
            in_conversation = restoring = True
        elif row.type == "user":
            close_turn()
            restoring = False
            user, not_found = row, False
            figures.turns += 1
            if not in_conversation:  # the period starts in the middle of a conversation
                figures.conversations += 1
                in_conversation = True
            if awaiting_comment is not None:
                text = _text(row)
                if typed(text):
                    awaiting_comment.comment = text
                awaiting_comment = None
        elif row.type == "bot" and row.data:
            if NOT_FOUND_MARK in row.data and not not_found:
                not_found = True
                figures.not_found += 1
            if URGENT_MARK in row.data:
                figures.urgent += 1
            if APOLOGY_MARK in row.data:
                figures.apologies += 1
        elif row.type == "slot" and row.data and not restoring:
            event = json.loads(row.data)
            value = event.get("value")
            if event.get("name") == SECTION_SLOT and value:
                figures.answers[value] += 1
            elif event.get("name") == FEEDBACK_SLOT and isinstance(value, dict):
                feedback = Feedback(value.get("section") or "?", bool(value.get("helpful")),
                                    row.timestamp)  # fmt: skip
                figures.feedback.append(feedback)
                if not feedback.helpful:
                    said = _text(user) if user is not None else ""
                    if typed(said) and len(said.split()) >= COMMENT_MIN_WORDS:
                        feedback.comment = said
                    else:
                        awaiting_comment = feedback
    close_turn()
    return figures


@dataclass
class SectionFeedback:
    section: str
    helpful: int = 0
    not_helpful: int = 0
    comments: List[Said] = field(default_factory=list)


def feedback_by_section(feedback: Iterable[Feedback]) -> List[SectionFeedback]:
    """Per answered section, most rated first; comments newest first."""
    sections: dict = {}
    for item in feedback:
        entry = sections.setdefault(item.section, SectionFeedback(item.section))
        if item.helpful:
            entry.helpful += 1
        else:
            entry.not_helpful += 1
        if item.comment:
            entry.comments.append(Said(item.comment, item.timestamp))
    for entry in sections.values():
        entry.comments.sort(key=lambda c: -c.timestamp)
    return sorted(sections.values(), key=lambda s: (-(s.helpful + s.not_helpful), s.section))
