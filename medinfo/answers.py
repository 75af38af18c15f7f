"""Compose the bot's replies from the knowledge store.

Every medical sentence in a reply is an article passage, word for word, followed by a source
line. The bot's own words only frame them (labels, the Not Found reply, safety advice).
Replies are plain dicts of `text` and `buttons`, ready for any Rasa dispatcher.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

from spacy.lang.en.stop_words import STOP_WORDS

from medinfo.safety import REMINDER, URGENT, is_emergency
from medinfo.scope import off_topic, unknown_words
from medinfo.store import Condition, KnowledgeStore, Passage, normalise

# (topic, intent, button title, phrase for a lead line), in the order buttons are offered.
TOPICS: List[Tuple[str, str, str, str]] = [
    ("what_is", "ask_what_is", "What is it?", "what it is"),
    ("causes", "ask_causes", "Causes", "causes"),
    ("risk_factors", "ask_risk_factors", "Risk factors", "risk factors"),
    ("symptoms", "ask_symptoms", "Symptoms", "symptoms"),
    ("diagnosis", "ask_diagnosis", "Diagnosis", "diagnosis"),
    ("treatment", "ask_treatment", "Treatment", "treatment"),
    ("recurrence", "ask_recurrence", "Will it come back?", "whether it comes back"),
    ("timing", "ask_timing", "When does it happen?", "when it happens"),
]
INTENT_TOPIC = {intent: topic for topic, intent, _, _ in TOPICS}
TOPIC_PHRASE = {topic: phrase for topic, _, _, phrase in TOPICS}
FACT_TOPICS = {"recurrence", "timing"}  # topics answered from the article's facts
EMERGENCY_INTENT = "report_emergency"
MAX_TERM_PASSAGES = 3  # a word in at most this many passages names something specific
MAX_ECHO = 60  # characters of an unknown word or name the Not Found reply repeats


@dataclass
class Question:
    intent: str
    text: str
    words: List[Tuple[str, str]]  # (surface, lemma) of each word, lower case
    entities: List[str] = field(default_factory=list)  # condition names the NLU found
    remembered: Optional[str] = None  # the condition of earlier turns (slot)


@dataclass
class Reply:
    messages: List[dict]
    condition: Optional[str] = None  # what the conversation is about now, for the slot
    answered: bool = False
    not_found: bool = False  # the honest "Not Found" reply
    section: Optional[str] = None  # the article section answered, for feedback and the report


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


def render(passages: Sequence[Passage]) -> str:
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


def topic_passages(condition: Condition, topic: str) -> List[Passage]:
    if topic == "what_is":
        facts = [p for f in condition.data["facts"].values() for p in f]
        overview = [p for p in condition.section("overview") if p not in facts]
        return condition.data["definition"] + overview
    if topic in FACT_TOPICS:
        return condition.fact(topic)
    return condition.section(topic)


def asked_fact(store: KnowledgeStore, condition: Condition, lemmas: set) -> Optional[str]:
    """The most specific named fact the question asks for ("stitches removed" > "stitches").
    The facts that are topics of their own (recurrence, timing) are left to the intent: in
    "im 16 weeks, what are the symptoms?" or "more second trimester losses, more likely to
    repeat?" the weeks are the asker's story, not what is asked."""
    matches = [
        (len(groups), -order, name)  # most groups first, then the order of article_rules.yml
        for order, (name, groups) in enumerate(store.fact_questions.items())
        if name not in FACT_TOPICS
        and condition.fact(name)
        and all(lemmas.intersection(g) for g in groups)
    ]
    return max(matches)[2] if matches else None


def unanswered_aspect(
    store: KnowledgeStore, passages: Sequence[Passage], lemmas: set, topic: str
) -> Optional[str]:
    """A word of the question naming something the chosen passages do not speak of: "hurt"
    in "does it hurt when they take the stitch out", where the stitch passages never mention
    pain. The article does not answer such a question, whichever topic it is filed under.
    A timing question about a named term ("at how many weeks is the stitch put in") asks
    the weeks of the term, not of the condition."""
    said = set().union(*(p["lemmas"] for p in passages))
    groups = list(store.aspects.values())
    if topic == "timing":  # each word alone: "2nd trimester" in a passage is not its weeks
        groups += [[w] for g in store.fact_questions.get("timing", []) for w in g]
    for group in groups:
        asked = lemmas.intersection(group)
        if asked and not said.intersection(group):
            return sorted(asked)[0]
    return None


def narrow_to_terms(
    condition: Condition, passages: List[Passage], lemmas: set, ignore: FrozenSet[str]
) -> List[Passage]:
    """Keep the passages naming a specific article term the question uses, if any do.
    `ignore` holds the words that name the condition or the topic ("treatment", "symptom")."""
    counts: Dict[str, int] = {}
    for p in condition.passages:
        for lemma in p["lemmas"]:
            counts[lemma] = counts.get(lemma, 0) + 1
    terms = {
        w
        for w in lemmas - ignore
        if len(w) > 3 and w not in STOP_WORDS and 0 < counts.get(w, 0) <= MAX_TERM_PASSAGES
    }
    narrowed = [p for p in passages if terms.intersection(p["lemmas"])]
    return narrowed or passages


def named_condition(store: KnowledgeStore, question: Question) -> Optional[Condition]:
    """The known condition the question itself names (as an entity or in its words)."""
    return store.first_known(question.entities) or store.mentioned_in(question.text)


def resolve_condition(store: KnowledgeStore, question: Question):
    """(condition, unknown name): the known condition asked about, or the unknown one named."""
    known = named_condition(store, question)
    if known:
        return known, None
    for entity in question.entities:
        # A name made only of article words ("Ehlers-Danlos") is a term of the article.
        words = set(entity.lower().replace("-", " ").split())
        if not words <= store.vocabulary:
            return None, entity
    remembered = store.find(question.remembered)
    if remembered:
        return remembered, None
    if question.remembered:
        return None, question.remembered
    return (store.conditions[0], None) if len(store.conditions) == 1 else (None, None)


def answer(
    store: KnowledgeStore, question: Question, common: FrozenSet[str], remind: bool
) -> Reply:
    """The reply to a knowledge question or an emergency description."""
    urgent = is_emergency(question.text, question.intent)
    messages = [{"text": URGENT}] if urgent else []
    condition, unknown = resolve_condition(store, question)
    if condition is None and unknown is None:  # several articles, none named
        return Reply(messages + which_condition(store).messages)
    if unknown is not None:
        reply = not_found(store, unknown)
        return Reply(messages + reply.messages, condition=unknown, not_found=True)

    lemmas = {store.question_synonyms.get(lemma, lemma) for _, lemma in question.words}
    lemmas |= {store.question_synonyms.get(s, s) for s, _ in question.words}
    if not urgent:
        foreign = unknown_words(question.words, store.vocabulary, common)
        if foreign:  # most questions have none: no condition lookups for them
            # A story's rare word may be a detail, but another condition's name never is:
            # the question may be about it ("does a weak cervix mean i will get preeclampsia").
            other = {
                w for e in question.entities if not store.find(e) for w in normalise(e).split()
            }
            story = bool(named_condition(store, question)) and not other & set(foreign)
            if off_topic(question.words, foreign, story):
                reply = not_found(store, " ".join(foreign))
                return Reply(reply.messages, condition=condition.name, not_found=True)

    if question.intent == EMERGENCY_INTENT:
        topic = "symptoms"  # the article's warning signs follow the urgent advice
    elif question.intent in INTENT_TOPIC:
        topic = INTENT_TOPIC[question.intent]
    else:  # called for an intent that asks no question of the article
        return Reply(messages + not_found(store).messages, condition=condition.name, not_found=True)
    fact = asked_fact(store, condition, lemmas)
    specific = bool(fact)  # the question names a term of the article
    if fact and not urgent:
        passages, label = condition.fact(fact), fact.replace("_", " ")
    else:
        pool = condition.passages if topic == "what_is" else topic_passages(condition, topic)
        ignore = store.question_words | {w for n in condition.names for w in n.split()}
        passages = narrow_to_terms(condition, pool, lemmas, ignore)
        specific = passages != pool
        if not specific and topic == "what_is":
            passages = topic_passages(condition, topic)
        label = TOPIC_PHRASE[topic]
    # Only a question about one named thing ("the stitch", "progesterone") is checked: "why
    # would my cervix open with no pain" asks for causes, not about pain.
    aspect = unanswered_aspect(store, passages, lemmas, topic) if specific and not urgent else None
    if aspect:
        return Reply(not_found(store, aspect).messages, condition=condition.name, not_found=True)
    if not passages:
        return Reply(
            messages + not_found(store, f"{TOPIC_PHRASE[topic]} of {condition.name}").messages,
            condition=condition.name,
            not_found=True,
        )

    lead = f"{condition.data['title']}: {label}. From the article:"
    footer = source_line(condition) + (f"\n{REMINDER}" if remind else "")
    messages += [
        {"text": f"{lead}\n{render(passages)}"},
        {"text": footer, "buttons": topic_buttons(condition, skip=topic)},
    ]
    return Reply(
        messages, condition=condition.name, answered=True, section=f"{condition.name}: {label}"
    )
