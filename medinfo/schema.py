"""Validation of the knowledge file and of the builder's inputs against their JSON schemas
(knowledge/*.schema.json).

The builder validates the rules and each article's meta file before it reads them, and the
knowledge file before it writes it; the action server validates the knowledge file before it
serves. A file edited by hand or half-written is refused with a message naming the file, the
key and the problem.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import jsonschema

SCHEMAS = Path(__file__).resolve().parent.parent / "knowledge"
SCHEMA = SCHEMAS / "knowledge.schema.json"
RULES_SCHEMA = SCHEMAS / "article_rules.schema.json"
META_SCHEMA = SCHEMAS / "article_meta.schema.json"


class KnowledgeError(ValueError):
    """The knowledge file is missing, unreadable, empty or does not match the schema."""


def problem(data: object, schema_path: Path) -> Optional[str]:
    """ "at KEY: PROBLEM" for the most relevant way `data` breaks the schema, or None."""
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    resolver = jsonschema.RefResolver(base_uri=f"{schema_path.parent.as_uri()}/", referrer=schema)
    validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "top level"
    return f"at {where}: {error.message}"


def validate_knowledge(knowledge: object, label: str) -> None:
    found = problem(knowledge, SCHEMA)
    if found:
        raise KnowledgeError(f"{label}: does not match the knowledge schema {found}")
