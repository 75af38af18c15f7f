"""Which article section a reply was answered from, judged by its sentences.

The bot states only article sentences word for word, so a reply is traced back by finding the
knowledge file's passages in its text; the section is the one holding most of them. The same
judge scores the bot and the reference retriever, and nothing about either is hard-coded.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Set

from medinfo.store import KnowledgeStore

NOT_FOUND = "not_found"
# Other names a hand-written answer file may use for a section of the knowledge file.
ALIASES = {
    "what_is": "overview",
    "definition": "overview",
    "key_points": "overview",
    "risk": "risk_factors",
    "risks": "risk_factors",
    "risk factors": "risk_factors",
    "cause": "causes",
    "symptom": "symptoms",
    "treatments": "treatment",
    "notfound": NOT_FOUND,
    "not found": NOT_FOUND,
    "none": NOT_FOUND,
}


class SectionJudge:
    def __init__(self, store: KnowledgeStore) -> None:
        condition = store.conditions[0]
        data = condition.data
        # The lead of the article (definition, key points, overview) is the "overview".
        self.sections: Dict[str, List[str]] = {
            "overview": [p["text"] for p in data["definition"] + data["key_points"]]
            + [p["text"] for p in data["sections"].get("overview", [])]
        }
        for name, passages in data["sections"].items():
            if name != "overview":
                self.sections[name] = [p["text"] for p in passages]
        for name, passages in data["facts"].items():  # recurrence, timing, cerclage...
            self.sections.setdefault(name, [p["text"] for p in passages])
        self.passages: List[str] = sorted(
            {t for texts in self.sections.values() for t in texts}, key=len, reverse=True
        )

    def canonical(self, section: str) -> str:
        key = str(section).strip().lower().replace("-", "_")
        key = ALIASES.get(key, ALIASES.get(key.replace("_", " "), key))
        if key != NOT_FOUND and key not in self.sections:
            raise ValueError(f"unknown section {section!r}: use one of {self.names()}")
        return key

    def names(self) -> List[str]:
        return [*self.sections, NOT_FOUND]

    def found(self, text: str) -> Set[str]:
        """The article passages quoted in `text`."""
        return {p for p in self.passages if p in text}

    def share(self, quoted: Iterable[str], section: str) -> float:
        quoted = set(quoted)
        if not quoted:
            return 0.0
        return len(quoted.intersection(self.sections[section])) / len(quoted)

    def answered_from(self, text: str) -> str:
        """The section holding most of the passages quoted in `text`; not_found if none.
        Ties go to the smaller (more specific) section."""
        quoted = self.found(text)
        if not quoted:
            return NOT_FOUND
        return max(self.sections, key=lambda s: (self.share(quoted, s), -len(self.sections[s])))

    def correct(self, text: str, expected: str) -> bool:
        """Right if nothing is quoted for not_found, else at least half the quoted passages
        come from the expected section (a cerclage answer may open with a key point)."""
        quoted = self.found(text)
        if expected == NOT_FOUND:
            return not quoted
        return self.share(quoted, expected) >= 0.5
