import re
import shutil

import pytest
import yaml

from conftest import ARTICLE, FIXTURE_SOURCES, PROJECT
from medinfo import builder
from medinfo.answers import INTENT_TOPIC, TOPICS, Question, answer, help_reply, not_found
from medinfo.language import words
from medinfo.lexicon import asked_word_lines
from medinfo.safety import REMINDER, URGENT
from medinfo.store import KnowledgeStore


@pytest.fixture
def ask(store, nlp):
    def ask(intent, text, entities=(), remembered=None, remind=False, kb=store, topic=None):
        question = Question(intent, text, words(nlp, text), list(entities), remembered, topic)
        return answer(kb, question, remind)

    return ask


def body(reply):
    """The article text of an answer: the message after the lead line."""
    answer_message = next(m for m in reply.messages if "From the article:" in m["text"])
    return answer_message["text"].split("\n", 1)[1]


def squash(text):
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(
    "intent, text, expected",
    [
        ("ask_what_is", "what is cervical insufficiency", "painless opening of the cervix"),
        ("ask_causes", "what causes a weak cervix", "not well understood"),
        ("ask_risk_factors", "who is at risk of it", "cone biopsy"),
        ("ask_symptoms", "what are the symptoms", "vaginal bleeding or spotting"),
        ("ask_diagnosis", "how do doctors diagnose it", "It is suspected when"),
        ("ask_treatment", "how is it treated", "progesterone"),
        ("ask_treatment", "and the treatment?", "cerclage"),
        ("ask_symptoms", "symptoms?", "no symptoms until"),
        ("ask_recurrence", "will it happen again in my next pregnancy", "less than 30%"),
        ("ask_timing", "at how many weeks does it happen", "between 16 and 22 weeks"),
    ],
)
def test_each_topic_is_answered_from_its_section(ask, article_text, intent, text, expected):
    reply = ask(intent, text)
    assert reply.answered and reply.condition == "cervical insufficiency"
    assert expected in body(reply)
    for line in body(reply).split("\n"):  # every stated sentence is article text
        for sentence in re.split(r"(?<=[.:])\s+(?=[A-Z])", line.lstrip("• ")):
            assert squash(sentence) in squash(article_text)
    footer = reply.messages[-1]
    assert footer["text"].startswith(
        "Source: “Cervical Insufficiency”, MSD Manual Consumer Version"
    )
    topics = [b["payload"].split("{")[0] for b in footer["buttons"]]
    assert f"/{intent}" not in topics and len(topics) == len(TOPICS) - 1


@pytest.mark.parametrize(
    "intent, text, expected, absent",
    [
        (
            "ask_treatment",
            "when are the stiches taken out",
            "Stitches are usually removed",
            "progesterone",
        ),
        ("ask_treatment", "will i be put to sleep for the stitch", "anesthetic", "removed"),
        (
            "ask_what_is",
            "what is a cerclage",
            "Such procedures are called cervical cerclage.",
            "30%",
        ),
        ("ask_treatment", "how does progesterone help", "every night", "anesthetic"),
        ("ask_diagnosis", "can an ultrasound show it", "ultrasonography", "It is suspected"),
        ("ask_symptoms", "is discharge a sign of it", "vaginal discharge", "no symptoms until"),
    ],
)
def test_specific_terms_and_facts_narrow_the_answer(ask, intent, text, expected, absent):
    reply = ask(intent, text)
    assert expected in body(reply) and absent not in body(reply)


@pytest.mark.parametrize(
    "intent, text, expected",
    [
        (
            "ask_symptoms",
            "im 16 weeks, what are the symptoms of a weak cervix",
            "no symptoms until",
        ),
        ("ask_recurrence", "more second trimester losses, more likely to repeat?", "less than 30%"),
        ("ask_risk_factors", "are 2nd trimester miscarriages a risk factor", "cone biopsy"),
    ],
)
def test_weeks_in_the_askers_story_do_not_turn_a_question_into_timing(ask, intent, text, expected):
    reply = ask(intent, text)
    assert expected in body(reply) and "between 16 and 22 weeks" not in body(reply)


@pytest.mark.parametrize(
    "intent, text, entities",
    [
        ("ask_symptoms", "what are the symptoms of diabetes", ["diabetes"]),
        ("ask_treatment", "how is preeclampsia treated", ["preeclampsia"]),
        ("ask_symptoms", "what are the symptoms of preeclampsia", []),  # entity missed
        ("ask_what_is", "what is hypnobirthing", []),  # "doula" is known now: a story used it
        ("ask_causes", "does cervical insufficiency cause autism", ["cervical insufficiency"]),
    ],
)
def test_what_the_article_does_not_cover_is_not_found(ask, intent, text, entities):
    reply = ask(intent, text, entities)
    assert not reply.answered
    [message] = reply.messages
    assert message["text"].startswith("Not Found")
    assert "I can answer questions about cervical insufficiency" in message["text"]
    assert len(message["buttons"]) == len(TOPICS)


def test_a_term_of_the_article_is_not_mistaken_for_another_condition(ask):
    reply = ask("ask_risk_factors", "does ehlers danlos make it more likely", ["ehlers danlos"])
    assert reply.answered and "Ehlers-Danlos syndrome" in body(reply)


def test_follow_up_uses_the_remembered_condition(ask):
    assert (
        ask("ask_causes", "what causes it", remembered="weak cervix").condition
        == "cervical insufficiency"
    )
    reply = ask("ask_causes", "and what causes it", remembered="diabetes")
    assert not reply.answered and "diabetes" in reply.messages[0]["text"]


def test_emergency_gets_urgent_advice_first_then_the_article_if_about_the_condition(ask):
    reply = ask("report_emergency", "i have a weak cervix, im 19 weeks and bleeding")
    assert reply.messages[0]["text"] == URGENT
    assert "vaginal bleeding" in body(reply)
    reply = ask("report_emergency", "im 19 weeks and bleeding, something feels wrong")
    assert reply.messages[0]["text"] == URGENT
    assert not any("From the article" in m["text"] or "Not Found" in m["text"]
                   for m in reply.messages)  # fmt: skip


def test_emergency_words_in_a_question_intent_still_get_urgent_advice(ask):
    reply = ask("ask_symptoms", "i have cramps and pressure in my vagina is that a symptom")
    assert reply.messages[0]["text"] == URGENT


def test_something_bulging_from_the_vagina_is_an_emergency_whatever_the_nlu_heard(ask):
    text = "19 weeks and I can feel something bulging down there, should I wait for my appointment?"
    assert ask("out_of_scope", text).messages[0]["text"] == URGENT


def test_a_question_about_bleeding_is_not_an_emergency(ask):
    assert URGENT not in [m["text"] for m in ask("ask_symptoms", "is bleeding a symptom").messages]


def test_not_found_repeats_a_long_unknown_word_shortened(ask):
    reply = ask("ask_causes", "what causes " + "zorbic" * 3000)
    text = reply.messages[0]["text"]
    assert text.startswith("Not Found") and "zorbiczorbic" in text
    assert len(text) < 400 and "…”" in text


def test_missed_emergency_still_gets_urgent_advice_in_not_found(store):
    reply = not_found(store, said="help my water just broke")
    assert reply.messages[0]["text"] == URGENT and reply.messages[1]["text"].startswith("Not Found")


def test_an_intent_without_a_topic_is_not_found_not_a_crash(ask):
    reply = ask("greet", "hello there")
    assert not reply.answered and reply.messages[0]["text"].startswith("Not Found")


def test_reminder_only_when_asked(ask):
    assert REMINDER in ask("ask_causes", "what causes it", remind=True).messages[-1]["text"]
    assert REMINDER not in ask("ask_causes", "what causes it", remind=False).messages[-1]["text"]


def test_help_lists_topics_with_buttons(store):
    [message] = help_reply(store).messages
    assert "cervical insufficiency" in message["text"]
    assert message["buttons"][1] == {
        "title": "Causes",
        "payload": '/ask_causes{"condition": "cervical insufficiency"}',
    }


def test_with_several_articles_an_unnamed_condition_is_asked_for(tmp_path, ask, nlp):
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURE_SOURCES, sources)
    shutil.copy(ARTICLE, sources)
    shutil.copy(ARTICLE.with_suffix(".meta.yml"), sources)
    kb = KnowledgeStore(builder.build_knowledge(sources, nlp=nlp))
    reply = ask("ask_causes", "what causes it", kb=kb)
    assert not reply.answered and reply.messages[0]["text"].startswith("Which condition")
    assert len(reply.messages[0]["buttons"]) == 2
    reply = ask("ask_causes", "what causes zorbic drift", kb=kb)
    assert reply.answered and "Nobody knows what causes zorbic drift" in body(reply)


def heldout_questions():
    """(intent, text, condition entities) of the held-out NLU set's knowledge questions."""
    items = [
        item
        for path in sorted((PROJECT / "tests" / "nlu_heldout").glob("*.yml"))
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
    ]
    for item in items:
        if item["intent"] not in INTENT_TOPIC:
            continue
        for line in item["examples"].splitlines():
            example = line.strip()[2:]
            entities = re.findall(r"\[([^\]]+)\]\(condition\)", example)
            yield item["intent"], re.sub(r"\[([^\]]+)\]\(condition\)", r"\1", example), entities


# The held-out set is written apart from the training data and the curated word lists, so a
# few of its lay words ("drs", "doomed") are unknown to the scope guard: a rate, not perfection.
MIN_SCOPE_GUARD_RIGHT = 0.97


def test_scope_guard_on_the_heldout_questions(ask, store):
    """Given the right intent and entities, the held-out questions about the article are
    answered and those about another condition are Not Found."""
    wrong = []
    questions = list(heldout_questions())
    for intent, text, entities in questions:
        about_other = any(store.find(e) is None for e in entities) and not any(
            store.find(e) for e in entities
        )
        reply = ask(intent, text, entities)
        if reply.answered == about_other:
            wrong.append((intent, text, reply.messages[0]["text"][:80]))
    right = 1 - len(wrong) / len(questions)
    print(f"scope guard right on {right:.3f} of {len(questions)} held-out questions: {wrong}")
    assert right >= MIN_SCOPE_GUARD_RIGHT, wrong


def test_a_rare_word_in_a_long_story_about_the_condition_is_a_detail(ask):
    story = (
        "my consultant rang today and i am honestly gobsmacked, she thinks i might have an "
        "incompetent cervix after what happened last time, how do doctors confirm it"
    )
    assert ask("ask_diagnosis", story).answered
    # The same rare word as the subject of a short question, or in a story that never names
    # the condition, still means the article does not cover it.
    assert ask("ask_diagnosis", "how do doctors confirm gobsmacked").not_found
    other = "my friend keeps talking about hypnobirthing, what does it do for women giving birth"
    assert ask("ask_treatment", other).not_found


def test_a_short_question_naming_the_condition_may_hold_one_rare_word(ask):
    # One rare word per five content words of a question that names the condition.
    text = "would a dull backache be a symptom of an incompetent cervix"
    assert ask("ask_symptoms", text).answered


def test_another_conditions_name_is_never_a_detail_of_the_story(ask):
    text = "does having a weak cervix mean i will also get preeclampsia"
    assert ask("ask_recurrence", text, ["weak cervix"]).answered  # no name found: a detail
    assert ask("ask_recurrence", text, ["weak cervix", "preeclampsia"]).not_found


def test_training_examples_make_words_known_but_not_marked_names(tmp_path, nlp):
    (tmp_path / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n'
        "- intent: ask_symptoms\n  examples: |\n"
        "    - does a [weak cervix](condition) give you tummy ache\n"
        "    - what are the signs of [endometriosis](condition)\n"
        "- intent: out_of_scope\n  examples: |\n    - where can i buy a pram\n",
        encoding="utf-8",
    )
    known = set(asked_word_lines(nlp, tmp_path))
    assert {"tummy", "ache", "sign", "signs"} <= known
    assert not {"endometriosis", "pram", "buy"} & known


def test_part_of_the_condition_name_in_the_slot_is_the_condition(ask):
    # The classifier marked "incompetent" alone, and Rasa's slot mapping remembered it.
    text = "what does it mean when they say your cervix is incompetent"
    reply = ask("ask_what_is", text, ["incompetent"], remembered="incompetent")
    assert reply.answered and reply.condition == "cervical insufficiency"


@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_treatment", "does it hurt when the stitch is taken out"),
        ("ask_treatment", "what are the side effects of progesterone"),
        ("ask_treatment", "how much does a cerclage cost"),
        ("ask_treatment", "how long is the recovery after a cerclage"),
        # the weeks of the stitch, not of the condition: the article never says when it is put in
        ("ask_timing", "at how many weeks is the cerclage usually placed"),
    ],
)
def test_an_aspect_the_passages_never_mention_is_not_found(ask, intent, text):
    reply = ask(intent, text)
    assert reply.not_found and not reply.answered


@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_causes", "why would the cervix open early with no pain"),  # no term: not checked
        ("ask_treatment", "how does a cerclage work"),
        ("ask_symptoms", "does a weak cervix hurt"),
    ],
)
def test_questions_the_article_answers_are_not_refused_for_an_aspect(ask, intent, text):
    assert ask(intent, text).answered
