"""`make run` on an unchanged checkout must not retrain: right after a training, Rasa's own
check (`rasa train --dry-run`) finds every component in its training cache. Two Rasa 3.6
traps broke that (docs/serving.md, "Why every start retrained"); the fast tests pin each
cause, the slow one proves the whole from an empty cache."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.common import override_defaults

from rasa_cli import ENV, PROJECT
from serving.crf_extractor import CRFExtractor


def pipeline_config(name):
    config = TrainingDataImporter.load_from_config(str(PROJECT / "config.yml")).get_config()
    return next(c for c in config["pipeline"] if c["name"] == name)


def test_diet_is_keyed_alike_by_training_and_by_the_dry_run():
    # Training merges a dict option with its defaults (override_defaults); the dry run's
    # fingerprint takes {**defaults, **config}. They agree only when each dict option is
    # given in full.
    config = {k: v for k, v in pipeline_config("DIETClassifier").items() if k != "name"}
    defaults = DIETClassifier.get_default_config()
    assert override_defaults(defaults, config) == {**defaults, **config}


def featurized_examples():
    examples = [
        Message(data={"text": "is a weak cervix common", "intent": "what_is"}),
        Message(
            data={
                "text": "what causes weak cervix",
                "intent": "causes",
                "entities": [{"start": 12, "end": 23, "value": "weak cervix", "entity": "c"}],
            }
        ),
    ]
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer

    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    data = TrainingData(training_examples=examples)
    tokenizer.process_training_data(data)
    return data


def test_the_crf_trains_without_changing_the_pipelines_shared_data(tmp_path):
    data = featurized_examples()
    before = data.fingerprint()
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**CRFExtractor.get_default_config(), "features": [["low"], ["low", "bias"], ["low"]]}
    extractor = CRFExtractor.create(config, storage, Resource("crf"), context)
    extractor.train(data)
    assert extractor.entity_taggers, "the CRF trained"
    assert data.fingerprint() == before


@pytest.mark.slow
def test_a_dry_run_right_after_training_finds_nothing_to_retrain(tmp_path):
    # An empty cache of its own, as on a fresh clone; the project's own entry point.
    env = {**ENV, "RASA_CACHE_DIRECTORY": str(tmp_path / "cache")}
    import subprocess

    def train(*args):
        return subprocess.run(
            [str(PROJECT / ".venv/bin/python"), "-m", "serving", "train", *args],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )

    trained = train("--out", str(tmp_path / "models"))
    assert trained.returncode == 0, trained.stdout[-3000:] + trained.stderr[-3000:]
    dry = train("--dry-run")
    assert dry.returncode == 0, dry.stdout[-3000:]
    assert "No training of components required" in dry.stdout
