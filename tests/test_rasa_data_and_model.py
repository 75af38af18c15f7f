"""Rasa's own checks on the training data, the held-out NLU set and the test stories."""

import json

import pytest

from rasa_cli import latest_model, rasa

# Regression guards with a margin for the model's run-to-run variation; the quality targets
# themselves (97 % accuracy, 95 % out-of-scope recall) are measured by `make bench`.
MIN_ACCURACY = 0.93
MIN_OUT_OF_SCOPE_RECALL = 0.90
NOT_FOUND_INTENTS = {"out_of_scope", "nlu_fallback"}  # both are answered "Not Found"


def test_training_data_is_valid():
    result = rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def heldout(tmp_path_factory):
    out = tmp_path_factory.mktemp("nlu")
    result = rasa(
        "test",
        "nlu",
        "--nlu",
        "tests/nlu_heldout.yml",
        "--model",
        str(latest_model()),
        "--out",
        str(out),
        "--successes",
        "--no-plot",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads((out / "intent_successes.json").read_text())
    rows += json.loads((out / "intent_errors.json").read_text())
    return [(r["intent"], r["intent_prediction"]["name"], r["text"]) for r in rows]


def test_heldout_intent_accuracy(heldout):
    wrong = [(t, want, got) for want, got, t in heldout if want != got]
    accuracy = 1 - len(wrong) / len(heldout)
    print(f"held-out intent accuracy: {accuracy:.3f} on {len(heldout)} messages")
    assert len(heldout) >= 150
    assert accuracy >= MIN_ACCURACY, wrong


def test_heldout_out_of_scope_recall(heldout):
    out_of_scope = [(t, got) for want, got, t in heldout if want == "out_of_scope"]
    missed = [(t, got) for t, got in out_of_scope if got not in NOT_FOUND_INTENTS]
    recall = 1 - len(missed) / len(out_of_scope)
    print(f"held-out out-of-scope recall: {recall:.3f} on {len(out_of_scope)} messages")
    assert recall >= MIN_OUT_OF_SCOPE_RECALL, missed


def test_conversation_stories(tmp_path):
    result = rasa(
        "test",
        "core",
        "--stories",
        "tests/test_stories.yml",
        "--model",
        str(latest_model()),
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
        "--no-plot",
    )
    failed = tmp_path / "failed_test_stories.yml"
    assert result.returncode == 0, failed.read_text() if failed.exists() else result.stderr[-3000:]
