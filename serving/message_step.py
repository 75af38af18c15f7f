"""The base of our pipeline steps: stateless, applied to every message alike in training and
in use (serving/question_part.py, serving/sentence_features.py)."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


class MessageStep(GraphComponent):
    """A step with nothing to train or store: `apply` changes one message in place."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MessageStep":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.apply(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self.apply(message)
        return training_data

    @staticmethod
    def apply(message: Message) -> None:
        raise NotImplementedError
