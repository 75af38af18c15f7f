"""The one place that decides what a question is about and whether the article answers it.

`understand()` takes what the NLU made of a message (intent, condition names it found) and
what the conversation remembers (the condition and the topic of earlier turns) and returns an
`Understanding`: the subject, the topic, the article passages that answer it, or the reason
the article does not. The action, the bench and the tests all call it; `medinfo/answers.py`
only turns it into messages.

A question is answered only when its subject is the article's condition (named, a lay name,
a pronoun or an elided subject in a conversation about it, or no subject at the start of a
conversation) or a term the article discusses, and the article has a passage on that
subject for that question. Any other subject is Not Found, however familiar its words.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from spacy.lang.en.stop_words import STOP_WORDS

from medinfo.safety import is_emergency
from medinfo.scope import (
    MEDICAL_SHAPE,
    content_words,
    is_typo_of_known,
    off_topic,
    spelled_by_ear,
    unknown_words,
)
from medinfo.store import Condition, KnowledgeStore, Passage, normalise
from medinfo.story import SENTENCE, question_start

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
NEAR_TOPICS = {"causes": "risk_factors", "risk_factors": "causes"}  # "can EDS cause it?"
# Words that ask a fact's question without naming the condition ("again", "week", "out").
FACT_TOPIC_WORDS = {
    "recur", "recurrence", "again", "next", "subsequent", "future", "another", "week",
    "trimester", "month", "remove", "removal", "out", "take", "sleep", "asleep", "numb",
}  # fmt: skip
EMERGENCY_INTENT = "report_emergency"
UNSURE_FLOOR = 0.3  # below the fallback's 0.5, a follow-up's intent still worth taking
SURE_TOPIC = 0.9  # the NLU is sure the message asks this topic
STORY_LENGTH = 8  # content words: a message this long tells a story around its question
MAX_TERM_PASSAGES = 3  # a word in at most this many passages names something specific
# Aspects asked only of these topics: things people suspect of weakening the cervix that the
# article does not list ("with twins" in a question about the stitch is the asker's story),
# and tests it does not name.
SUSPECTS = {"smoking", "multiples", "ethnicity"}
ASKED_ONLY_OF = {
    **{name: {"causes", "risk_factors", "recurrence", "timing"} for name in SUSPECTS},
    "other_tests": {"diagnosis"},
}
# ...and not when the question names one of the passages' own terms: a choice between the
# article's test and another ("a scan or a swab or what") is answered.
ALTERNATIVE_ASPECTS = {"other_tests"}
# The aspects (knowledge/article_rules.yml) checked in a cause question that names no term
# ("can stress open it?"); the others only of a named term: "why would my cervix open with no
# pain" asks for causes, not about pain.
ANY_QUESTION_ASPECTS: Dict[str, Set[str]] = {
    "causes": {"stress", "heredity", "age", *SUSPECTS},
    "risk_factors": {"stress", "heredity", "age", *SUSPECTS},
    "recurrence": {"age", *SUSPECTS},
    "timing": {"multiples"},
    "diagnosis": {"other_tests"},
}
# ...and these in a question of any topic: figures the article does not give ("what's the
# incidence?"), a home birth, heredity, a treatment's history and research are asked of no
# term.
EVERY_QUESTION_ASPECTS = {
    "numbers", "incidence", "birth_place", "history", "research", "heredity", "recovery",
    "company", "makeup",
}  # fmt: skip

# "what about X?", "and for X?", "same question for X", "X, same question": the topic stays,
# the subject may change.
# words before "what about"
LEAD = r"(?:and|so|ok|okay|but|then|wait|hmm|oh|ah|right|well|um|sorry|also|yeah|alright)"
TAIL = r"(?:tho|though|then|please|pls|instead|too|now)"  # and after its X
WHAT_ABOUT = [
    re.compile(
        rf"^\W*(?:{LEAD}\W+)*(?:(?:what|how|wetin)\s+about|what\s+of|and\s+for"
        r"|(?:the\s+)?same(?:\s+question|\s+thing)?\s+(?:for|about|with))\s+(?P<x>[^,;?.!]+?)"
        rf"(?:\W+{TAIL})?\W*$",
        re.I,
    ),
    re.compile(
        r"^\W*(?:and\s+)?(?:for\s+)?(?P<x>[^,;?.!]+?)\W+same\s+(?:question|thing)\W*$", re.I
    ),
]
# The same with a question of its own after it ("what about X, is that one of them?", "and
# aspirin, do they give that too?"), or "and X?": its own question may ask another topic, so
# only another subject named in X decides it (Not Found, for the topic before).
CLAUSE = r"(?:\s*\?\W*$|\s*[,?]\s+(?:\S+\s+){0,10}\S+$)"
BARE_END = r"\W*$"  # "and spotting": no question mark either
WHAT_ABOUT_AND = [
    re.compile(rf"^\W*(?:{LEAD}\W+)*(?:what|how|wetin)\s+about\s+(?P<x>[^,;?.!]+?){CLAUSE}", re.I),
    re.compile(
        r"^\W*and\s+(?!(?:what|when|why|how|who|which|where|is|are|do|does|did|can|could|will"
        r"|would|should|if|then|so|it|that|this|they|she|he|i|you|we)\b)"
        rf"(?P<x>(?:\w+\s+){{0,2}}\w+)(?:{CLAUSE}|{BARE_END})",
        re.I,
    ),
]


# Who is typing, when people share a phone: "tom here now -", "jess again.", "(dan) right",
# "hey its Priya typing".
SPEAKER = [
    re.compile(
        r"^\W*(?:(?:hi|hey|hiya|hello|ok|okay)\W+)?(?:(?:it'?s|its|this is)\s+)?"
        r"(?P<name>[a-z]+)\s+(?:here|again|typing|speaking)\b",
        re.I,
    ),
    re.compile(r"\((?P<name>[a-z]+)(?:\s+here)?\)", re.I),
]


# The thing a question asks about, where its wording says so: "symptoms of X", "treatment for
# X", "how do they fix X", "does X help". X must be the condition, a term of the article or
# words of the article: "symptoms of a cold", "fix a broken leg", "does weed help" are not.
ASKED_OBJECT = [
    re.compile(
        r"\b(?:symptoms?|signs?|causes?|treatments?|cures?|diagnosis|risk factors?|risks?"
        r"|complications?|chances?) (?:of|for) (?P<x>.+)"
    ),
    re.compile(
        r"\b(?:fix|fixes|fixed|cure|cures|treat|treats|heal|get rid of|diagnose|diagnosed)"
        r" (?P<x>.+)"
    ),  # fmt: skip
    re.compile(r"\b(?:does|do|can|will|would|is) (?P<x>.+?) (?:help|helps|work|cure|treat)\b"),
    # "do fibroids make the cervix open early?", "could chlamydia have damaged my cervix?"
    re.compile(
        r"\b(?:does|do|did|can|could|will|would|might|may) (?P<x>(?:(?!\bbe\b).)+?) (?:have )?"
        r"(?:make|made|cause|caused|raise|increase|weaken|weakened|damage|damaged|lead to)\b"
    ),
    re.compile(r"\bwhat (?:causes|caused|brings on|triggers) (?P<x>.+)"),
    re.compile(
        r"\bhow (?:is|are|do you|do they|do doctors) (?P<x>.+?) (?:diagnosed|treated|cured"
        r"|tested|fixed|caused|managed|prevented)\b"
    ),
    re.compile(
        r"\b(?:can|will|does|do) (?P<x>.+?) (?:be cured|be treated|come back|happen again"
        r"|go away|start|begin|show up)\b"
    ),
    re.compile(r"\b(?:people|you|i|someone|women|men|kids|children) get (?P<x>.+)"),
    re.compile(
        r"\b(?:likely|chance|chances|risk) (?:to|of) (?:get|getting|develop|developing) (?P<x>.+)"
    ),
    # A search box's "vitiligo treatment", "gout symptoms".
    re.compile(
        r"^(?P<x>(?:\w+ ){0,3}\w+) (?:treatments?|symptoms?|signs?|causes?|cures?|diagnosis"
        r"|risk factors?)$"
    ),
    re.compile(r"\b(?:test|tests|medicine|medication|drugs?) for (?P<x>.+)"),
    re.compile(r"\b(?:give|gives|giving|gave) (?:you|me|her|him|them|someone|people) (?P<x>.+)"),
    re.compile(r"^(?:what is|whats|what are|what does|define) (?P<x>(?:\w+ ?){1,4}?)(?: mean)?$"),
]
# A message of only these words thanks or says goodbye, whatever intent the NLU heard in it
# ("Thank you, dear, most helpful." came out as risk factors): it asks nothing of the article.
COURTESY = {
    "thank", "thanks", "thankyou", "thx", "ty", "tysm", "cheers", "ta", "appreciate",
    "appreciated", "grateful", "helpful", "useful", "informative", "dear", "love", "darling",
    "hun", "great", "good", "nice", "lovely", "brilliant", "awesome", "amazing", "perfect",
    "wonderful", "kind", "kindly", "ok", "okay", "alright", "bye", "goodbye", "cya", "night",
    "bless", "blessed", "god", "lot", "lots", "loads", "gracias", "merci", "danke", "obrigada",
    "obrigado", "grazie", "asante", "salamat", "shukran", "dziękuję", "dzięki",
    "kwaheri", "tschüss", "adios", "adiós", "ciao",
}  # fmt: skip
THANKS = {"thank", "thanks", "thankyou", "thx", "ty", "tysm", "cheers"}
# A message with these asks something, thanks or not.
ASKING = re.compile(
    r"\b(?:what|how|why|when|where|which|who|tell me|explain)\b"
    r"|(?:^|[.!,]\s*)(?:can|could|does|do|is|are|will|would|should|did)\b",
    re.I,
)
# Words that ask for signs by name (named_signs).
SIGN_WORDS = {"symptom", "sign", "signal", "signals", "warning", "warnings"}
TOPIC_WORDS = {
    "treatment", "treat", "cause", "symptom", "sign", "risk", "diagnosis", "diagnose", "recur",
    "recurrence", "week", "trimester",
}  # fmt: skip
# Questions about the bot itself: "are you a real person", "am I talking to an automated
# service?", "you're just another bot", "what can you actually tell me?".
ABOUT_THE_BOT = re.compile(
    r"\b(?:are you|you re|youre|you are|r u)\b(?:\W+\w+){0,6}?\W+(?:bot|robot|ai|human"
    r"|person|real|automated|machine|sentient|chatbot|computer)\b"
    r"|\b(?:am i talking to|am i chatting with|is this) (?:a |an |the )?(?:\w+ )?(?:bot|robot"
    r"|ai|human|person|automated|machine|chatbot|computer)\b"
    r"|\bwhat (?:else )?(?:can|do) (?:you|u) (?:actually |even |really )?(?:tell me|do|know)"
    r"(?: then)?$"
)
# Going back to where the conversation started: "back to the original topic", "anyway, back to
# my first question", "ok, back to my problem".
BACK_TO_START = re.compile(
    r"\b(?:back|return(?:ing)?) to (?:(?:the |our |your )?(?:original|first|main|earlier"
    r"|initial|previous|other) (?:topic|question|thing|subject|issue|one)"
    r"|my (?:(?:original|first|main|own) )?(?:topic|question|thing|subject|issue|problem))\b",
    re.I,
)
# What a question asks the condition leads to: "does a weak cervix cause autism?". Asked of
# the condition by name, so it counts even when the condition is named.
CONSEQUENCE = re.compile(
    r"\b(?:does|do|can|could|will|would|might|may) .+? (?:cause|lead to|result in|give you)"
    # Not a noun "cause" followed by its verb: "...the cause is established", "does the
    # underlying cause remain unknown".
    r" (?!(?:is|are|was|were|has|had|been|remain|remains|stay|stays|seem|seems|appear|appears"
    r"|vary|varies|differ|differs|become|becomes|matter|matters)\b)(?P<x>.+)"
)
WHAT_IS_NAME = re.compile(
    r"^(?:so |ok |and |but |wait |hi |hey |sorry )?(?:what(?: even| exactly| actually)? is|whats"
    r"|what s|what are|what does) (?:a |an |the |this |that )?(?P<x>.+?)"
    r"(?: exactly| actually| mean| even| then)*$"
)
# "what does cx incompetence actually mean in normal words?", "which part of the body is the
# cervix?", "where is the cervix?": X is a name of the condition or the head word of one.
WHAT_IS_ASKED = [
    re.compile(
        r"^(?:so |ok |and |but )?what (?:does|do) (?:a |an |the |this |that )?(?P<x>.+?)"
        r"(?: actually| really| even| exactly)? mean\b"
    ),
    re.compile(
        r"^(?:so |ok |and |but )?(?:where|(?:what|which) part(?: of (?:the|my|a|your) body)?)"
        r" (?:is|s) (?:the |my |a |your )?(?P<x>\w+)(?: exactly| actually| even)*$"
    ),
]
WHAT_IS_POINTER = re.compile(
    r"^(?:so |ok |and |but )?(?:what(?: even| exactly| actually)? is|whats|what s|what does)"
    r" (?:it|that|this)"
    r"(?: exactly| actually| mean| even| then)*$"
)
DETERMINERS = {"the", "a", "an", "my", "your", "her", "his", "their", "our", "any", "some"}
# Words that start no object: after them the pattern caught a verb's tail, not a thing ("how
# is it diagnosed - is it mainly...", "once i get past a certain week", "treated with rest").
NO_OBJECT = {
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "by", "past",
    "from", "with", "through", "into", "via", "using", "before", "after", "during", "when",
    "if", "because", "since", "until", "till", "while", "as", "than", "so", "yet", "still",
}  # fmt: skip
# Where the asked object ends: "causes it or nah", "risk of recurrence with multiple losses".
OBJECT_END = re.compile(
    r" (?:or|and|with|during|when|if|because|after|before|at|while|for|from|so|but|to) "
)
# An asked object made only of these words is pregnancy itself, not the condition: "when does
# the second trimester start", "what are the signs of labour", "symptoms of pregnancy".
PREGNANCY_ITSELF = {
    "pregnancy", "pregnant", "trimester", "labour", "labor", "contraction", "bump", "fetus",
}  # fmt: skip
# The previous answer's own words: "that figure", "this list", "those odds".
THAT_ANSWER = re.compile(
    r"\b(?:that|this|those|these)\s+(?:[\w%-]+\s+)?(?:numbers?|figures?|percentages?|percent"
    r"|stats?|statistics?|odds|chances?|rates?|lists?)\b",
    re.I,
)
QUALIFIERS = {
    "first", "second", "third", "1st", "2nd", "3rd", "normal", "healthy", "early", "late",
    # "what about warning signs?", "the main causes": which of the topic's, not another kind
    "warning", "main", "common", "usual", "typical", "possible", "best", "other", "different",
}  # fmt: skip
ALTERNATIVES = re.compile(r" (?:or|and) ")
# A question whose subject is a pronoun for what was said before it: "Does that...", "Could
# it have...".
POINTS_BACK = re.compile(
    r"^(?:(?:so|and|but|ok|okay|then) )?(?:does|did|could|can|would|will|might|may|is|was|has)"
    r" (?:that|this|it)\b"
)
SOURCE_OF = re.compile(r" (?:from|after) ")  # "damage from a cone biopsy"
FACT_PRONOUNS = {"it", "that", "this", "they", "them", "those", "these"}
PRONOUNS = {
    "it", "that", "this", "them", "those", "these", "one", "the", "a", "an", "same", "they",
    "she", "he", "her", "my", "your", "its",
}  # fmt: skip
# Words that say a message may be about a pregnancy: the urgent advice is for a danger sign in
# pregnancy, not for breathlessness with asthma. The glossary's words for these count too
# (`pregnancy_words`): "cx 10mm on TVUS", "estoy de 19 semanas", "19 tydzień".
PREGNANCY_WORDS = {
    "pregnant", "pregnancy", "preggo", "preggers", "baby", "babies", "week", "weeks", "wks",
    "trimester", "womb", "uterus", "cervix", "cervical", "stitch", "cerclage", "midwife",
    "water", "waters", "labour", "labor", "contraction", "contractions", "fetus", "bump",
    "expecting", "vagina", "vaginal", "obgyn", "due", "ultrasonography", "antenatal",
    "prenatal", "gestation", "obstetrician",
}  # fmt: skip


@dataclass
class Question:
    intent: str
    text: str
    words: List[Tuple[str, str]]  # (surface, lemma) of each word, lower case
    entities: List[str] = field(default_factory=list)  # condition names the NLU found
    remembered: Optional[str] = None  # the subject of earlier turns (slot `condition`)
    topic_before: Optional[str] = None  # the topic of the previous question (slot `topic`)
    # The best topic intent in the NLU's ranking: when the message is out_of_scope ("symptoms
    # of preeclampsia?"), it is still the topic a following "what about X?" asks.
    topic_hint: Optional[str] = None
    # The named fact the previous answer gave ("cerclage"): "is it taken out before the
    # birth?" then asks about the stitch.
    fact_before: Optional[str] = None
    # The NLU's intents with their confidence, best first (nlu_fallback included).
    ranking: List[Tuple[str, float]] = field(default_factory=list)
    # The previous message described a danger sign (slot `urgent_before`).
    urgent_before: bool = False


@dataclass
class Understanding:
    """What a message is about and what of the article answers it."""

    subject: Optional[str]  # the condition's name, or the other subject named; None: unknown
    topic: Optional[str]  # one of TOPICS, or None for a message that asks none
    passages: List[Passage] = field(default_factory=list)  # empty: the article does not answer
    label: str = ""  # what the answer's lead line calls the passages ("treatment", "cerclage")
    reason: Optional[str] = None  # why not answered (REASONS)
    about: Optional[str] = None  # the words a Not Found reply repeats
    urgent: bool = False  # the urgent advice goes first
    danger_described: bool = False  # this message describes a danger sign in pregnancy
    condition: Optional[Condition] = None  # the article's condition, when it is the subject

    @property
    def answered(self) -> bool:
        return bool(self.passages)


REASONS = {
    "other_subject": "the question is about something the article does not cover",
    "classifier": "the NLU found no question of the article (out_of_scope, low confidence)",
    "no_topic": "the message asks no question of the article",
    "aspect": "the article does not speak of what is asked about the term",
    "term_topic": "the article names the term, but not for this question",
    "no_passage": "the article has no passage on this topic",
    "which_condition": "several articles and none named",
    "urgent_only": "a danger sign: the urgent advice, no article text",
    "courtesy": "thanks or goodbye: what the bot can answer, no article text",
}


def understand(store: KnowledgeStore, question: Question) -> Understanding:
    """Decide the subject, the topic and the passages (module docstring). Right after a
    danger sign, the urgent advice comes again, before whatever the reply is ("she asks if
    she should just lie down"; "can they still put a stitch in?")."""
    found = understand_message(store, question)
    found.danger_described = found.urgent
    found.urgent = found.urgent or question.urgent_before
    return found


def understand_message(store: KnowledgeStore, question: Question) -> Understanding:
    """What this message is about, by itself and the conversation's subject and topic."""
    if courtesy_only(store, question) or asks_about_the_bot(question):
        return Understanding(question.remembered, None, reason="courtesy")
    if asks_nothing(store, question):
        return Understanding(question.remembered, None, reason="no_topic")
    text_lemmas = asked_lemmas(store, question)
    follow = next((m for p in WHAT_ABOUT for m in [p.match(question.text or "")] if m), None)
    if follow and names_a_subject(store, question, follow.group("x")):
        return follow_up(store, question, follow.group("x"), text_lemmas)
    other_follow = next(
        (m for p in WHAT_ABOUT_AND for m in [p.match(question.text or "")] if m), None
    )
    if other_follow and names_a_subject(store, question, other_follow.group("x")):
        found = follow_up(store, question, other_follow.group("x"), text_lemmas)
        # Its own question may ask another topic; "and spotting?" asks nothing else, nor
        # "what about back pain? I have it a little bit."
        rest = other_follow.string[other_follow.end("x") :].lstrip(" ,;?.!")
        bare = not re.search(r"\w", rest) or not ("?" in rest or ASKING.search(rest))
        if found.reason == "other_subject" or bare:
            return found

    subject, other = resolve_subject(store, question)
    urgent = is_emergency(question.text, question.intent) and (
        not other or bool(pregnancy_words(store) & {w for pair in question.words for w in pair})
    )
    topic = INTENT_TOPIC.get(question.intent)
    hinted = INTENT_TOPIC.get(question.topic_hint or "")
    if question.intent == "nlu_fallback" and hinted and not other:
        # Unsure between intents (a long letter, a story, a short follow-up), but the message
        # speaks of the condition itself ("my cervix", its name) or goes on a conversation
        # about it ("can it happen later too?"): its best topic is the question.
        if about_the_condition(store, question) or (
            in_conversation_about(store, question)
            and best_guess(question) == question.topic_hint
            and len(unasked_words(store, question)) < 2
        ):
            topic = hinted
        # "what about after three losses?": unsure, the follow-up keeps the topic it follows.
        if follow and in_conversation_about(store, question):
            topic = question.topic_before
    # "Does that number go up if...?": of the previous answer's figure, whatever the NLU
    # was unsure of.
    if (
        topic
        and THAT_ANSWER.search(question.text or "")
        and question.topic_before in TOPIC_PHRASE
        and in_conversation_about(store, question)
        and confidence(question) < SURE_TOPIC
    ):
        topic = question.topic_before
    topic = named_signs(question, topic)
    if topic and subject and not other and leads_to_symptom(store, subject, question, topic):
        topic = "symptoms"  # "can a weak cervix cause bleeding?"
    defining = bool(topic) and asks_what_it_is(store, question)
    if defining:
        topic = "what_is"  # "...scared. what is an incompetent cervix?": not its causes
    if question.intent == EMERGENCY_INTENT:
        topic = "symptoms"  # the article's warning signs, if the message is about it
    if topic is None:  # the subject of the conversation stays what it was
        reason = "classifier" if question.intent in ("out_of_scope", "nlu_fallback") else "no_topic"
        hint = INTENT_TOPIC.get(question.topic_hint or "") if reason == "classifier" else None
        # A condition the NLU named ("symptoms of preeclampsia?") is the new subject; a rare
        # word of a message that asks nothing of the article ("a pram") is not.
        named = next((e for e in question.entities if not store.find(e)), None)
        subject_now = named or (
            subject.name if subject and named_condition(store, question) else None
        )
        return Understanding(subject_now or question.remembered, hint, reason=reason, urgent=urgent)
    if other:
        # "Can Crohn's weaken the cervix?" asks of the condition too: the conversation stays
        # on it ("then what does cause it?").
        own = named_condition(store, question) or head_word_condition(store, question)
        subject_now = own.name if own else other
        if not own and question.remembered and not names_something(store, other):
            subject_now = question.remembered  # "<img src=x>" is no subject to go on about
        return Understanding(subject_now, topic, reason="other_subject", about=other, urgent=urgent)
    if subject is None:
        return Understanding(None, topic, reason="which_condition", urgent=urgent)
    if urgent and not about_the_condition(store, question):
        # Urgent advice only: article text only for a message about the condition itself.
        return Understanding(subject.name, topic, reason="urgent_only", urgent=True)
    named = bool(named_condition(store, question) or head_word_condition(store, question))
    # "could she get it again?" asks the condition's recurrence, "is it taken out before the
    # birth?" about the stitch, even if the NLU took it for recurrence.
    asks_again = topic == "recurrence" and bool(text_lemmas & recurrence_words(store))
    # Sure of the topic in a story: a fact's word elsewhere in it is the story's.
    sure = INTENT_TOPIC.get(question.intent) == topic and confidence(question) >= SURE_TOPIC
    sure = sure and len(content_words(question.words)) >= STORY_LENGTH
    if not named and not asks_again and not asked_fact(store, subject, text_lemmas):
        pronoun_fact = fact_of_pronoun(store, question, subject, topic)
        text_lemmas |= pronoun_fact
        sure = sure and not pronoun_fact  # "when do they put it in?" asks of the stitch
    # What is asked of it: the sentences that ask, not the ones told around them.
    aspect_lemmas = question_lemmas(store, asking_sentences(question)) & text_lemmas
    return answer_topic(
        store, subject, topic, text_lemmas, urgent, named, question.topic_before, defining, sure,
        aspect_lemmas,
    )  # fmt: skip


def names_something(store: KnowledgeStore, words: str) -> bool:
    """Can these words be a conversation's new subject: an everyday or a health word, or one
    shaped like a medical term? Markup and junk ("img src onerror") are not."""
    lists = (store.everyday_words, store.health_words, store.other_subject_words)
    # Looked up list by list: their union is 34,000 words, 4 ms to build on every message.
    return any(
        any(w in known for known in lists) or MEDICAL_SHAPE.search(w)
        for w in normalise(words).split()
    )


def asks_about_the_bot(question: Question) -> bool:
    """Does the message ask what the bot is or can do, and nothing of a topic ("hi bot, are
    you sentient or just vibes", "Is this the bot that knows about the cervix thing?")?"""
    said = {w for pair in question.words for w in pair}
    sentences = (normalise(s) for s in SENTENCE.findall(question.text or ""))
    return any(ABOUT_THE_BOT.search(s) for s in sentences) and not said & (
        TOPIC_WORDS | SIGN_WORDS
    )


def courtesy_only(store: KnowledgeStore, question: Question) -> bool:
    """Does the message only thank or say goodbye, asking nothing: only COURTESY words, or
    thanks with news around it ("thanks, we're heading to the hospital now", "ok thx. trying
    to sleep now") and no question, no word of a topic or of the condition?"""
    text = question.text or ""
    if "?" in text or ASKING.search(text):
        return False
    content = [{s, lemma} for s, lemma in question.words if s.isalpha() and s not in STOP_WORDS]
    if content and all(pair & COURTESY for pair in content):
        return True
    said = {w for pair in question.words for w in pair}
    return (
        bool(said & THANKS) and not said & TOPIC_WORDS and not about_the_condition(store, question)
    )


def asks_nothing(store: KnowledgeStore, question: Question) -> bool:
    """Does the message ask nothing and name nothing of the article: no question, no word of
    a topic, of the condition or of a term, no danger sign ("hi sorry its 2am and i cant
    sleep", "Hi, quick question on behalf of my wife.", "Diolch. Right, back to the ewes.")?
    Whatever the NLU guessed, there is no question to answer."""
    text = question.text or ""
    if "?" in text or ASKING.search(text) or is_emergency(text, question.intent):
        return False
    said = question_lemmas(store, question)
    named = TOPIC_WORDS | store.question_words | store.article_terms
    return not said & named and not about_the_condition(store, question)


@functools.lru_cache(maxsize=4)  # once per store, not on every message
def pregnancy_words(store: KnowledgeStore) -> FrozenSet[str]:
    """PREGNANCY_WORDS and the glossary's words for them (knowledge/article_rules.yml)."""
    glossary = store.question_synonyms.items()
    return frozenset(PREGNANCY_WORDS) | {w for w, meant in glossary if meant in PREGNANCY_WORDS}


def asks_what_it_is(store: KnowledgeStore, question: Question) -> bool:
    """Does a sentence of the message ask only what the condition is, by one of its names
    ("what is an incompetent cervix?"), whatever story comes around it?"""
    named = bool(named_condition(store, question))
    for sentence in (normalise(s) for s in re.split(r"[?.!,;\n]+", question.text or "")):
        for pattern in (WHAT_IS_NAME, *WHAT_IS_ASKED):
            match = pattern.match(sentence)
            if match and store.find(in_article_words(store, match.group("x"))):
                return True
        # "... lists 'Dx: cervical insufficiency'. what is that exactly?"
        if named and WHAT_IS_POINTER.match(sentence):
            return True
    return False


def in_article_words(store: KnowledgeStore, text: str) -> str:
    """The text with people's words for the article's in their place ("cx" -> "cervix")."""
    return " ".join(store.question_synonyms.get(w, w) for w in normalise(text).split())


def confidence(question: Question) -> float:
    """The NLU's confidence in the message's intent (0 when no ranking was given)."""
    return dict(question.ranking).get(question.intent, 0.0)


def named_signs(question: Question, topic: Optional[str]) -> Optional[str]:
    """The symptoms, when the NLU is unsure of another topic but ranks them and the message
    asks for signs by name: "when it happens is there any warning or does it just happen"
    (timing 0.53, symptoms 0.20)."""
    if not topic or topic == "symptoms" or confidence(question) >= SURE_TOPIC:
        return topic
    said = {w for pair in question.words for w in pair}
    ranked = {INTENT_TOPIC.get(name) for name, _ in question.ranking[:4]}
    return "symptoms" if said & SIGN_WORDS and "symptoms" in ranked else topic


def best_guess(question: Question) -> Optional[str]:
    """The NLU's best intent below the fallback's threshold, if it is more than a guess
    ("ok thx. trying to sleep now": out_of_scope 0.40, thanks 0.29 before any topic)."""
    ranked = [(name, c) for name, c in question.ranking if name != "nlu_fallback"]
    return ranked[0][0] if ranked and ranked[0][1] >= UNSURE_FLOOR else None


def unasked_words(store: KnowledgeStore, question: Question) -> List[str]:
    """The content words that neither the article nor the questions people ask of it use
    ("pharmacies", "bank", "holiday"): an unsure turn with two of them is no follow-up."""
    known = store.vocabulary | store.framing_words | pregnancy_words(store) | FACT_TOPIC_WORDS
    return [
        s
        for s, lemma in question.words
        if len(s) >= 3 and s.isalpha() and s not in STOP_WORDS
        and not {s, lemma, store.question_synonyms.get(s, s)} & known
    ]  # fmt: skip


def in_conversation_about(store: KnowledgeStore, question: Question) -> bool:
    """Is this a turn of a conversation that was asking the article's condition questions?"""
    return bool(store.find(question.remembered)) and question.topic_before is not None


def recurrence_words(store: KnowledgeStore) -> Set[str]:
    """The words that ask whether it comes back ("again", "next", "recur")."""
    return {w for group in store.fact_questions.get("recurrence", []) for w in group}


def fact_of_pronoun(
    store: KnowledgeStore, question: Question, condition: Condition, topic: str
) -> Set[str]:
    """The words of the fact the previous answer gave, when the question says "it" or "that"
    of it: after the stitch passage, "does it stay in for the birth?" asks about the stitch
    ("could she get it again?" asks about the condition: recurrence is its own topic). When
    the NLU is sure of a topic the fact is no part of, "they" are the doctors: "will they
    ever be able to tell me what caused mine?" after the progesterone asks the causes (but
    "is it started before the diagnosis?" asks of the progesterone)."""
    fact = (question.fact_before or "").replace(" ", "_")
    said = {s for s, _ in question.words}
    if fact not in store.fact_questions or fact in FACT_TOPICS or not said & FACT_PRONOUNS:
        return set()
    sure = INTENT_TOPIC.get(question.intent) == topic and confidence(question) >= SURE_TOPIC
    people = not said & (FACT_PRONOUNS - {"they", "them"}) and topic not in FACT_TOPICS
    if sure and people:
        pool = topic_passages(condition, topic)
        if not any(p in pool for p in condition.fact(fact)):
            return set()
    return set(store.fact_questions[fact][0])


def question_lemmas(store: KnowledgeStore, question: Question) -> Set[str]:
    """The question's words and lemmas, people's words mapped to the article's ("scan" ->
    "ultrasonography", "d and c" -> "curettage")."""
    synonyms = store.question_synonyms
    padded = f" {normalise(question.text or '')} "
    phrases = term_phrases_in(store, question.text or "")
    # A phrase's own words are not asked of ("door" and "uterus" in "door of the uterus").
    spent = {w for p in phrases for w in p.split()} - set(phrases.values())
    found = {synonyms.get(w, w) for pair in question.words for w in pair if pair[0] not in spent}
    found |= set(phrases.values())
    # An aspect of more than one word ("side effects") is asked as a phrase.
    found |= {a for g in store.aspects.values() for a in g if " " in a and f" {a} " in padded}
    return found


def term_phrases_in(store: KnowledgeStore, text: str) -> Dict[str, str]:
    """{phrase: the article's word} of the article-term phrases the text uses."""
    padded = f" {normalise(text)} "
    return {p: w for c in store.conditions for p, w in c.term_phrases.items() if f" {p} " in padded}


def term_phrase_words(store: KnowledgeStore, text: str) -> Set[str]:
    """The words of the article-term phrases the text uses ("eds", "d", "c")."""
    return {w for p in term_phrases_in(store, text) for w in p.split()}


def about_the_condition(store: KnowledgeStore, question: Question) -> bool:
    """Does the message speak of the condition itself: a name, the head word of one ("my
    cervix"), or a word of the article's named facts ("stitch", "progesterone")?"""
    if named_condition(store, question):
        return True
    own = {n.split()[-1] for c in store.conditions for n in c.names}
    own |= {w for g in store.fact_questions.values() for group in g for w in group}
    own -= FACT_TOPIC_WORDS
    return bool(own & said_words(store, question, own))


def said_words(
    store: KnowledgeStore, question: Question, own: FrozenSet[str] = frozenset()
) -> Set[str]:
    """The question's words and lemmas, and the article words its term phrases stand for;
    a word that misspells one of `own` (the condition's words) stands for it ("servix")."""
    said = {w for pair in question.words for w in pair}
    said |= set(term_phrases_in(store, question.text or "").values())
    said |= {store.question_synonyms[w] for w in said if w in store.question_synonyms}
    if own:
        # An article or terminology word is a word of its own, not a misspelling.
        strange = [w for w in said if w not in store.vocabulary and w not in store.health_words]
        wanted = frozenset(own - said)
        said |= {t for t in (spelled_by_ear(w, wanted) for w in strange) if t}
    return said


def head_word_condition(store: KnowledgeStore, question: Question) -> Optional[Condition]:
    """The condition one of whose names ends in a word of the question ("cervix", "servix",
    or a lay phrase for it: "the neck of the womb")."""
    for condition in store.conditions:
        heads = frozenset(n.split()[-1] for n in condition.names)
        if said_words(store, question, heads) & heads:
            return condition
    return None


def named_condition(store: KnowledgeStore, question: Question) -> Optional[Condition]:
    """The known condition the question itself names (as an entity or in its words)."""
    return store.first_known(question.entities) or store.mentioned_in(question.text)


def speakers(store: KnowledgeStore, text: str) -> Set[str]:
    """The names of people sharing one phone, as they sign their turns: "tom here now -",
    "sam again, sorry", "(Raj here)", "hey its Priya typing". A name, not a subject; a health
    word in that place ("pain here") stays one."""
    found = {m.group("name").lower() for p in SPEAKER for m in p.finditer(text or "")}
    return found - store.other_subject_words - store.vocabulary


def other_subject_words(store: KnowledgeStore, question: Question) -> List[str]:
    """The words naming something the article does not cover: rare words, and everyday words
    that name another health subject ("cold", "knee"), less the article's term phrases, the
    names of who is typing and plain English in a story around the question ("my dr
    basically just shrugged"); the thing a question asks about is checked apart
    (asked_object_words)."""
    terms = term_phrase_words(store, question.text or "")
    names = speakers(store, question.text)
    pairs = [(s, lemma) for s, lemma in question.words if s not in terms | names]
    foreign = unknown_words(pairs, store.vocabulary, store.everyday_words, store.health_words)
    content = content_words(question.words)
    # In a story, said of the condition or a term of the article ("a D and C in the
    # seventies"), or in a question the NLU is sure asks a topic ("my dr just shrugged"),
    # plain English is a detail.
    sure = question.intent in INTENT_TOPIC and confidence(question) >= SURE_TOPIC
    about = about_the_condition(store, question)
    # Said of the condition, or in a conversation about it, a rare word is another subject only
    # if it may name one: a name ("Regards, Edith"), dialect ("afore the bairn"), another
    # language's word ("inshallah") or slang ("smth") is not; one that may name one stays a
    # subject even where plain English is a detail ("I am also feeling nausea...").
    if about or in_conversation_about(store, question):
        lemma_of = dict(question.words)
        foreign = [
            w for w in foreign if may_name_health_subject(store, question, w, lemma_of.get(w, w))
        ]  # fmt: skip
    elif len(content) >= STORY_LENGTH or terms or sure:
        # ...but one that may name a health subject is the story's subject ("asthma").
        lemma_of = dict(question.words)
        foreign = [
            w
            for w in foreign
            if w not in store.plain_words
            or may_name_health_subject(store, question, w, lemma_of.get(w, w))
        ]
    foreign += [
        s
        for s, lemma in pairs
        if ({s, lemma} & store.other_subject_words) and not ({s, lemma} & store.vocabulary)
        and s not in foreign
    ]  # fmt: skip
    return foreign


def may_name_health_subject(
    store: KnowledgeStore, question: Question, surface: str, lemma: str
) -> bool:
    """Is a rare word a terminology's word, shaped like a medical term ("-itis"), or written
    as an acronym ("NIPT", "DVT") in a message not all in capitals?"""
    if {surface, lemma} & store.health_words or MEDICAL_SHAPE.search(surface):
        return True
    text = question.text or ""
    return not text.isupper() and bool(re.search(rf"\b{re.escape(surface.upper())}\b", text))


def asked_object_words(
    store: KnowledgeStore, question: Question, patterns: Sequence[re.Pattern] = ASKED_OBJECT
) -> List[str]:
    """Words of the thing the question asks about (ASKED_OBJECT) that are not the article's:
    not its vocabulary, question words, pregnancy words or the words the training questions
    often use for what the article covers ("back", "early")."""
    # Sentence by sentence: "...lead to delivery? Please give the week range" asks no range.
    sentences = [normalise(s) for s in re.split(r"[?.!]+", question.text or "")]
    lemma_of = dict(question.words)
    known = store.vocabulary | store.framing_words | pregnancy_words(store)
    found: List[str] = []
    for pattern, text in ((p, t) for p in patterns for t in sentences):
        # Each thing asked: "birth defects or problems with the baby's brain".
        for asked in (a for m in pattern.finditer(text) for a in ALTERNATIVES.split(m.group("x"))):
            x = OBJECT_END.split(asked, maxsplit=1)[0]
            head = [w for w in x.split() if w not in DETERMINERS]
            if not head or head[0] in NO_OBJECT:
                continue  # a verb's tail: "diagnosed - is it mainly...", "get past a week"
            if head[0] in PRONOUNS or head[0] in store.question_words:
                continue  # "causes it", "the risk of recurrence": no other subject
            # ...or of a term it comes from: "damage from a cone biopsy", "scarring after a D&C".
            source = SOURCE_OF.split(asked, maxsplit=1)[1:]
            if any(store.mentioned_in(t) or term_phrase_words(store, t) for t in [x, *source]):
                continue
            content = [{w, lemma_of.get(w, w)} for w in head if w not in STOP_WORDS | PRONOUNS]
            itself = PREGNANCY_ITSELF | QUALIFIERS
            if any(c & PREGNANCY_ITSELF for c in content) and all(c & itself for c in content):
                found += [w for w in head if w not in STOP_WORDS | PRONOUNS and w not in found]
                continue
            found += [
                w
                for w in x.split()
                if len(w) >= 3 and w not in STOP_WORDS and w not in PRONOUNS
                and not ({w, lemma_of.get(w, w)} & known) and w not in found
            ]  # fmt: skip
    return found


def leads_to_symptom(
    store: KnowledgeStore, condition: Condition, question: Question, topic: str
) -> bool:
    """Does the question ask whether the condition leads to a sign the article lists as a
    symptom ("can a weak cervix cause bleeding?"), where the topic heard never names it?"""
    matches = list(CONSEQUENCE.finditer(normalise(question.text or "")))
    if not matches:  # most messages: no passage is looked at
        return False
    lemma_of = dict(question.words)
    ignore = ignore_words(store, condition)
    pool = {w for p in topic_passages(condition, topic) for w in p["lemmas"]}
    signs = {w for p in topic_passages(condition, "symptoms") for w in p["lemmas"]} - pool
    for match in matches:
        said = {lemma_of.get(w, w) for w in match.group("x").split()}
        if specific_terms(condition, said, ignore) & signs:
            return True
    return False


def consequence_words(store: KnowledgeStore, question: Question) -> List[str]:
    """The words of what a question asks the condition leads to (CONSEQUENCE) that are not
    the article's: "autism" in "does a weak cervix cause autism?"."""
    return asked_object_words(store, question, [CONSEQUENCE])


def resolve_subject(store: KnowledgeStore, question: Question) -> Tuple[Optional[Condition], str]:
    """(the article's condition if it is the subject, the other subject's words if not).
    The head word of a condition's name ("back to the cervix thing") brings the conversation
    back to it from another subject, and so does going back to the first topic when the
    article has one condition ("ok back to the original topic, how is it managed?")."""
    known = named_condition(store, question) or head_word_condition(store, question)
    if not known and len(store.conditions) == 1 and BACK_TO_START.search(question.text or ""):
        known = store.conditions[0]
    question = asked_part(store, question)
    for entity in question.entities:
        if not store.find(entity) and not names_a_term(store, entity):
            return None, entity
    foreign = other_subject_words(store, question)
    if foreign and (
        off_topic(question.words, foreign, bool(known)) or points_back_to(question, foreign)
    ):
        return None, " ".join(foreign)
    asked = asked_object_words(store, question) if not known else []
    asked = asked or consequence_words(store, question)
    if asked:
        return None, " ".join(asked)
    if known:
        return known, ""
    remembered = store.find(question.remembered)
    if remembered:
        return remembered, ""
    # The conversation is about another subject ("what causes it?"), unless the message
    # speaks of the stitch again or that "subject" was a term of the article (the NLU fills
    # the slot with any name it finds: "what about Ehlers-Danlos?").
    if question.remembered and not (
        about_the_condition(store, question) or names_a_term(store, question.remembered)
    ):
        return None, question.remembered
    return (store.conditions[0], "") if len(store.conditions) == 1 else (None, "")


def points_back_to(question: Question, foreign: List[str]) -> bool:
    """Does a question ask of another subject the sentence before it named, by a pronoun?
    "I have type 1 diabetes. Does that raise my risk of a weak cervix?" asks of diabetes,
    whatever else of the story is background."""
    sentences = [s.strip() for s in SENTENCE.findall(question.text or "") if s.strip()]
    for before, asking in zip(sentences, sentences[1:]):
        if asking.endswith("?") and POINTS_BACK.match(normalise(asking)):
            if set(foreign) & set(normalise(before).split()):
                return True
    return False


def asked_part(store: KnowledgeStore, question: Question) -> Question:
    """The question of a story that names the condition ("...thyroid since 2017, asthma...
    the midwife wrote 'query weak cervix'. What actually is it?"): the other conditions of its
    story are background, not the subject. Any other message whole."""
    return story_question(question) if named_condition(store, question) else question


def story_question(question: Question) -> Question:
    """The question of a story (medinfo/story.py), or the message whole."""
    text = question.text or ""
    start = question_start(text)
    if not start:
        return question
    return part_of(question, text[start:])


def asking_sentences(question: Question) -> Question:
    """The sentences that end in "?", when others tell around them: "When will they remove
    the stitch? I want to plan my vacation leave." asks nothing of a holiday."""
    text = question.text or ""
    sentences = [s for s in SENTENCE.findall(text) if s.strip()]
    asked = " ".join(s for s in sentences if s.rstrip().endswith("?"))
    if not asked or len(asked) == len(" ".join(sentences)):
        return question
    return part_of(question, asked)


def part_of(question: Question, text: str) -> Question:
    """The question as if only `text`, a part of its message, had been written."""
    said = set(normalise(text).split())
    return replace(
        question,
        text=text,
        words=[(s, lemma) for s, lemma in question.words if s in said],
        entities=[e for e in question.entities if normalise(e) in normalise(text)],
    )


def asked_lemmas(store: KnowledgeStore, question: Question) -> Set[str]:
    """The lemmas of what a story's question asks, not of what its story tells ("...it's
    usually 'painless'. So are there any warning signs?"); but "how does it work, will it
    affect the baby?" asks of the stitch or the progesterone its story named."""
    asked = story_question(question)
    lemmas = question_lemmas(store, asked)
    if asked is question or not {s for s, _ in asked.words} & FACT_PRONOUNS:
        return lemmas
    condition = named_condition(store, question) or store.conditions[0]
    whole = question_lemmas(store, question)
    told = asked_fact(store, condition, whole)
    return whole if told and not asked_fact(store, condition, lemmas) else lemmas


def names_a_term(store: KnowledgeStore, name: str) -> bool:
    """Is the name made only of article words or term phrases ("Ehlers-Danlos")?"""
    words = set(normalise(name).split())
    return bool(words) and words <= store.vocabulary | term_phrase_words(store, name)


def names_a_subject(store: KnowledgeStore, question: Question, x: str) -> bool:
    """Does the X of "what about X?" name a subject (the condition, a term or another
    subject), rather than a topic ("what about treatment?") the intent already says?"""
    words = set(normalise(x).split())
    if not words or words <= PRONOUNS | STOP_WORDS:
        return bool(question.remembered) and question.topic_before is not None
    if store.mentioned_in(x) or store.find(x) or any(not store.find(e) for e in question.entities):
        return True
    if term_phrase_words(store, x) or article_terms_in(store, question, x):
        return True
    if other_subject_words(store, sub_question(question, x)):
        return True
    if said_before(store, question, x):
        return True
    # Everyday words the article never uses ("what about smoking?") name another subject.
    return bool(unarticled_words(store, question, x))


def said_before(store: KnowledgeStore, question: Question, x: str) -> bool:
    """Is X something a passage of the previous topic says, all its words in one passage?
    "what about back pain?" after the symptoms, "and for women with three or more
    miscarriages in the second trimester?" after the recurrence ask that passage again."""
    condition = store.find(question.remembered) if question.remembered else None
    if condition is None or question.topic_before not in TOPIC_PHRASE:
        return False
    lemma_of, synonyms = dict(question.words), store.question_synonyms
    ignore = STOP_WORDS | PRONOUNS | DETERMINERS | QUALIFIERS
    words = [w for w in normalise(x).split() if w.isalpha() and w not in ignore]
    if not words or set(words) <= store.question_words:
        return False  # "what about treatment?" asks another topic
    lemmas = {synonyms.get(lemma_of.get(w, w), lemma_of.get(w, w)) for w in words}
    passages = topic_passages(condition, question.topic_before)
    return any(lemmas <= set(p["lemmas"]) for p in passages)


def article_terms_in(store: KnowledgeStore, question: Question, x: str) -> Set[str]:
    """The words of X naming something specific of the remembered condition's article
    ("spotting", "a cone biopsy"), as `specific_terms` finds them."""
    condition = store.find(question.remembered)
    if condition is None:
        return set()
    lemma_of = dict(question.words)
    said = {v for w in normalise(x).split() for v in (w, lemma_of.get(w, w))}
    ignore = ignore_words(store, condition)
    return specific_terms(condition, said, ignore)


def unarticled_words(store: KnowledgeStore, question: Question, x: str) -> List[str]:
    """The words of a follow-up's X when none of them is the article's, in any of people's
    words for its terms: "smoking", "IVF", "her age" asked after the risk factors are things
    it does not name, however often questions about it use those words. X that starts with no
    thing ("after three losses", "once they know") keeps the topic."""
    lemma_of = dict(question.words)
    synonyms = store.question_synonyms
    known = store.vocabulary | pregnancy_words(store) | FACT_TOPIC_WORDS | QUALIFIERS
    head = [w for w in normalise(x).split() if w not in DETERMINERS]
    if not head or head[0] in NO_OBJECT | {"once"}:
        return []
    content = [w for w in head if len(w) >= 3 and w.isalpha() and w not in STOP_WORDS | PRONOUNS]

    def known_word(w: str) -> bool:
        forms = {w, lemma_of.get(w, w), synonyms.get(w, w)}
        return bool(forms & known) or is_typo_of_known(w, store.vocabulary, frozenset())

    unknown = [w for w in content if not known_word(w)]
    # "a blood test", "natural treatments": a kind of the topic that the article never names.
    asked = [w for w in content if known_word(w)]
    kinds = asked and all({w, lemma_of.get(w, w)} & store.question_words for w in asked)
    return unknown if unknown and (len(unknown) == len(content) or kinds) else []


def sub_question(question: Question, x: str) -> Question:
    keep = set(normalise(x).split())
    return Question(
        question.intent, x, [(s, lemma) for s, lemma in question.words if s in keep],
        [e for e in question.entities if normalise(e) in normalise(x)],
    )  # fmt: skip


def follow_up(store: KnowledgeStore, question: Question, x: str, lemmas: Set[str]) -> Understanding:
    """ "what about X?": the previous topic, asked of X."""
    topic = question.topic_before or INTENT_TOPIC.get(question.intent) or "what_is"
    words = set(normalise(x).split())
    # Named: the condition or a term by name. A term of the article alone ("and through the
    # abdomen?") must be in the topic's passages.
    named = True
    if words <= PRONOUNS | STOP_WORDS:  # "what about it?": the remembered subject
        subject, other = resolve_subject(store, question)
    else:
        subject, other = resolve_subject(store, sub_question(question, x))
        term = article_terms_in(store, question, x) | set(term_phrases_in(store, x).values())
        term = term or said_before(store, question, x)
        if subject is None and not other and term and in_conversation_about(store, question):
            subject = store.find(question.remembered)  # "and spotting?": of the condition
        # The condition by name; a term ("a previous C-section") must be in the topic's
        # passages, or the article does not answer it there.
        named = bool(store.mentioned_in(x))
        if subject is not None and not (named or term):
            subject = None
            other = other or x
    if other or subject is None:
        about = other or x
        # "and smoking?" names no other condition: the conversation stays on its own.
        unsaid = unarticled_words(store, question, x)
        everyday = unsaid and set(unsaid) <= store.everyday_words - store.health_words
        subject_now = question.remembered if everyday and question.remembered else about
        return Understanding(subject_now, topic, reason="other_subject", about=about)
    # "and spotting?" after the symptoms asks of a sign: the urgent advice comes with it.
    urgent = is_emergency(question.text or "", question.intent)
    # X is what is asked: "what about risks to the baby from using it?" after the progesterone
    # asks what its passages do not say.
    x_lemmas = question_lemmas(store, sub_question(question, x))
    aspect = unanswered_aspect(store, topic_passages(subject, topic), x_lemmas, topic)
    if aspect and not urgent:
        return Understanding(subject.name, topic, reason="aspect", about=aspect)
    return answer_topic(store, subject, topic, lemmas, urgent=urgent, named=named)


def answer_topic(
    store: KnowledgeStore,
    condition: Condition,
    topic: str,
    lemmas: Set[str],
    urgent: bool,
    named: bool = False,
    topic_before: Optional[str] = None,
    defining: bool = False,
    sure: bool = False,
    aspect_lemmas: Optional[Set[str]] = None,
) -> Understanding:
    """The passages of `condition` that answer `topic` (narrowed to a named fact or a term the
    question uses), each list with its lead line, or the reason there are none. A term the
    topic's passages do not name, but the previous topic's do, is asked in that topic ("what
    about the scan?" after the diagnosis, whatever the NLU made of it)."""
    # Asked what the condition is by name, a fact's word is the story's ("...my bio teacher
    # said it and i was half asleep" is no question about anaesthesia).
    fact = asked_fact(store, condition, lemmas) if not defining else None
    if sure and fact:
        # The NLU is sure of a topic the fact is not in: the fact's word is the story's
        # ("...now I can't sleep. What are the signs?" asks no anaesthesia).
        pool = topic_passages(condition, topic)
        fact = fact if any(p in pool for p in condition.fact(fact)) else None
    specific = bool(fact)  # the question names a term of the article
    if fact and not urgent:
        passages, label = condition.fact(fact), fact.replace("_", " ")
    else:
        pool = condition.passages if topic == "what_is" else topic_passages(condition, topic)
        ignore = ignore_words(store, condition)
        named_terms = specific_terms(condition, lemmas, ignore) & store.article_terms
        missing = named_terms and not any(named_terms & set(p["lemmas"]) for p in pool)
        if missing and not named and topic in NEAR_TOPICS:  # "can EDS cause it?": risk factors
            near = topic_passages(condition, NEAR_TOPICS[topic])
            pool = pool + [p for p in near if p not in pool]
            missing = not any(named_terms & set(p["lemmas"]) for p in pool)
        # ("could a D and C do it?" after the causes: the near topic of that one.)
        for earlier in (topic_before, NEAR_TOPICS.get(topic_before or "")):
            if missing and not named and earlier and earlier != topic:
                if any(named_terms & set(p["lemmas"]) for p in topic_passages(condition, earlier)):
                    return answer_topic(store, condition, earlier, lemmas, urgent, named)
        # ...in the sentences that ask: "scan report says 'asymptomatic cervical shortening'.
        # what symptoms would it give?" asks the symptoms.
        told = aspect_lemmas is not None and not named_terms & aspect_lemmas
        if missing and not named and not told:
            # A term of the article asked about for a topic the article does not give it:
            # "what are the symptoms of Ehlers-Danlos syndrome", "how is a cone biopsy done".
            about = sorted(named_terms)[0]
            return Understanding(
                condition.name, topic, reason="term_topic", about=about, urgent=urgent
            )
        if topic == "what_is":
            # What the condition is: an article term asked of picks its passage ("what is a
            # cerclage?"); the plain words of a story around the question do not ("I did not
            # understand the word"), nor anything in a question that asks it by name.
            passages = [p for p in pool if named_terms & set(p["lemmas"])] if not defining else []
            passages = passages or pool
        else:
            passages = narrow_to_terms(condition, pool, lemmas, ignore)
        specific = passages != pool
        if not specific and topic == "what_is":
            passages = topic_passages(condition, topic)
        label = TOPIC_PHRASE[topic]
    # Only a question about one named thing ("the stitch", "progesterone") is checked: "why
    # would my cervix open with no pain" asks for causes, not about pain.
    aspect = None
    if not urgent:
        asked = (
            None if specific else ANY_QUESTION_ASPECTS.get(topic, set()) | EVERY_QUESTION_ASPECTS
        )
        said = lemmas if aspect_lemmas is None else aspect_lemmas
        skip = {name for name, topics in ASKED_ONLY_OF.items() if topic not in topics}
        # Looked for only where an alternative aspect may be asked (the diagnosis).
        if ALTERNATIVE_ASPECTS - skip and specific_terms(
            condition, lemmas, ignore_words(store, condition)
        ) & {w for p in passages for w in p["lemmas"]}:
            skip |= ALTERNATIVE_ASPECTS
        aspect = unanswered_aspect(store, passages, said, topic, asked, skip)
    found = Understanding(condition.name, topic, label=label, urgent=urgent, condition=condition)
    if aspect:
        found.reason, found.about = "aspect", aspect
    elif not passages:
        found.reason, found.about = "no_passage", f"{TOPIC_PHRASE[topic]} of {condition.name}"
    else:
        found.passages = with_lists(condition, passages)
    return found


def topic_passages(condition: Condition, topic: str) -> List[Passage]:
    if topic == "what_is":
        facts = [p for f in condition.data["facts"].values() for p in f]
        overview = [p for p in condition.section("overview") if p not in facts]
        return condition.data["definition"] + overview
    if topic in FACT_TOPICS:
        return condition.fact(topic)
    return condition.section(topic)


def with_lists(condition: Condition, passages: Sequence[Passage]) -> List[Passage]:
    """A list's lead line ("The following may increase the risk...:") never goes without its
    list, nor a bullet item without the line that says what the list is."""
    order = condition.passages
    lead_of: Dict[int, int] = {}
    for i, p in enumerate(order):
        if not p.get("bullet") or i == 0:
            continue
        if order[i - 1].get("bullet") and i - 1 in lead_of:
            lead_of[i] = lead_of[i - 1]
        elif str(order[i - 1]["text"]).rstrip().endswith(":"):
            lead_of[i] = i - 1
    out: List[Passage] = []

    def add(p: Passage) -> None:
        if p not in out:
            out.append(p)

    for p in passages:
        i = order.index(p) if p in order else -1
        if i in lead_of:
            add(order[lead_of[i]])
            add(p)
        elif i >= 0 and str(p["text"]).rstrip().endswith(":"):
            add(p)
            for j in (j for j, lead in lead_of.items() if lead == i):
                add(order[j])
        else:
            add(p)
    return out


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
    store: KnowledgeStore,
    passages: Sequence[Passage],
    lemmas: set,
    topic: str,
    only: Optional[Set[str]] = None,
    skip: Set[str] = frozenset(),
) -> Optional[str]:
    """A word of the question naming something the chosen passages do not speak of: "hurt"
    in "does it hurt when they take the stitch out", where the stitch passages never mention
    pain. The article does not answer such a question, whichever topic it is filed under.
    A timing question about a named term ("at how many weeks is the stitch put in") asks
    the weeks of the term, not of the condition."""
    said = set().union(*(p["lemmas"] for p in passages))
    text = " ".join(p["text"] for p in passages)
    groups = [
        g
        for name, g in store.aspects.items()
        if (only is None or name in only) and name not in skip
    ]
    # Timing, each word alone: "2nd trimester" in a passage is not its weeks.
    if topic == "timing" and only is None:
        groups += [[w] for g in store.fact_questions.get("timing", []) for w in g]
    for group in groups:
        asked = lemmas.intersection(group)
        if not asked or said.intersection(group):
            continue
        # A sign ("%") is looked for in the passages' text: it is no lemma.
        if not any(a in text for a in group if not re.search(r"\w", a)):
            return sorted(asked)[0]
    return None


def ignore_words(store: KnowledgeStore, condition: Condition) -> FrozenSet[str]:
    """The words that name the condition or a topic: no term of the article."""
    return store.question_words | {w for n in condition.names for w in n.split()}


def specific_terms(condition: Condition, lemmas: set, ignore: FrozenSet[str]) -> Set[str]:
    """The question's lemmas that name something specific of the article: in at most
    MAX_TERM_PASSAGES passages. `ignore` holds the words that name the condition or the topic."""
    counts: Dict[str, int] = {}
    for p in condition.passages:
        for lemma in p["lemmas"]:
            counts[lemma] = counts.get(lemma, 0) + 1
    return {
        w
        for w in lemmas - ignore
        if len(w) > 3 and w not in STOP_WORDS and 0 < counts.get(w, 0) <= MAX_TERM_PASSAGES
    }


def narrow_to_terms(
    condition: Condition, passages: List[Passage], lemmas: set, ignore: FrozenSet[str]
) -> List[Passage]:
    """Keep the passages naming a specific article term the question uses, if any do."""
    terms = specific_terms(condition, lemmas, ignore)
    narrowed = [p for p in passages if terms.intersection(p["lemmas"])]
    return narrowed or passages
