"""serving.sentence_features: DIET gets one empty token instead of the text's per-token
features, which is harmless only while DIET reads its intent off the sentence position."""

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_cli import PROJECT
from serving.sentence_features import SentenceFeaturesOnly


def featurized(tmp_path, texts):
    data = TrainingData(
        training_examples=[Message(data={"text": t, "intent": "ask_causes"}) for t in texts]
    )
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process_training_data(data)
    context = ExecutionContext(GraphSchema({}), "test")
    featurizer = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("cv"),
        context,
    )
    featurizer.train(data)
    featurizer.process_training_data(data)
    return data


def text_features(message, kind):
    return [f for f in message.features if f.attribute == "text" and f.type == kind]


def test_the_text_keeps_its_sentence_features_and_gets_one_empty_token(tmp_path):
    data = featurized(tmp_path, ["what causes a weak cervix", "why does it open early"])
    message = data.training_examples[0]
    sentence = text_features(message, "sentence")[0].features.toarray()
    assert len(text_features(message, "sequence")[0].features.toarray()) == 5  # one per word
    kept = [id(f) for f in message.features if f.type != "sequence" or f.attribute != "text"]

    SentenceFeaturesOnly().process_training_data(data)

    (sequence,) = text_features(message, "sequence")
    assert sequence.features.shape == (1, 1) and sequence.features.nnz == 0
    np.testing.assert_array_equal(
        text_features(message, "sentence")[0].features.toarray(), sentence
    )
    assert [id(f) for f in message.features if f is not sequence] == kept


def test_a_parsed_message_is_treated_as_a_training_one(tmp_path):
    data = featurized(tmp_path, ["what causes a weak cervix"])
    (message,) = SentenceFeaturesOnly().process([data.training_examples[0]])
    assert text_features(message, "sequence")[0].features.shape == (1, 1)


def test_diet_reads_its_intent_off_the_sentence_position_only():
    # Each of these would carry the per-token features to the intent: with one of them on,
    # the component must go.
    config = TrainingDataImporter.load_from_config(str(PROJECT / "config.yml")).get_config()
    names = [c["name"] for c in config["pipeline"]]
    diet = next(c for c in config["pipeline"] if c["name"] == "DIETClassifier")
    assert names.index("serving.sentence_features.SentenceFeaturesOnly") < names.index(
        "DIETClassifier"
    )
    assert diet["number_of_transformer_layers"] == 0
    assert diet["entity_recognition"] is False
    assert not diet.get("use_masked_language_model", False)
