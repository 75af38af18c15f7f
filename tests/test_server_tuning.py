"""The Rasa server tuning: the faster check of action server responses accepts and rejects
what Rasa's own does. (That Rasa still calls it: tests/test_rasa_patches.py.)"""

import asyncio
import gc

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from serving.server_tuning import freeze_loaded_objects, is_valid_fast, validate_action_result

VALID = {
    "events": [{"event": "slot", "name": "condition", "value": "cervical insufficiency"}],
    "responses": [{"text": "Cervical insufficiency: causes.", "buttons": []}],
}
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": "condition", "value": "x", "timestamp": "noon"}]},
    {"responses": [42]},
]


def rasa_check(result):
    jsonschema.validate(result, RemoteAction.action_response_format_spec())


def test_a_valid_response_passes():
    rasa_check(VALID)
    assert validate_action_result(None, VALID) is True


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_response_fails_as_with_rasas_check(result):
    with pytest.raises(jsonschema.ValidationError) as theirs:
        rasa_check(result)
    with pytest.raises(jsonschema.ValidationError) as ours:
        validate_action_result(None, result)
    assert ours.value.message.startswith(theirs.value.message)
    assert "Failed to validate Action server response" in ours.value.message


# Events of several types, valid and not, to compare the fast check with the full one.
EVENTS = [
    {"event": "slot", "name": "condition", "value": None},
    {"event": "slot", "name": "condition"},
    {"event": "bot", "text": "hello", "data": {"buttons": []}},
    {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}},
    {"event": "user", "parse_data": {"intent": {"name": 3}}},
    {"event": "action", "name": "action_listen", "confidence": 1.0},
    {"event": "action", "name": 7},
    {"event": "followup", "name": "action_help"},
    {"event": "restart", "timestamp": 1.5},
    {"event": "restart", "timestamp": "noon"},
    {"event": "no_such_event"},
    {"event": 5},
    {"name": "condition", "value": "x"},
    "not an event",
    {"event": "reset_slots", "metadata": None},
    {"event": "entities", "entities": [{"entity": "condition", "value": "x"}]},
    {"event": "entities", "entities": [{"entity": "condition"}]},
]


@pytest.mark.parametrize("first", range(len(EVENTS)))
def test_the_fast_check_accepts_exactly_what_the_full_schema_accepts(first):
    for second in EVENTS:
        for responses in ([], [{"text": "a"}], ["text"]):
            result = {"events": [EVENTS[first], second], "responses": responses}
            try:
                rasa_check(result)
                valid = True
            except jsonschema.ValidationError:
                valid = False
            assert is_valid_fast(result) is valid, result
            if not valid:
                with pytest.raises(jsonschema.ValidationError):
                    validate_action_result(None, result)


def test_the_server_start_listener_freezes_the_loaded_objects():
    gc.unfreeze()
    asyncio.run(freeze_loaded_objects(None, None))
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
