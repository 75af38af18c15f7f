"""The faster check of action server responses accepts and rejects what Rasa's own does."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from components.action_response_check import validate_action_result

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


def test_installed_in_place_of_rasas_check():
    assert RemoteAction._validate_action_result is validate_action_result


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
