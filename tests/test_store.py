import json

import pytest

from medinfo.schema import KnowledgeError
from medinfo.store import KNOWLEDGE_FILE, KnowledgeStore


@pytest.mark.parametrize(
    "name",
    [
        "cervical insufficiency",
        "Weak cervix",
        "incompetent-cervix",
        "cervical insufficency",
        "incompetent",  # part of one condition's name, as the classifier sometimes marks it
        "cervix weak",
    ],
)
def test_finds_the_condition_by_name_alias_or_typo(store, name):
    assert store.find(name).name == "cervical insufficiency"


@pytest.mark.parametrize("name", ["diabetes", "preeclampsia", "", None, "cervical cancer"])
def test_other_conditions_are_not_found(store, name):
    assert store.find(name) is None


def test_finds_a_condition_named_in_a_sentence(store):
    assert (
        store.mentioned_in("My doctor says I have an INCOMPETENT cervix?").name
        == "cervical insufficiency"
    )
    assert store.mentioned_in("what is a cervix") is None


def test_vocabulary_holds_article_and_question_words(store):
    assert {
        "cerclage",
        "progesterone",
        "ultrasonography",
        "diagnose",
        "midwife",
    } <= store.vocabulary
    assert "diabetes" not in store.vocabulary


@pytest.fixture
def valid():
    return json.loads(KNOWLEDGE_FILE.read_text(encoding="utf-8"))


def write(tmp_path, text):
    path = tmp_path / "knowledge.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_is_refused_by_name(tmp_path):
    with pytest.raises(KnowledgeError, match="nowhere.json: cannot read"):
        KnowledgeStore.load(tmp_path / "nowhere.json")


@pytest.mark.parametrize(
    "text, problem", [("", "empty"), ("  \n", "empty"), ("{not json", "not valid JSON")]
)
def test_empty_or_broken_file_is_refused(tmp_path, text, problem):
    with pytest.raises(KnowledgeError, match=problem):
        KnowledgeStore.load(write(tmp_path, text))


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda k: k.update(conditions=[]), "conditions"),
        (lambda k: k["conditions"][0].pop("source"), "conditions/0"),
        (lambda k: k["conditions"][0]["sections"]["causes"].append({"text": ""}), "causes"),
        (lambda k: k.update(extra=1), "top level"),
    ],
)
def test_schema_violations_are_refused_with_the_place(tmp_path, valid, change, where):
    change(valid)
    with pytest.raises(KnowledgeError, match="does not match the knowledge schema") as error:
        KnowledgeStore.load(write(tmp_path, json.dumps(valid)))
    assert where in str(error.value)
