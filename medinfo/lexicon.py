"""The word lists the scope decision needs, computed when the knowledge file is built, so the
action server reads nothing but knowledge/knowledge.json.

- `everyday_words`: everyday English (spacy-lookups-data's word frequencies) and the words of
  the training examples the bot answers ("tummy", "womb", "hiya"): a question may use them
  without leaving the article's scope.
- `other_subject_words`: everyday words that name another health subject ("cold", "knee",
  "anxiety", "gout"): the head words of ICD-10-CM's short condition names, the words after
  "of" in them ("disorder of knee"), procedure words and drug names, from half 0 of each list
  (medinfo/terminology.py), less the article's own words and the words the training examples
  use for what the article covers ("back", "neck", "bleeding": FRAMING_LINES or more lines).
  Rare words need no list: a word outside `everyday_words` already means another subject.
- `health_words`: the rarer words of the terminologies (the words of the short condition
  names, drug and procedure names, both halves) that are neither everyday English nor the
  article's: with MEDICAL_SHAPE, what a rare word must look like to be another subject in a
  message about the condition (medinfo/understanding.py).
- `plain_words`: English rarer than everyday but not rare ("shrugged", "unclear"), none of it
  a word of the terminologies' half 0, a drug name or shaped like a medical term: in a story
  around the question, or in a message about the condition, such a word is a detail, not the
  subject (medinfo/understanding.py).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import FrozenSet, Iterable

import yaml
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language

from medinfo.language import COMMON_WORD_LOG_PROB, common_words, english_words, words
from medinfo.scope import MEDICAL_SHAPE
from medinfo.terminology import (
    condition_names,
    drug_names,
    eponyms,
    medical_name_words,
    procedure_names,
)

TRAINING_DATA = Path(__file__).resolve().parent.parent / "data" / "nlu"
MARKED_ENTITY = re.compile(r"\[[^\]]+\]\([^)]+\)")  # "[endometriosis](condition)"
# A word used in this many answerable training lines is how people ask about the article
# ("back" in "lower back pain", "neck of the womb"), not another subject.
FRAMING_LINES = 5
TERMINOLOGY_HALF = 0  # the half the bot learns from; `make bench` asks about the other
# A word rarer than everyday English but more frequent than this (log10 probability) is plain
# English unless medical; rarer words than this may name anything ("mittelschmerz", "tvus").
PLAIN_WORD_LOG_PROB = -16.0


def asked_word_lines(
    nlp: Language,
    folder: Path = TRAINING_DATA,
    leave_out: Iterable[str] = ("out_of_scope",),
    phrases: Iterable[str] = (),
) -> Counter:
    """{word or lemma: how many training examples the bot answers use it} (every intent but
    those left out), entity-marked names and the articles' term phrases left out: a marked
    name ("what is [endometriosis](condition)") is another subject, and a term's words ("cold
    knife cone") are no way of asking ("cold" must stay another subject)."""
    terms = sorted(phrases, key=len, reverse=True)
    term = re.compile(r"\b(?:" + "|".join(map(re.escape, terms)) + r")\b") if terms else None
    counts: Counter = Counter()
    for path in sorted(folder.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if item.get("intent") in (None, *leave_out):
                continue
            for line in item["examples"].splitlines():
                text = MARKED_ENTITY.sub(" ", line.strip()[2:])
                if term:
                    text = term.sub(" ", text.lower())
                counts.update({w for pair in words(nlp, text) for w in pair})
    return counts


def asking_word_lines(
    nlp: Language, folder: Path = TRAINING_DATA, phrases: Iterable[str] = ()
) -> Counter:
    """As `asked_word_lines`, without the danger signs described: "fluid down my legs" is no
    way of asking, and "leg" must stay another subject ("how do they fix a broken leg")."""
    return asked_word_lines(nlp, folder, ("out_of_scope", "report_emergency"), phrases)


def framing_words(asked: Counter) -> FrozenSet[str]:
    """Words of FRAMING_LINES or more training lines that ask (`asking_word_lines`)."""
    return frozenset(w for w, n in asked.items() if n >= FRAMING_LINES)


def article_terms(conditions: Iterable[dict], max_passages: int = 3) -> FrozenSet[str]:
    """The articles' own terms: lemmas of at most `max_passages` passages that are not
    everyday English ("ehlers", "curettage", "ultrasonography"), and the words the term
    phrases of the meta files map to."""
    common = common_words()
    found = set()
    for condition in conditions:
        counts: Counter = Counter()
        groups = [condition["definition"], condition["key_points"], *condition["sections"].values()]
        seen = []
        for p in (p for g in groups for p in g):
            if p not in seen:
                seen.append(p)
                counts.update(set(p["lemmas"]))
        found |= {w for w, n in counts.items() if n <= max_passages and w not in common}
        found |= set(condition.get("term_phrases", {}).values())
    return frozenset(w for w in found if len(w) > 3)


def everyday_words(asked: Counter) -> FrozenSet[str]:
    """Everyday English and the words of the training lines the bot answers, less the
    terminologies' words and medical-shaped words that only one line uses: "hysteroscopy" in
    one diagnosis question ("could a hysteroscopy pick it up?") is no everyday word;
    "spinal", asked in several anaesthesia questions, is."""
    medical = terminology_words()
    return common_words() | frozenset(
        w for w, n in asked.items()
        if n >= 2 or (w not in medical and not MEDICAL_SHAPE.search(w))
    )  # fmt: skip


def terminology_words() -> FrozenSet[str]:
    """The words of the terminologies' short condition names, procedure and drug names (both
    halves), lower case."""
    # The words of the short condition names, not of every description: "uncertain" (of
    # "neoplasm of uncertain behavior") names nothing.
    names = [n for half in (0, 1) for n in condition_names(half) + procedure_names(half)]
    medical = {w for n in names for w in n.replace("-", " ").split()}
    medical |= {w for half in (0, 1) for w in drug_names(half)} | set(eponyms())
    return frozenset(w.lower() for w in medical if w.isalpha())


def plain_words(vocabulary: FrozenSet[str], everyday: FrozenSet[str]) -> FrozenSet[str]:
    """Plain English below everyday frequency ("shrugged", "unclear", "stratification"), less
    every word of a medical name of the terminologies (half TERMINOLOGY_HALF), the drug names
    and words shaped like a medical term ("-itis", "-ectomy")."""
    medical = set(medical_name_words(TERMINOLOGY_HALF)) | set(drug_names(TERMINOLOGY_HALF))
    medical |= {w for n in procedure_names(TERMINOLOGY_HALF) for w in n.split()}
    medical |= vocabulary | everyday
    return frozenset(
        w
        for w in english_words(PLAIN_WORD_LOG_PROB, COMMON_WORD_LOG_PROB)
        if w.islower() and w not in medical and not MEDICAL_SHAPE.search(w)
    )


def health_words(vocabulary: FrozenSet[str], everyday: FrozenSet[str]) -> FrozenSet[str]:
    """Rare words that may name a health subject (see the module docstring). Both halves of
    the terminologies: the list is used only for messages about the condition, which no
    generated out-of-scope question is (tests/test_scope_sets.py checks it), so `make bench`
    still asks about names the scope decision never saw."""
    return frozenset(
        w for w in terminology_words()
        if len(w) >= 3 and w not in vocabulary | everyday | STOP_WORDS
    )  # fmt: skip


def subject_candidates() -> Iterable[str]:
    """Words that name a health subject, from half TERMINOLOGY_HALF of the terminologies."""
    for name in condition_names(TERMINOLOGY_HALF):
        parts = name.replace("-", " ").split()
        yield parts[-1]
        yield from (parts[i + 1] for i, w in enumerate(parts[:-1]) if w == "of")
    yield from (w for n in procedure_names(TERMINOLOGY_HALF) for w in n.split()[-1:])
    yield from drug_names(TERMINOLOGY_HALF)


def other_subject_words(
    nlp: Language, vocabulary: FrozenSet[str], everyday: FrozenSet[str], asked: Counter
) -> FrozenSet[str]:
    """The everyday words that name another health subject (see the module docstring)."""
    found = set()
    for word in set(subject_candidates()):
        if len(word) < 3 or word in STOP_WORDS or word not in everyday:
            continue
        lemma = words(nlp, word)[0][1] if words(nlp, word) else word
        if {word, lemma} & vocabulary or max(asked[word], asked[lemma]) >= FRAMING_LINES:
            continue
        found.add(word)
    return frozenset(found)
