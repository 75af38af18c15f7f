"""The operator's list of content gaps: the questions answered Not Found, similar ones
grouped, most frequent first.

Two questions are grouped when they use the same content words once lemmas ("weeks" ->
"week"), stop words ("what", "is", "the", and FRAMING: "hi", "im 20 weeks pregnant") and
typos ("diabetis" -> "diabetes") are set aside.
A typo is a rare word one letter away (one deletion on each side: a dropped, added, changed
or swapped letter) from a more frequent word of the same questions, and not itself a known
English word ("bleed" is never made "breed"). Pure: the caller gives the lemmatizer.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Collection, Dict, Iterable, List, Sequence, Tuple

from spacy.lang.en.stop_words import STOP_WORDS

from operations.figures import Said

Lemmatize = Callable[[Sequence[str]], List[List[Tuple[str, str]]]]  # texts -> (word, lemma)s
MIN_TYPO_LENGTH = 5  # shorter words are too close to each other to guess a typo
EXAMPLES = 3  # other wordings shown under a group
# Words that frame a question in this bot's conversations rather than say what it is about:
# greetings and politeness, and the pregnancy everyone here is in ("im 20 weeks pregnant").
FRAMING = frozenset(
    "hi hello hey hiya question quick sorry bother please thank thanks ok okay pregnant "
    "pregnancy week".split()
)


@dataclass
class Gap:
    label: str  # the wording people used most
    count: int
    first: float
    last: float
    wordings: List[str] = field(default_factory=list)  # other wordings, most frequent first


def content_words(pairs: Iterable[Tuple[str, str]]) -> List[str]:
    return [
        lemma
        for word, lemma in pairs
        if word not in STOP_WORDS
        and lemma not in STOP_WORDS
        and len(word) > 1
        and lemma not in FRAMING
    ]


def _deletions(word: str) -> set:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def typo_map(counts: Counter, known: Collection[str]) -> Dict[str, str]:
    """{typo: the word meant}. The most frequent words claim their one-letter variants first."""
    claims: Dict[str, str] = {}
    mapping: Dict[str, str] = {}
    for word in sorted(counts, key=lambda w: (-counts[w], w)):
        if len(word) < MIN_TYPO_LENGTH:
            continue
        variants = _deletions(word)
        meant = next((claims[v] for v in sorted(variants) if v in claims), None)
        if meant and word not in known:
            mapping[word] = meant
        elif not meant:
            for variant in variants:
                claims.setdefault(variant, word)
    return mapping


def group(
    questions: Sequence[Said], lemmatize: Lemmatize, known: Collection[str] = ()
) -> List[Gap]:
    """Similar questions together, most frequent group first (then the most recent)."""
    texts = list(dict.fromkeys(q.text for q in questions))  # each wording lemmatized once
    content = dict(zip(texts, (content_words(pairs) for pairs in lemmatize(texts))))
    words = [content[q.text] for q in questions]
    typos = typo_map(Counter(w for ws in words for w in set(ws)), known)
    groups: Dict[Tuple[str, ...], List[Said]] = defaultdict(list)
    for question, ws in zip(questions, words):
        key = tuple(sorted({typos.get(w, w) for w in ws})) or (question.text.lower().strip(),)
        groups[key].append(question)
    gaps = []
    for members in groups.values():
        wordings = Counter(m.text for m in members)
        ranked = [text for text, _ in wordings.most_common()]
        times = [m.timestamp for m in members]
        gaps.append(Gap(ranked[0], len(members), min(times), max(times), ranked[1 : 1 + EXAMPLES]))
    return sorted(gaps, key=lambda g: (-g.count, -g.last, g.label))
