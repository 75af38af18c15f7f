"""The bench's pure parts: tracing a reply to its section, the answer file, the retriever and
the NLU summary. (The bench itself runs with `make bench`, not in the test suite.)"""

import pytest

from bench import answers, retriever
from bench.nlu import summarise
from bench.sections import NOT_FOUND, SectionJudge
from medinfo.answers import Question, answer


@pytest.fixture(scope="module")
def judge(store):
    return SectionJudge(store)


def reply_text(store, nlp, intent, text):
    from medinfo.language import words

    reply = answer(store, Question(intent, text, words(nlp, text)), remind=False)
    return "\n".join(m["text"] for m in reply.messages)


def test_a_reply_is_traced_to_the_section_it_quotes(judge, store, nlp):
    text = reply_text(store, nlp, "ask_causes", "what causes cervical insufficiency")
    assert judge.answered_from(text) == "causes"
    assert judge.correct(text, "causes") and not judge.correct(text, "symptoms")


def test_not_found_quotes_nothing(judge, store, nlp):
    text = reply_text(store, nlp, "ask_symptoms", "symptoms of preeclampsia")
    assert judge.answered_from(text) == NOT_FOUND
    assert judge.correct(text, NOT_FOUND) and not judge.correct(text, "symptoms")


def test_section_names_of_the_answer_file(judge):
    assert judge.canonical("what_is") == "overview"
    assert judge.canonical("Not Found") == NOT_FOUND
    with pytest.raises(ValueError, match="unknown section"):
        judge.canonical("prognosis")


def test_the_answer_files_name_only_known_sections(judge):
    for paths in (answers.HELDOUT_FILES, answers.DEV_FILES):
        questions = answers.load(judge, paths)
        assert len(questions) >= 50
        assert {s for _, s in questions} >= {"causes", "treatment", NOT_FOUND}


def test_the_retriever_indexes_article_paragraphs_only(judge):
    paragraphs = retriever.paragraphs(judge)
    assert paragraphs and all(judge.found(p) for p in paragraphs)
    assert not any("Find information on medical topics" in p for p in paragraphs)
    best, similarity = retriever.Retriever(paragraphs).best("what causes a weak cervix?")
    assert "not well understood" in best and similarity > 0


def test_nlu_summary():
    rows = [
        ("ask_causes", "ask_causes", "a"),
        ("ask_causes", "nlu_fallback", "b"),
        ("out_of_scope", "out_of_scope", "c"),
        ("out_of_scope", "ask_symptoms", "d"),
    ]
    s = summarise(rows)
    assert s["accuracy"] == 0.5
    assert s["oos_recall"] == 0.5 and s["oos_precision"] == 0.5
    assert s["in_scope_not_found"] == 0.5
    assert s["worst_pairs"][0][2] == 1
