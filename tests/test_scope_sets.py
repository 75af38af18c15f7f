"""The measures of bench/scope.py: held-out sets that do not echo the training data, a large
generated out-of-scope set that leaves the article's own terms out, and a judge that can fail."""

from pathlib import Path

import pytest
import yaml

from bench import generated, scope
from bench.blind_sets import ECHO_JACCARD, echoes, install_scope_set, training_trigrams, trigrams
from bench.sections import SectionJudge
from medinfo.language import words
from medinfo.safety import URGENT
from medinfo.store import KnowledgeStore
from medinfo.understanding import Question, about_the_condition


@pytest.fixture(scope="module")
def training():
    return training_trigrams()


@pytest.fixture(scope="module")
def judge():
    return SectionJudge(KnowledgeStore.load())


def held_out_lines():
    for path in sorted(scope.HELDOUT.glob("*.yml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        if "conversations" in data:
            for turns in scope.load_conversations(path):
                yield from ((path.name, t) for t, label in turns if label is not None)
        else:
            yield from ((path.name, t) for t, _ in scope.load_questions(path))


def test_no_held_out_line_echoes_a_training_line(training):
    lines = list(held_out_lines())
    assert len(lines) >= 300  # w18 to w21: 349 scored lines
    echoing = [(name, text) for name, text in lines if echoes(text, training)]
    assert not echoing, f"held-out lines at trigram Jaccard >= {ECHO_JACCARD}: {echoing[:5]}"


def test_the_echo_check_sees_a_near_duplicate_not_only_an_exact_one():
    training = [trigrams("what are the symptoms of a [weak cervix](condition)?")]
    assert echoes("What are the symptoms of a weak cervix", training)
    assert echoes("what are the symptom of a weak cervix??", training)
    assert not echoes("can my partner feel the stitch during sex", training)


def test_installing_drops_echoing_questions_and_leaves_echoing_turns_unscored(tmp_path):
    nlu = tmp_path / "nlu"
    nlu.mkdir()
    (nlu / "a.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: ask_symptoms\n  examples: |\n'
        "    - what are the symptoms of a [weak cervix](condition)\n- intent: thanks\n"
        "  examples: |\n    - thanks a lot\n"
    )
    answers = tmp_path / "answers.yml"
    answers.write_text(
        "questions:\n- {text: 'What are the symptoms of a weak cervix?', section: symptoms}\n"
        "- {text: does the stitch hurt during sex, section: not_found}\n"
    )
    assert install_scope_set(answers, tmp_path / "out.yml", "today", nlu) == 1
    assert [q for q, _ in scope.load_questions(tmp_path / "out.yml")] == [
        "does the stitch hurt during sex"
    ]
    conversations = tmp_path / "conversations.yml"
    conversations.write_text(
        "conversations:\n- id: c1\n  turns:\n"
        "  - {text: what is a cerclage exactly, expect: treatment}\n"
        "  - {text: 'Thanks a lot!', expect: smalltalk}\n"
    )
    assert install_scope_set(conversations, tmp_path / "c.yml", "today", nlu) == 1
    assert scope.load_conversations(tmp_path / "c.yml") == [
        [("what is a cerclage exactly", "treatment"), ("Thanks a lot!", None)]
    ]


def test_the_generated_set_is_large_and_leaves_the_articles_terms_out():
    rows = generated.questions()
    assert len(rows) >= 2000
    assert {kind for _, kind in rows} == {"condition", "drug", "procedure"}
    assert len({q for q, _ in rows}) == len(rows)
    for banned in ("cervi", "cerclage", "progesterone", "miscarriage", "ehlers", "curettage"):
        assert not [q for q, _ in rows if banned in q.lower()]
    assert generated.questions() == rows  # the same questions on every run


def test_the_judge_needs_the_right_section_urgent_advice_and_silence(judge):
    store = KnowledgeStore.load()
    condition = store.conditions[0]
    symptoms = "\n".join(p["text"] for p in condition.section("symptoms"))
    assert scope.right(judge, symptoms, "symptoms")
    assert not scope.right(judge, symptoms, "treatment")
    assert not scope.right(judge, symptoms, "not_found")
    assert scope.right(judge, "Not Found: the article says nothing about that.", "not_found")
    assert scope.right(judge, URGENT, "urgent")
    assert not scope.right(judge, symptoms, "urgent")


def test_every_held_out_file_has_known_labels():
    files = sorted(scope.HELDOUT.glob("*.yml"))
    assert {p.stem.split("_w")[0] for p in files} >= {"answers", "near_misses", "conversations"}
    for path in files:
        loader = scope.load_conversations if "conversations" in path.name else scope.load_questions
        assert loader(Path(path))


def test_no_generated_question_is_about_the_condition(store, nlp):
    """The health words come from both halves of the terminologies (medinfo/lexicon.py)
    because only messages about the condition use them: none of these may be one."""
    about = [
        q for q, _ in generated.questions()
        if about_the_condition(store, Question("out_of_scope", q, words(nlp, q)))
    ]  # fmt: skip
    assert not about
