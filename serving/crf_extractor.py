"""Rasa's CRFEntityExtractor, trained on its own copy of the training data.

Why: Rasa 3.6's CRFEntityExtractor.train writes BILOU tags into the training messages it is
given, and those messages are shared with DIETClassifier and EntitySynonymMapper (every
classifier and extractor of the pipeline gets the same featurized data). Rasa's training
cache keys each component by the fingerprint of its input as the component starts, while
`rasa train --dry-run` (and the next `rasa train`) computes the key from the fingerprint
stored when the input was made. The CRF trains first, so DIET and the synonym mapper were
keyed by data the dry run never sees: every `rasa train` missed the cache and trained them
again (docs/serving.md, "Why every start retrained"). Training on a copy leaves the shared
data as it was; the trained CRF is the same.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def private_copy(training_data: TrainingData) -> TrainingData:
    """The same examples as new Message objects, so setting data on them changes nothing
    shared (features, which the CRF only reads, are shared)."""
    examples = [
        Message(
            data=dict(message.data),
            output_properties=set(message.output_properties),
            time=message.time,
            features=list(message.features),
        )
        for message in training_data.training_examples
    ]
    return TrainingData(
        training_examples=examples,
        entity_synonyms=training_data.entity_synonyms,
        regex_features=training_data.regex_features,
        lookup_tables=training_data.lookup_tables,
        responses=training_data.responses,
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class CRFExtractor(CRFEntityExtractor):
    """CRFEntityExtractor that does not write into the pipeline's shared training data."""

    def train(self, training_data: TrainingData) -> Resource:
        return super().train(private_copy(training_data))
