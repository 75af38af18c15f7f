"""Two fixes for the Rasa server's hot path, found by profiling a turn in `make bench`;
serving/rasa_patches.py installs them when the project's entry point starts Rasa.

1. Check custom-action responses against their JSON schema without re-checking the schema,
and each event against its own type only.
Rasa 3.6 validates every action server response with `jsonschema.validate`, which first
checks the (constant) schema itself against the JSON Schema meta-schema. `make bench`
profiled that meta-check at about 60 % of the Rasa server's CPU under load. This module makes
the check once and reuses one validator: the same responses pass and fail, with the same
message.
2. Take the loaded model's objects out of the garbage collector's reach (see below).
"""

from __future__ import annotations

import functools
import gc
from typing import Any, Dict, Text

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.lru_cache(maxsize=1)
def response_validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


@functools.lru_cache(maxsize=1)
def event_validators():
    """(checks common to all events, {event type: its own checks}).

    The schema checks each event against a `oneOf` of 23 event types, each told apart by a
    `const` "event" name; jsonschema tries all 23 (0.4 ms per SlotSet in `make bench`'s
    profile). With distinct names, exactly one branch matches if and only if the event's own
    branch does, so checking that branch alone accepts the same events."""
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    item = schema["properties"]["events"]["items"]
    common = cls({key: value for key, value in item.items() if key != "oneOf"})
    branches = {b["properties"]["event"]["const"]: cls(b) for b in item["oneOf"]}
    assert len(branches) == len(item["oneOf"]), "event types must have distinct names"
    return common, branches


def is_valid_fast(result: Any) -> bool:
    """True only for responses the full schema accepts (False means: ask the full check)."""
    if not isinstance(result, dict):
        return False
    events, responses = result.get("events", []), result.get("responses", [])
    if not isinstance(events, list) or not isinstance(responses, list):
        return False
    if not all(isinstance(r, dict) for r in responses):
        return False
    common, branches = event_validators()
    for event in events:
        if not common.is_valid(event):
            return False
        branch = branches.get(event["event"])
        if branch is None or not branch.is_valid(event):
            return False
    return True  # the schema constrains no other key


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result: a fast check of each event by its own type;
    anything it doesn't pass gets the full check, for Rasa's exact error."""
    if is_valid_fast(result):
        return True
    error = best_match(response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


async def freeze_loaded_objects(app: Any = None, loop: Any = None) -> None:
    """A Sanic `after_server_start` listener (the model is loaded before the server starts):
    move every object alive to the garbage collector's permanent generation. The loaded model
    leaves about 740,000 long-lived objects; a full collection walking them took 500 ms,
    during which every conversation waits (measured on the bench machine under load)."""
    gc.collect()
    gc.freeze()
