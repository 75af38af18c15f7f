"""The Rasa server tuning: the faster check of action server responses accepts and rejects
what Rasa's own does."""

import gc

import jsonschema
import pytest
import rasa.core.actions.action
from rasa.core.actions.action import RemoteAction

from serving.action_fallback import FallbackRemoteAction
from serving.server_tuning import ServerTuning, freeze_loaded_objects, validate_action_result

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


def test_the_pipeline_step_installs_the_custom_action_fallback():
    # Rasa builds custom actions through this module-level name.
    assert rasa.core.actions.action.RemoteAction is FallbackRemoteAction


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


def test_the_first_message_freezes_the_loaded_objects():
    gc.unfreeze()
    freeze_loaded_objects.cache_clear()
    messages = ["a message"]
    assert ServerTuning().process(messages) is messages
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
