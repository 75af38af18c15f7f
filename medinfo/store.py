"""The knowledge store: a plain class over the knowledge JSON that the actions query.

Like rasa-sdk's knowledge_base module, it needs no Rasa server and is tested on its own.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional

from medinfo.schema import KnowledgeError, validate_knowledge

KNOWLEDGE_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "knowledge.json"
Passage = dict


def knowledge_path() -> Path:
    """The knowledge file the servers load: $KNOWLEDGE_FILE if set, else the project's."""
    return Path(os.environ.get("KNOWLEDGE_FILE") or KNOWLEDGE_FILE)


def normalise(text: str) -> str:
    """Lower case, punctuation to spaces, single spaces: "Weak-cervix?" -> "weak cervix"."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@dataclass
class Condition:
    """One article's knowledge: definition, sections and facts, each a list of passages."""

    data: dict

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def source(self) -> dict:
        return self.data["source"]

    @property
    def names(self) -> List[str]:
        return [self.name, *self.data["aliases"]]

    @property
    def passages(self) -> List[Passage]:
        """Every passage once, in article order."""
        seen: List[Passage] = []
        for group in [
            self.data["definition"],
            self.data["key_points"],
            *self.data["sections"].values(),
        ]:
            seen += [p for p in group if p not in seen]
        return seen

    def section(self, name: str) -> List[Passage]:
        return self.data["sections"].get(name, [])

    def fact(self, name: str) -> List[Passage]:
        return self.data["facts"].get(name, [])

    @property
    def term_phrases(self) -> Dict[str, str]:
        """People's phrases for the article's terms -> the article's word."""
        return self.data.get("term_phrases", {})

    def vocabulary(self) -> FrozenSet[str]:
        words = {lemma for p in self.passages for lemma in p["lemmas"]}
        return frozenset(words | {w for n in self.names for w in normalise(n).split()})


class KnowledgeStore:
    def __init__(self, knowledge: dict) -> None:
        self.knowledge = knowledge
        self.conditions = [Condition(c) for c in knowledge["conditions"]]
        self._by_name: Dict[str, Condition] = {
            normalise(n): c for c in self.conditions for n in c.names
        }
        self.vocabulary: FrozenSet[str] = frozenset(
            set().union(*(c.vocabulary() for c in self.conditions))
            | set(knowledge["question_words"])
            | set(knowledge["question_synonyms"])
            | {w for groups in knowledge["fact_questions"].values() for g in groups for w in g}
        )

    @classmethod
    def load(cls, path: Path = KNOWLEDGE_FILE) -> "KnowledgeStore":
        """Read and validate the file; any problem is a KnowledgeError naming the file."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise KnowledgeError(
                f"{path}: cannot read the knowledge file ({error.strerror})"
            ) from None
        if not text.strip():
            raise KnowledgeError(f"{path}: the knowledge file is empty")
        try:
            knowledge = json.loads(text)
        except json.JSONDecodeError as error:
            raise KnowledgeError(f"{path}: not valid JSON ({error})") from None
        validate_knowledge(knowledge, str(path))
        return cls(knowledge)

    @property
    def question_synonyms(self) -> Dict[str, str]:
        return self.knowledge["question_synonyms"]

    @property
    def question_words(self) -> FrozenSet[str]:
        return frozenset(self.knowledge["question_words"])

    @property
    def fact_questions(self) -> Dict[str, List[List[str]]]:
        return self.knowledge["fact_questions"]

    @property
    def aspects(self) -> Dict[str, List[str]]:
        return self.knowledge["aspects"]

    @functools.cached_property
    def everyday_words(self) -> FrozenSet[str]:
        """Everyday English and the words of the questions the bot is trained to answer."""
        return frozenset(self.knowledge.get("everyday_words", ()))

    @functools.cached_property
    def article_terms(self) -> FrozenSet[str]:
        """The articles' own terms ("ehlers", "curettage", "ultrasonography")."""
        return frozenset(self.knowledge.get("article_terms", ()))

    @functools.cached_property
    def framing_words(self) -> FrozenSet[str]:
        """Words the training questions often use for what the article covers ("back")."""
        return frozenset(self.knowledge.get("framing_words", ()))

    @functools.cached_property
    def other_subject_words(self) -> FrozenSet[str]:
        """Everyday words that name another health subject ("cold", "knee")."""
        return frozenset(self.knowledge.get("other_subject_words", ()))

    @functools.cached_property
    def plain_words(self) -> FrozenSet[str]:
        """Plain English rarer than everyday ("shrugged", "unclear"), none of it medical."""
        return frozenset(self.knowledge.get("plain_words", ()))

    @functools.cached_property
    def health_words(self) -> FrozenSet[str]:
        """Rare words that may name a health subject ("lupus", "metformin")."""
        return frozenset(self.knowledge.get("health_words", ()))

    def find(self, name: Optional[str]) -> Optional[Condition]:
        """The condition called `name` or one of its aliases, forgiving small typos. Part of
        one condition's name ("incompetent": the classifier marked one word of "incompetent
        cervix", and Rasa put it in the slot) is that condition."""
        if not name:
            return None
        key = normalise(name)
        if key in self._by_name:
            return self._by_name[key]
        close = difflib.get_close_matches(key, list(self._by_name), n=1, cutoff=0.85)
        if close:
            return self._by_name[close[0]]
        words = set(key.split())
        owners = {c.name: c for n, c in self._by_name.items() if words and words <= set(n.split())}
        return next(iter(owners.values())) if len(owners) == 1 else None

    def mentioned_in(self, text: str) -> Optional[Condition]:
        """The condition whose name or alias appears in `text`, if any."""
        padded = f" {normalise(text)} "
        for key, condition in self._by_name.items():
            if f" {key} " in padded:
                return condition
        return None

    def first_known(self, names: Iterable[str]) -> Optional[Condition]:
        return next((c for c in (self.find(n) for n in names) if c), None)
