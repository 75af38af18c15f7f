"""Is a question about something the knowledge file covers?

An intent classifier is confident about questions it has never seen ("what are the symptoms
of gestational diabetes?" looks like a symptoms question). So besides the classifier, a
question is in scope only if each of its words is known: a stop word, everyday English, a
word of the article or of the curated question words, or a typo of one of those. A rarer word
("diabetes", "doula", "preeclampsia") means the question is about something else.
"""

from __future__ import annotations

import difflib
from typing import FrozenSet, Iterable, List, Tuple

from spacy.lang.en.stop_words import STOP_WORDS

MIN_SHARED_PREFIX = 5  # "miscarried" ~ "miscarriage", "ultrasound" ~ "ultrasonography"
TYPO_CUTOFF = 0.8


def _shares_prefix(word: str, vocabulary: Iterable[str]) -> bool:
    stem = word[:MIN_SHARED_PREFIX]
    return len(word) >= MIN_SHARED_PREFIX + 1 and any(
        len(v) >= MIN_SHARED_PREFIX + 1 and v.startswith(stem) for v in vocabulary
    )


def unknown_words(
    words: Iterable[Tuple[str, str]], vocabulary: FrozenSet[str], common: FrozenSet[str]
) -> List[str]:
    """The (surface, lemma) pairs of a question whose word is in none of the known sets."""
    typo_pool = None
    unknown = []
    for surface, lemma in words:
        if len(surface) < 3 or surface in STOP_WORDS or lemma in STOP_WORDS:
            continue
        if {surface, lemma} & vocabulary or {surface, lemma} & common:
            continue
        if _shares_prefix(lemma, vocabulary):
            continue
        if typo_pool is None:
            typo_pool = sorted(vocabulary | common)
        if difflib.get_close_matches(surface, typo_pool, n=1, cutoff=TYPO_CUTOFF):
            continue
        unknown.append(surface)
    return unknown
