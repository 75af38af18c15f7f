"""Check custom-action responses against their JSON schema without re-checking the schema.

Rasa 3.6 validates every action server response with `jsonschema.validate`, which first
checks the (constant) schema itself against the JSON Schema meta-schema. `make bench`
profiled that meta-check at about 60 % of the Rasa server's CPU under load. This module makes
the check once and reuses one validator: the same responses pass and fail, with the same
message. It is loaded through `config.yml`, the one place Rasa imports project code in the
server; the component itself passes messages through untouched.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, List, Text

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


@functools.lru_cache(maxsize=1)
def response_validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result, with the validator built once."""
    error = best_match(response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


RemoteAction._validate_action_result = validate_action_result


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ActionResponseCheck(GraphComponent):
    """A pass-through pipeline step whose import installs the validator above."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ActionResponseCheck":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
