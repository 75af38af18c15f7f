"""Compose the bot's replies from the knowledge store.

Every medical sentence in a reply is an article passage, word for word, followed by a source
line. The bot's own words only frame them (labels, the Not Found reply, safety advice).
Replies are plain dicts of `text` and `buttons`, ready for any Rasa dispatcher.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import List, Optional, Sequence

from medinfo.safety import REMINDER, URGENT, is_emergency
from medinfo.store import Condition, KnowledgeStore, Passage
from medinfo.understanding import (  # noqa: F401  (re-exported: the actions and tests use them)
    INTENT_TOPIC,
    TOPIC_PHRASE,
    TOPICS,
    Question,
    Understanding,
    understand,
)

MAX_ECHO = 60  # characters of an unknown word or name the Not Found reply repeats


@dataclass
class Reply:
    messages: List[dict]
    condition: Optional[str] = None  # what the conversation is about now, for the slot
    answered: bool = False
    not_found: bool = False  # the honest "Not Found" reply
    section: Optional[str] = None  # the article section answered, for feedback and the report
    topic: Optional[str] = None  # the topic asked, for "what about X?" (slot `topic`)
    danger_described: bool = False  # for the next turn (slot `urgent_before`)


def topic_buttons(condition: Condition, skip: Optional[str] = None) -> List[dict]:
    entity = json.dumps({"condition": condition.name})
    return [
        {"title": title, "payload": f"/{intent}{entity}"}
        for topic, intent, title, _ in TOPICS
        if topic != skip
    ]


def capabilities(store: KnowledgeStore) -> str:
    names = " and ".join(c.name for c in store.conditions)
    topics = ", ".join(TOPIC_PHRASE[t] for t, *_ in TOPICS)
    return f"I can answer questions about {names} from a trusted medical article: {topics}."


def help_reply(store: KnowledgeStore) -> Reply:
    return Reply(
        [
            {
                "text": capabilities(store) + " What would you like to know?",
                "buttons": topic_buttons(store.conditions[0]),
            }
        ]
    )


def which_condition(store: KnowledgeStore) -> Reply:
    """With several articles and none named, ask which condition is meant."""
    buttons = [
        {
            "title": c.name.capitalize(),
            "payload": f"/ask_what_is{json.dumps({'condition': c.name})}",
        }
        for c in store.conditions
    ]
    return Reply(
        [{"text": "Which condition do you mean? " + capabilities(store), "buttons": buttons}]
    )


def not_found(store: KnowledgeStore, about: Optional[str] = None, said: str = "") -> Reply:
    """The honest reply to what the article does not cover; urgent advice first if `said`
    describes an emergency the classifier did not recognise."""
    if about and len(about) > MAX_ECHO:  # a pasted essay is not repeated back whole
        about = about[: MAX_ECHO - 1].rstrip() + "…"
    what = f"about “{about}”" if about else "about that"
    text = f"Not Found: the article I answer from says nothing {what}. {capabilities(store)}"
    urgent = [{"text": URGENT}] if is_emergency(said, "") else []
    return Reply(
        urgent + [{"text": text, "buttons": topic_buttons(store.conditions[0])}], not_found=True
    )


def unavailable(store: KnowledgeStore) -> Reply:
    """The reply when the answers cannot be looked up (the action server is down or slow)."""
    text = (
        "Sorry, I cannot look up the article right now. Please ask again in a minute. "
        + capabilities(store)
    )
    return Reply([{"text": text, "buttons": topic_buttons(store.conditions[0])}])


def source_line(condition: Condition) -> str:
    s = condition.source
    return f"Source: “{s['title']}”, {s['publisher']}, by {s['author']}."


def as_paragraphs(passages: Sequence[Passage]) -> str:
    """Sentences as a paragraph, bullet items on lines of their own."""
    lines: List[str] = []
    for p in passages:
        if p.get("bullet"):
            lines.append(f"• {p['text']}")
        elif lines and not lines[-1].startswith("•"):
            lines[-1] += " " + p["text"]
        else:
            lines.append(p["text"])
    return "\n".join(lines)


def answer(store: KnowledgeStore, question: Question, remind: bool = False) -> Reply:
    """The reply to any message the actions handle: what `understand` decided, as messages."""
    found = understand(store, question)
    reply = compose(store, found, remind)
    reply.danger_described = found.danger_described
    return reply


def compose(store: KnowledgeStore, found: Understanding, remind: bool) -> Reply:
    urgent = [{"text": URGENT}] if found.urgent else []
    if found.reason == "which_condition":
        return Reply(urgent + which_condition(store).messages, topic=found.topic)
    if found.reason in ("urgent_only", "courtesy"):  # no article text, no "Not Found"
        offer = {"text": capabilities(store), "buttons": topic_buttons(store.conditions[0])}
        return Reply(urgent + [offer], topic=found.topic)
    if not found.answered:
        about = (
            found.about
            if found.reason in ("other_subject", "aspect", "no_passage", "term_topic")
            else None
        )
        reply = not_found(store, about)
        return Reply(
            urgent + reply.messages, condition=found.subject, not_found=True, topic=found.topic
        )
    condition = found.condition
    lead = f"{condition.data['title']}: {found.label}. From the article:"
    footer = source_line(condition) + (f"\n{REMINDER}" if remind else "")
    messages = urgent + [
        {"text": f"{lead}\n{as_paragraphs(found.passages)}"},
        {"text": footer, "buttons": topic_buttons(condition, skip=found.topic)},
    ]
    return Reply(
        messages,
        condition=condition.name,
        answered=True,
        section=f"{condition.name}: {found.label}",
        topic=found.topic,
    )
