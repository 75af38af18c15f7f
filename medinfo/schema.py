"""Validation of the knowledge file against knowledge/knowledge.schema.json.

The builder validates before it writes and the action server before it serves, so a file
that was edited by hand or half-written is refused with a message naming it and the problem.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

SCHEMA = Path(__file__).resolve().parent.parent / "knowledge" / "knowledge.schema.json"


class KnowledgeError(ValueError):
    """The knowledge file is missing, unreadable, empty or does not match the schema."""


def validate_knowledge(knowledge: object, label: str) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(knowledge)
    )
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "top level"
        raise KnowledgeError(
            f"{label}: does not match the knowledge schema at {where}: {error.message}"
        )
