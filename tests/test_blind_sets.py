"""Installing a blind set as the measure and retiring it into training data, on scratch
folders: no line the model trains on may be scored, and no spent line may be lost."""

import json

import yaml

from bench.blind_sets import (
    Folders,
    dump,
    install,
    intent_examples,
    mark_conditions,
    retire,
    retire_scope,
)
from bench.nlu import examples


def nlu_file(path, intents):
    path.write_text(dump(intents, "scratch"), encoding="utf-8")
    return path


def folders(tmp_path):
    at = Folders(
        *(tmp_path / n for n in ("data", "heldout", "ans_heldout", "ans_dev")),
        knowledge=tmp_path / "knowledge.json",
    )
    for folder in (at.training, at.heldout, at.answers_heldout, at.answers_dev):
        folder.mkdir()
    conditions = [{"name": "cervical insufficiency", "aliases": ["weak cervix"]}]
    at.knowledge.write_text(json.dumps({"conditions": conditions}))
    nlu_file(at.training / "retired_blind_sets.yml", {"ask_what_is": ["what is a weak cervix"]})
    return at


def test_condition_names_are_marked_once_keeping_the_writers_spelling():
    names = ["cervical insufficiency", "weak cervix"]
    assert mark_conditions("is a Weak Cervix bad", names) == "is a [Weak Cervix](condition) bad"
    marked = "what is [weak cervix](condition)"
    assert mark_conditions(marked, names) == marked
    assert mark_conditions("a weak cervixes", names) == "a weak cervixes"  # whole words only
    nested = mark_conditions(
        "is gestational diabetes like diabetes", ["gestational diabetes", "diabetes"]
    )
    assert nested == "is [gestational diabetes](condition) like [diabetes](condition)"


def test_install_drops_lines_the_model_trains_on(tmp_path):
    at = folders(tmp_path)
    written = nlu_file(tmp_path / "nlu.yml", {"ask_what_is": ["What is a weak cervix?", "new one"]})
    answers = tmp_path / "answers.yml"
    answers.write_text(yaml.safe_dump({"questions": [{"text": "q", "section": "causes"}]}))
    assert install("blind_x", written, answers, "2026-11-25", at) == 1
    installed = at.heldout / "blind_x.yml"
    assert examples(installed) == ["new one"]
    assert "1 lines that are also training examples" in installed.read_text()
    assert (
        yaml.safe_load((at.answers_heldout / "blind_x.yml").read_text())["questions"][0]["text"]
        == "q"
    )


def test_retire_marks_names_and_drops_conflicts_and_duplicates(tmp_path):
    at = folders(tmp_path)
    nlu_file(
        at.heldout / "a.yml",
        {
            "ask_causes": ["why a weak cervix", "what is a weak cervix"],
            "ask_timing": ["when, exactly?"],
        },
    )
    nlu_file(at.heldout / "b.yml", {"ask_symptoms": ["When exactly"], "greet": ["hiya"]})
    for name in ("a", "b"):
        (at.answers_heldout / f"{name}.yml").write_text("questions: []\n")
    assert retire(["a", "b"], at) == {"added": 2, "conflicts": 1}
    merged = intent_examples(at.training / "retired_blind_sets.yml")
    assert merged == {
        "ask_what_is": ["what is a weak cervix"],
        "ask_causes": ["why a [weak cervix](condition)"],
        "greet": ["hiya"],
    }
    assert not list(at.heldout.iterdir()) and len(list(at.answers_dev.iterdir())) == 2


def test_a_spent_scope_set_becomes_training_lines_with_intents(tmp_path):
    at = folders(tmp_path)
    answers = tmp_path / "answers_x.yml"
    answers.write_text(yaml.safe_dump({"questions": [
        {"text": "why does a weak   cervix open", "section": "causes"},
        {"text": "how much does the stitch cost", "section": "not_found"},
        {"text": "im bleeding at 20 weeks", "section": "urgent"},
    ]}))  # fmt: skip
    talks = tmp_path / "conversations_x.yml"
    talks.write_text(yaml.safe_dump({"conversations": [
        {"id": "c1", "turns": [{"text": "hiya", "expect": "smalltalk"},
                               {"text": "and when?", "expect": "timing"}]},
        {"id": "c2", "turns": [{"text": "what is a weak cervix", "expect": "what_is"}]},
        {"id": "c3", "turns": [{"text": "is a weak cervix common", "expect": "not_found"},
                               {"text": "why though", "expect": "causes"},
                               {"text": "is it common?", "expect": "not_found"}]},
    ]}))  # fmt: skip
    assert retire_scope([answers, talks], at) == {"added": 6, "conflicts": 0}
    merged = intent_examples(at.training / "retired_blind_sets.yml")
    assert merged == {
        "ask_what_is": ["what is a weak cervix"],  # already there: not twice
        "ask_causes": ["why does a [weak cervix](condition) open", "why though"],
        "out_of_scope": ["how much does the stitch cost", "is a [weak cervix](condition) common"],
        "report_emergency": ["im bleeding at 20 weeks"],
        "ask_timing": ["and when?"],
    }  # a later turn's Not Found ("is it common?") and small talk are not taken
    assert answers.exists() and talks.exists()
