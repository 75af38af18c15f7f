"""Is a question about something the knowledge file covers?

An intent classifier is confident about questions it has never seen ("what are the symptoms
of gestational diabetes?" looks like a symptoms question). So besides the classifier, a
question is in scope only if each of its words is known: a stop word, everyday English, a
word of the article, of the curated question words or of the questions the bot is trained to
answer, or a typo of one of those. A rarer word ("diabetes", "doula", "preeclampsia") means the
question is about something else.
"""

from __future__ import annotations

import difflib
import functools
import re
from typing import FrozenSet, Iterable, List, Optional, Tuple

from spacy.lang.en.stop_words import STOP_WORDS

# A long message that names the condition may hold rare words of its story ("my gynae...",
# "im terrified"): one unknown word per this many content words is a detail, not the subject.
STORY_WORDS_PER_UNKNOWN = 5
MIN_SHARED_PREFIX = 5  # "miscarried" ~ "miscarriage", "ultrasound" ~ "ultrasonography"
TYPO_CUTOFF = 0.8
MIN_TYPO_LENGTH = 5
SPELLED_CUTOFF = 0.85
# The endings of medical terms ("-itis", "-ectomy"): a rare word of this shape names a health
# subject even where no terminology lists it.
MEDICAL_SHAPE = re.compile(
    r"(?:itis|osis|oses|a?emia|omas?|pathy|algia|ectomy|otomy|ostomy|scopy|plasty|cele"
    r"|rrh?o?ea|uria|trophy|plasia|megaly|penia|cytosis|iasis)$"
)


def _shares_prefix(word: str, vocabulary: Iterable[str]) -> bool:
    stem = word[:MIN_SHARED_PREFIX]
    return len(word) >= MIN_SHARED_PREFIX + 1 and any(
        len(v) >= MIN_SHARED_PREFIX + 1 and v.startswith(stem) for v in vocabulary
    )


def unknown_words(
    words: Iterable[Tuple[str, str]],
    vocabulary: FrozenSet[str],
    common: FrozenSet[str],
    health: FrozenSet[str] = frozenset(),
) -> List[str]:
    """The (surface, lemma) pairs of a question whose word is in none of the known sets. A
    terminology's word (`health`) is a word of its own, never a typo ("cervarix" is a vaccine,
    not "cervix"); it may still be a relative of an article word ("abdominal", "recurrent")."""
    unknown = []
    for surface, lemma in words:
        if len(surface) < 3 or surface in STOP_WORDS or lemma in STOP_WORDS:
            continue
        if {surface, lemma} & vocabulary or {surface, lemma} & common:
            continue
        if _shares_prefix(lemma, vocabulary):
            continue
        if not {surface, lemma} & health and is_typo_of_known(surface, vocabulary, common):
            continue
        unknown.append(surface)
    return unknown


@functools.lru_cache(maxsize=16384)  # difflib is slow; people repeat their words
def is_typo_of_known(word: str, vocabulary: FrozenSet[str], common: FrozenSet[str]) -> bool:
    """A typo of an article or question word ("insuficiency") that keeps its first letter, or
    one slip (a letter added, dropped, changed or two swapped) in an everyday word that keeps
    its first two ("beacuse"). Short words are left alone: "gout" is not "out", and
    "diabetes" is not "dilates", nor "glanders" "leaders", nor "measles" "meals"."""
    if len(word) < MIN_TYPO_LENGTH:
        return False
    if any(
        w[0] == word[0]
        for w in difflib.get_close_matches(word, _typo_pool(vocabulary), n=3, cutoff=TYPO_CUTOFF)
    ):
        return True
    return any(
        w[:2] == word[:2] and one_slip(w, word)
        for w in difflib.get_close_matches(word, _typo_pool(common), n=3, cutoff=TYPO_CUTOFF)
    )


def first_sound(word: str) -> str:
    """The sound a word starts with, as people who spell by ear hear it: "cervix" and
    "servix" start with s, "culture" and "kultur" with k."""
    if word[:1] == "c":
        return "s" if word[1:2] in ("e", "i", "y") else "k"
    return word[:1]


@functools.lru_cache(maxsize=16384)
def spelled_by_ear(word: str, targets: FrozenSet[str]) -> Optional[str]:
    """The target `word` misspells ("insuffiency", "servix" -> "cervix"): closer than a typo
    of any word (SPELLED_CUTOFF: not "station" for "sedation"), starting with the same sound.
    For the condition's own words only."""
    if len(word) < MIN_TYPO_LENGTH:
        return None
    for target in targets:
        heard = target[0] + word[1:]
        close = difflib.SequenceMatcher(None, heard, target).ratio() >= SPELLED_CUTOFF
        if close and first_sound(word) == first_sound(target):
            return target
    return None


def one_slip(a: str, b: str) -> bool:
    """Are `a` and `b` one edit apart: a letter added, dropped or changed, or two swapped?"""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        swapped = a[i + 1 : i + 2] == b[i : i + 1] and a[i : i + 1] == b[i + 1 : i + 2]
        return a[i + 1 :] == b[i + 1 :] or (swapped and a[i + 2 :] == b[i + 2 :])
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1 :] == shorter[i:]


@functools.lru_cache(maxsize=4)
def _typo_pool(words: FrozenSet[str]) -> Tuple[str, ...]:
    """The words a typo may stand for, built once per word set rather than per message."""
    return tuple(sorted(words))


def content_words(words: Iterable[Tuple[str, str]]) -> List[str]:
    """The (surface) words that carry content: three letters or more, no stop word."""
    return [s for s, _ in words if len(s) >= 3 and s not in STOP_WORDS]


def off_topic(words: List[Tuple[str, str]], unknown: List[str], names_condition: bool) -> bool:
    """Do the unknown words make the question about something the article does not cover?
    In a short question the rare word is the subject ("what is endometriosis"); in a long
    story that names the condition, a rare word here and there is a detail of the story."""
    if not unknown:
        return False
    content = content_words(words)
    return not (names_condition and len(content) >= STORY_WORDS_PER_UNKNOWN * len(unknown))
