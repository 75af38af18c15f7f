"""End-to-end answers: each question of the answer files (bench/answers_*/) sent through
the REST webhook in a conversation of its own, and the reply traced back to the article
section it quotes."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from bench.sections import NOT_FOUND, SectionJudge
from bench.serving import say

HERE = Path(__file__).resolve().parent
# The measure: questions written blind (the writers read only the article), misses unseen.
# The development files' misses were seen while the bot was tuned, so they are reported apart.
HELDOUT_FILES = sorted((HERE / "answers_heldout").glob("*.yml"))
DEV_FILES = sorted((HERE / "answers_dev").glob("*.yml"))


def load(judge: SectionJudge, paths: List[Path]) -> List[Tuple[str, str]]:
    """(question, expected section) pairs; an unknown section name is an error."""
    entries = [
        e for path in paths for e in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    ]
    return [(e["text"], judge.canonical(e["section"])) for e in entries]


def run(judge: SectionJudge, questions: List[Tuple[str, str]]) -> Dict:
    rows = []
    for question, expected in questions:
        replies = say(f"bench-answers-{uuid.uuid4().hex[:8]}", question)
        text = "\n".join(r.get("text", "") for r in replies)
        rows.append((question, expected, judge.answered_from(text), judge.correct(text, expected)))
    in_scope = [r for r in rows if r[1] != NOT_FOUND]
    out_scope = [r for r in rows if r[1] == NOT_FOUND]
    return {
        "questions": len(rows),
        "right_share": sum(r[3] for r in rows) / len(rows),
        "in_scope": len(in_scope),
        "in_scope_right": sum(r[3] for r in in_scope) / max(len(in_scope), 1),
        "in_scope_not_found": sum(r[2] == NOT_FOUND for r in in_scope) / max(len(in_scope), 1),
        "not_found_questions": len(out_scope),
        "not_found_right": sum(r[3] for r in out_scope) / max(len(out_scope), 1),
        "wrong": [(q, e, got) for q, e, got, ok in rows if not ok],
    }
