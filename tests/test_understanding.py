"""Issue 13, items 1-5: one step decides what a question is about and whether the article
answers it (medinfo/understanding.py). Pure logic: the NLU's intent and entities are given."""

import pytest

from medinfo.answers import answer
from medinfo.language import words
from medinfo.safety import URGENT
from medinfo.understanding import Question, understand


@pytest.fixture
def about(store, nlp):
    def about(intent, text, entities=(), remembered=None, topic=None, hint=None, **more):
        question = Question(
            intent, text, words(nlp, text), list(entities), remembered, topic, hint, **more
        )
        return understand(store, question)

    return about


def texts(passages):
    return [p["text"] for p in passages]


# A verb's tail is no object: "diagnosed - is it mainly...", "get past a certain week"; the
# same patterns still find the thing asked about when there is one.
@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_diagnosis", "How is CI actually diagnosed - is it mainly from history or the scan?"),
        (
            "ask_timing",
            "when does this usually happen, like am i in the clear once i get past a "
            "certain week",
        ),  # fmt: skip
        (
            "ask_risk_factors",
            "Wife has a bicornuate uterus. Does a uterine malformation increase " "the risk?",
        ),  # fmt: skip
    ],
)
def test_a_verb_tail_or_a_lay_term_is_no_other_subject(about, intent, text):
    found = about(intent, text)
    assert found.answered and found.subject == "cervical insufficiency", found


# 1. The subject decides: everyday words about another subject are Not Found.
@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_treatment", "how do they fix a broken leg?"),
        ("ask_treatment", "does weed help with pain"),
        ("ask_causes", "what causes lower back pain in men"),
        ("ask_symptoms", "what are the symptoms of a cold"),
        ("ask_diagnosis", "how is gout diagnosed?"),
        ("ask_what_is", "what is glanders?"),
    ],
)
def test_another_subject_in_everyday_words_is_not_answered(about, intent, text):
    found = about(intent, text)
    assert not found.answered and found.reason == "other_subject", found


@pytest.mark.parametrize(
    "intent, text, section_word",
    [
        ("ask_what_is", "what is it", "painless opening"),
        ("ask_symptoms", "what are the symptoms of a weak cervix", "pressure in the vagina"),
        ("ask_causes", "what causes the cervix to open too early", "not well understood"),
        ("ask_treatment", "how do they fix a weak cervix", "cerclage"),
        ("ask_symptoms", "does it cause stomach pain", "abdomen"),
    ],
)
def test_the_condition_named_pronoun_or_elided_is_answered(about, intent, text, section_word):
    found = about(intent, text)
    assert found.answered and found.subject == "cervical insufficiency"
    assert section_word in " ".join(texts(found.passages))


def test_the_same_step_serves_the_action_and_says_why_not(about, store, nlp):
    found = about("ask_symptoms", "what are the symptoms of a cold")
    reply = answer(store, Question("ask_symptoms", "what are the symptoms of a cold",
                                   words(nlp, "what are the symptoms of a cold")))  # fmt: skip
    assert reply.not_found and found.about and found.about in reply.messages[0]["text"]


# 2. Terms the article names are answered with the passage that names them.
@pytest.mark.parametrize(
    "text, entities, term",
    [
        ("does a D and C increase the risk?", [], "D & C"),
        ("could my d&c years ago raise the risk", [], "D & C"),
        ("does EDS make a weak cervix more likely", [], "Ehlers-Danlos"),
        ("does Ehlers-Danlos syndrome increase the risk of a weak cervix?",
         ["Ehlers-Danlos syndrome"], "Ehlers-Danlos"),
        ("Can Ehlers-Danlos syndrome make the cervix weak?", ["Ehlers-Danlos syndrome"],
         "Ehlers-Danlos"),
    ],
)  # fmt: skip
def test_a_term_of_the_article_is_answered_from_the_passage_naming_it(about, text, entities, term):
    found = about("ask_risk_factors", text, entities)
    assert found.answered, found
    assert any(term in t for t in texts(found.passages))


# 3. A list's lead line never goes without its list (nor an item without its lead line).
@pytest.mark.parametrize(
    "text",
    ["what increases the risk of a weak cervix?", "does a D and C increase the risk?"],
)
def test_a_lead_line_never_goes_without_its_list(about, store, text):
    found = about("ask_risk_factors", text)
    passages = found.passages
    leads = [i for i, p in enumerate(passages) if p["text"].rstrip().endswith(":")]
    assert leads, texts(passages)
    for i in leads:
        assert i + 1 < len(passages) and passages[i + 1].get("bullet"), texts(passages)
    for i, p in enumerate(passages):
        if p.get("bullet"):
            assert any(j < i for j in leads), texts(passages)


# 4. "what about X?" keeps the topic and changes the subject.
def test_what_about_another_condition_is_the_same_topic_for_it(about):
    found = about("ask_what_is", "what about preeclampsia?", [], "cervical insufficiency", "causes")
    assert not found.answered and found.subject == "preeclampsia" and found.topic == "causes"


def test_what_about_the_condition_after_another_gets_the_topic_asked(about):
    found = about("out_of_scope", "what about cervical insufficiency?", [], "preeclampsia",
                  "symptoms")  # fmt: skip
    assert found.answered and found.topic == "symptoms"
    assert any("pressure in the vagina" in t for t in texts(found.passages))


def test_an_out_of_scope_question_still_leaves_its_topic_for_what_about(about):
    found = about("out_of_scope", "what are the symptoms of preeclampsia?", hint="ask_symptoms")
    assert not found.answered and found.topic == "symptoms"


def test_what_about_a_topic_is_not_a_change_of_subject(about):
    found = about("ask_treatment", "what about treatment?", [], "cervical insufficiency", "causes")
    assert found.answered and found.topic == "treatment"


# 5. Urgent advice only for a danger sign in pregnancy; article text only about the condition.
@pytest.mark.parametrize(
    "intent, text",
    [
        ("report_emergency", "i am bleeding from my gums and my asthma inhaler is not helping"),
        ("report_emergency", "my thyroid level came back high after knee surgery, i have cramps"),
    ],
)
def test_no_urgent_advice_for_a_message_about_something_else(about, intent, text):
    assert not about(intent, text).urgent


def test_urgent_advice_for_a_danger_sign_in_pregnancy(about, store, nlp):
    found = about("report_emergency", "im 22 weeks and my waters just broke")
    assert found.urgent and not found.answered
    found = about("report_emergency", "i had a stitch put in and now im bleeding")
    assert found.urgent and found.answered
    text = "im 22 weeks and my waters just broke"
    reply = answer(store, Question("report_emergency", text, words(nlp, text)))
    assert reply.messages[0]["text"] == URGENT


@pytest.mark.parametrize(
    "intent, text",
    [
        ("out_of_scope", "my tvus today: 'cx 9mm, fu 1/52'. since this evening strong cramps,"
         " should i go in?"),
        ("nlu_fallback", "tengo 20 semanas and i am bleeding a little, qué hago"),
    ],
)  # fmt: skip
def test_a_danger_sign_in_a_letters_or_another_languages_words_gets_the_urgent_advice(
    about, intent, text
):
    assert about(intent, text).urgent


def test_a_danger_sign_naming_a_term_of_the_article_still_gets_the_urgent_advice(store, nlp):
    # The term (the stitch) is not in the article's warning signs, so no article text
    # answers it; the urgent advice must come all the same.
    text = "my sister has a cerclage, she is 21 weeks and fluid is leaking from her now"
    reply = answer(store, Question("report_emergency", text, words(nlp, text)))
    assert reply.messages[0]["text"] == URGENT


@pytest.mark.parametrize(
    "text", ["and for a weak cervix?", "same question for cervical insufficiency",
             "and for cervical insufficiency, same question"],
)  # fmt: skip
def test_other_wordings_of_what_about_keep_the_topic(about, text):
    found = about("out_of_scope", text, [], "preeclampsia", "symptoms")
    assert found.answered and found.topic == "symptoms"


@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_symptoms", "what are the symptoms of Ehlers-Danlos syndrome"),
        ("ask_diagnosis", "how do doctors diagnose Ehlers-Danlos"),
    ],
)
def test_a_term_asked_for_a_topic_the_article_does_not_give_it_is_not_found(about, intent, text):
    found = about(intent, text)
    assert not found.answered and found.reason == "term_topic"


def test_a_term_asked_as_a_cause_is_answered_from_the_risk_factors(about):
    found = about("ask_causes", "can EDS cause it?")
    assert found.answered and any("Ehlers-Danlos" in t for t in texts(found.passages))


# Words people use around a question, and the cervix in lay words (issue 13, item 6).
@pytest.mark.parametrize(
    "intent, text, section_word",
    [
        ("ask_causes", "why would the neck of the womb go soft and open too soon?",
         "not well understood"),
        ("ask_timing", "at what stage does the mouth of the womb usually start opening with this?",
         "2nd trimester"),
        ("ask_risk_factors", "the midwife said my cervix is on the long side, am I at risk?",
         "increase the risk"),
        ("ask_causes", "honestly my gp just shrugged and mumbled something, so why does a cervix"
         " weaken like this in the first place?", "not well understood"),
        ("ask_recurrence", "will it happen again next time, what number are we talking?", "recur"),
    ],
)  # fmt: skip
def test_lay_names_and_plain_story_words_do_not_make_another_subject(
    about, intent, text, section_word
):
    found = about(intent, text)
    assert found.answered and found.subject == "cervical insufficiency", found
    assert section_word in " ".join(texts(found.passages)).lower(), texts(found.passages)


@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_recurrence", "does gout tend to flare up again?"),  # "gout" is not "out"
        ("ask_risk_factors", "who tends to develop diabetes?"),  # nor "diabetes" "dilates"
        ("ask_causes", "can polyps make the cervix open early?"),  # what is asked about
        ("ask_causes", "does a weak cervix cause autism?"),
        ("ask_treatment", "can progesterone give you migraines?"),
        ("ask_treatment", "is it ok to have sex with a cerclage in?"),  # the article is silent
        ("ask_treatment", "what are the side effects of the stitch?"),
        ("ask_treatment", "vitiligo treatment"),
    ],
)
def test_rare_subjects_and_unanswered_aspects_stay_not_found(about, intent, text):
    found = about(intent, text)
    assert not found.answered, found


def test_what_about_with_words_around_it_keeps_the_topic(about):
    found = about("ask_what_is", "hmm ok so what about the weak cervix then", remembered="acne",
                  topic="causes")  # fmt: skip
    assert found.answered and found.topic == "causes", found


def test_it_after_a_named_fact_is_that_fact(about, about_after_fact):
    question = "will it still be there when I go into labour?"
    found = about("ask_treatment", question, remembered="cervical insufficiency", topic="treatment")
    assert found.label != "cerclage", found  # without the previous answer: the topic
    after = about_after_fact("ask_treatment", question, "cerclage")
    assert after.answered and after.label == "cerclage", after
    again = about_after_fact("ask_recurrence", "could she get it again next time?", "cerclage")
    assert again.answered and again.label != "cerclage", again  # the condition's recurrence


@pytest.fixture
def about_after_fact(about):
    def about_after_fact(intent, text, fact):
        return about(intent, text, remembered="cervical insufficiency", topic="treatment",
                     fact_before=fact)  # fmt: skip

    return about_after_fact


# Follow-ups the NLU is unsure of, in a conversation about the condition (issue 13, item 4).
@pytest.fixture
def ask_unsure(about):
    def ask_unsure(text, intent_scores, remembered="cervical insufficiency", topic="diagnosis"):
        ranking = [("nlu_fallback", 0.5)] + sorted(intent_scores.items(), key=lambda p: -p[1])
        hint = next((name for name, _ in ranking if name.startswith("ask_")), None)
        return about("nlu_fallback", text, remembered=remembered, topic=topic, hint=hint,
                     ranking=ranking)  # fmt: skip

    return ask_unsure


def test_an_unsure_follow_up_in_a_conversation_about_it_takes_the_nlu_best_topic(ask_unsure):
    found = ask_unsure("and might that show up later on as well?", {"ask_timing": 0.44})
    assert found.answered and found.topic == "timing", found
    # Not at the start of a conversation, nor when the best guess is not a topic, nor a
    # guess too weak to take.
    assert not ask_unsure("and might that show up later on as well?", {"ask_timing": 0.44},
                          remembered=None, topic=None).answered  # fmt: skip
    assert not ask_unsure("cheers, off to bed", {"thanks": 0.41, "ask_treatment": 0.3}).answered
    assert not ask_unsure("is the number of them important?", {"ask_causes": 0.24}).answered


def test_a_term_the_topic_does_not_name_is_asked_in_the_previous_topic(about):
    # After the diagnosis: the NLU took "the ultrasound" for treatment; the diagnosis names it.
    found = about("ask_treatment", "and the ultrasound, would it pick anything up?",
                  remembered="cervical insufficiency", topic="diagnosis")  # fmt: skip
    assert found.answered and found.topic == "diagnosis", found
    alone = about("ask_treatment", "and the ultrasound, would it pick anything up?")
    assert not alone.answered, alone


def test_the_stitch_brings_a_conversation_back_from_another_subject(about):
    found = about("ask_treatment", "right, and is the stitch put in under the belly?",
                  remembered="shingles", topic="treatment")  # fmt: skip
    assert found.subject == "cervical insufficiency" and found.answered, found
    other = about("ask_treatment", "right, and is that done under the belly?",
                  remembered="shingles", topic="treatment")  # fmt: skip
    assert not other.answered and other.subject == "shingles", other


def test_what_about_everyday_words_the_article_never_uses_is_not_found(about):
    found = about("nlu_fallback", "what about drinking coffee?",
                  remembered="cervical insufficiency", topic="risk_factors",
                  hint="ask_risk_factors")  # fmt: skip
    assert not found.answered and found.reason == "other_subject", found


# A clinic letter's shorthand, the medical register and a few words of another language are
# how people ask, not other subjects (article_rules.yml: question_words, question_synonyms).
@pytest.mark.parametrize(
    "intent, text, topic",
    [
        ("ask_causes", "what's the etiology behind a weak cervix?", "causes"),
        ("ask_recurrence", "hx 2x MTL - what are the odds it repeats?", "recurrence"),
        ("ask_timing", "in which semana of the embarazo does it show?", "timing"),
        ("ask_diagnosis", "Letter: 'cx 21mm on TVUS'. What does that show?", "diagnosis"),
        ("ask_symptoms", "is it usually asymptomatic?", "symptoms"),
        ("ask_risk_factors", "does a bicornuate uterus make it more likely?", "risk_factors"),
        ("ask_treatment", "the punto, when they take it out?", "treatment"),
    ],
)
def test_shorthand_register_and_other_languages_are_asked_not_other_subjects(
    about, intent, text, topic
):
    found = about(intent, text)
    assert found.answered and found.topic == topic, found


def test_activity_with_the_stitch_is_not_answered(about):
    found = about("ask_treatment", "with a cerclage in, is it ok to keep going to the gym?")
    assert not found.answered and found.reason == "aspect", found


def test_who_is_typing_on_a_shared_phone_is_no_subject(about):
    for text in ("ben here again - why does it happen, was it something I did?",
                 "(kofi) right, but why does it happen?"):  # fmt: skip
        found = about("ask_causes", text, remembered="cervical insufficiency", topic="what_is")
        assert found.answered and found.topic == "causes", found


def test_it_is_the_stitch_even_when_the_nlu_hears_recurrence(about_after_fact):
    found = about_after_fact("ask_recurrence", "do they take it out before she gives birth?",
                             "cerclage")  # fmt: skip
    assert found.answered and found.label in ("cerclage", "stitch removal"), found
    again = about_after_fact("ask_recurrence", "and would she need it again next time?", "cerclage")
    assert again.answered and again.topic == "recurrence" and again.label != "cerclage", again


def test_a_term_after_the_causes_is_asked_of_the_risk_factors(about):
    found = about("ask_treatment", "and a D and C some years ago, might that have done it?",
                  remembered="cervical insufficiency", topic="causes")  # fmt: skip
    assert found.answered and found.topic == "risk_factors", found


def test_an_unsure_what_about_keeps_the_topic_it_follows(ask_unsure):
    found = ask_unsure(
        "what about after four losses in the middle months?",
        {"ask_timing": 0.38, "ask_recurrence": 0.35},
        topic="recurrence",
    )
    assert found.answered and found.topic == "recurrence", found


def test_a_term_of_the_article_is_no_other_subject_to_remember(about):
    # The NLU fills the `condition` slot with any name it finds, an article term included.
    text = "what about ehlers danlos, my aunt has it, should I worry"
    found = about("ask_risk_factors", text, entities=["ehlers danlos"],
                  remembered="ehlers danlos", topic="causes")  # fmt: skip
    assert found.answered and found.topic == "risk_factors", found
    found = about("ask_risk_factors", "Could a D and C be to blame? I had one in the eighties.")
    assert found.answered, found  # plain English said of a term is a detail


def test_a_sentence_asking_what_the_condition_is_asks_what_it_is(about):
    found = about("ask_causes", "my niece is 19 and frightened of losing it. what's a weak cervix?")
    assert found.answered and found.topic == "what_is", found
    found = about("ask_causes", "what is it that makes a weak cervix open?")
    assert found.topic == "causes", found
    text = "The clinic letter says 'cervical incompetence, for review'. What is that exactly?"
    found = about("ask_symptoms", text)
    assert found.answered and found.topic == "what_is", found


# Said of the condition or in a conversation about it, a rare word is another subject only if
# it may name one (medinfo/lexicon.py health_words, a medical term's shape, an acronym).
@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_treatment", "wee question. does the stitch come oot afore the bairn's born?"),
        ("ask_recurrence", "If you've had a weak cervix once, can it come back? Joan"),
        ("ask_diagnosis", "how do they even spot it, is there like a scan or smth"),
        ("ask_treatment", "habibti is crying. what is the treatment for her weak cervix?"),
    ],
)
def test_names_dialect_and_slang_said_of_the_condition_are_details(about, intent, text):
    found = about(intent, text, remembered="cervical insufficiency", topic="what_is")
    assert found.answered and found.subject == "cervical insufficiency", found


@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_treatment", "is it treated the same when she has lupus?"),
        ("ask_diagnosis", "would the NIPT pick it up?"),
        ("ask_treatment", "they gave her metformin, does that fix it?"),
        ("ask_diagnosis", "could a hysteroscopy show it?"),
    ],
)
def test_a_health_subject_said_of_the_condition_stays_another_subject(about, intent, text):
    found = about(intent, text, remembered="cervical insufficiency", topic="treatment")
    assert not found.answered and found.reason == "other_subject", found


def test_a_health_word_stays_a_subject_where_plain_english_is_a_detail(about):
    # The NLU sure of a topic makes plain English a detail, but not a health word ("nausea").
    text = "I am also feeling nausea every morning. What can I take for it?"
    found = about("ask_symptoms", text, remembered="cervical insufficiency", topic="causes",
                  ranking=[("ask_symptoms", 0.95)])  # fmt: skip
    assert not found.answered and found.about == "nausea", found


def test_a_story_around_what_it_is_does_not_pick_the_passage(about, store):
    text = "What is incompetent cervix? Doctor say this word to me and I not understand it"
    found = about("ask_what_is", text, entities=["incompetent cervix"])
    definition = texts(store.conditions[0].data["definition"])
    assert found.answered and set(definition) <= set(texts(found.passages)), found


def test_and_another_subject_with_a_question_after_it_is_not_found(about):
    for text in ("and aspirin, do they give that as well?",
                 "What about chlamydia? She was treated for it last year."):  # fmt: skip
        found = about("ask_treatment", text, remembered="cervical insufficiency",
                      topic="treatment")  # fmt: skip
        assert not found.answered and found.topic == "treatment", found
    found = about("ask_treatment", "and progesterone, how would she take it?",
                  remembered="cervical insufficiency", topic="diagnosis")  # fmt: skip
    assert found.answered and found.label == "progesterone", found


def test_back_to_the_original_topic_returns_to_the_condition(about):
    for text in ("ok back to the original topic, how is it managed?",
                 "Ok, back to my problem. How is it managed?"):  # fmt: skip
        found = about("ask_treatment", text, remembered="placenta praevia", topic="what_is")
        assert found.answered and found.subject == "cervical insufficiency", found
    other = about("ask_treatment", "ok, how is it managed?", remembered="placenta praevia",
                  topic="what_is")  # fmt: skip
    assert not other.answered, other


def test_a_danger_sign_in_polish_words_gets_the_urgent_advice(about):
    text = "I am 19 tydzień and I feel big pressure down there and little krwawienie started"
    assert about("report_emergency", text).urgent


def test_plain_english_is_a_detail_when_the_nlu_is_sure_of_the_topic(about):
    text = "does anyone know what causes it? my doctor just mumbled"
    sure = about("ask_causes", text, ranking=[("ask_causes", 0.99)])
    assert sure.answered and sure.topic == "causes", sure
    unsure = about("ask_causes", text, ranking=[("ask_causes", 0.6)])
    assert not unsure.answered and unsure.reason == "other_subject", unsure
    # A word rarer than plain English stays a subject however sure the NLU is.
    other = about("ask_risk_factors", "who gets mittelschmerz most?",
                  ranking=[("ask_risk_factors", 0.99)])  # fmt: skip
    assert not other.answered, other


# A name of the condition or of its treatment spelled by ear is that name; a real word that
# merely looks like one ("culture", "station") is not, nor is another condition.
@pytest.mark.parametrize(
    "intent, text, topic",
    [
        (
            "ask_causes",
            "genuinely what causes cervical insuffiency tho like is there an actual "
            "reason or is it just random bad luck",
            "causes",
        ),  # fmt: skip
        ("ask_timing", "how meny weeks pregnint are you wen the servix opens to erly", "timing"),
    ],
)
def test_the_condition_spelled_by_ear_is_the_condition(about, intent, text, topic):
    found = about(intent, text)
    assert found.answered and found.topic == topic, found


def test_a_word_that_only_looks_like_the_condition_is_not_it():
    from medinfo.scope import spelled_by_ear

    targets = frozenset(["cervix", "suture", "sedation", "insufficiency", "progesterone"])
    assert spelled_by_ear("servix", targets) == "cervix"
    assert spelled_by_ear("progestrone", targets) == "progesterone"
    for word in ("culture", "station", "creation", "serious"):
        assert spelled_by_ear(word, targets) is None, word


def test_a_health_word_close_to_the_condition_is_no_misspelling_of_it(about):
    found = about("ask_treatment", "is cervarix given in pregnancy")  # a vaccine, not "cervix"
    assert not found.answered and found.reason == "other_subject", found


def test_a_noun_cause_with_its_verb_asks_no_consequence(about):
    text = ("Is it established what precisely causes the cervical tissue to lose its integrity "
            "during gestation, or does the underlying cause remain, in the majority of cases, "
            "undetermined?")  # fmt: skip
    found = about("ask_causes", text)
    assert found.answered and found.topic == "causes", found
    other = about("ask_causes", "does a weak cervix cause autism?")
    assert not other.answered and other.reason == "other_subject", other


@pytest.mark.parametrize(
    "text",
    [
        "Discharge letter says 'Dx: cx incompetence @ 17/40'. What does cx incompetence actually "
        "mean in normal words?",
        "Which part of the body is the cervix, exactly?",
        "where is the cervix",
    ],
)
def test_what_a_name_means_or_where_the_cervix_is_asks_what_it_is(about, text):
    found = about("ask_symptoms", text)
    assert found.answered and found.topic == "what_is", found
    assert "painless opening" in " ".join(texts(found.passages)), found


def test_the_cervix_in_spanish_or_portuguese_words_is_the_cervix(about):
    text = "why the colo do útero get weak like this? I dont know what really cause it"
    found = about("ask_causes", text)
    assert found.answered and found.topic == "causes", found


def test_ci_brings_the_conversation_back_to_the_condition(about):
    found = about("ask_diagnosis", "ok back to CI, how do they diagnose it",
                  remembered="placenta previa", topic="what_is")  # fmt: skip
    assert found.answered and found.topic == "diagnosis", found


def test_how_much_the_stitch_costs_or_what_dose_is_not_answered(about_after_fact):
    found = about_after_fact("ask_recurrence", "and how much is it gonna set us back", "cerclage")
    assert not found.answered and found.reason == "aspect", found
    dose = about_after_fact(
        "ask_treatment", "what dosage of progesterone will she get?", "cerclage"
    )
    assert not dose.answered and dose.reason == "aspect", dose


# Not Found, each for its reason: what is asked of pregnancy itself is another subject; what
# the article never says of the stitch or progesterone (daily life, food, safety, coming loose)
# is an aspect it does not answer.
@pytest.mark.parametrize(
    "intent, text, reason",
    [
        ("ask_timing", "when does the second trimester start", "other_subject"),
        ("ask_timing", "which week does the second trimester begin", "other_subject"),
        ("ask_symptoms", "what are the signs of labour?", "other_subject"),
        ("ask_causes", "what causes early labour", "other_subject"),
        ("ask_treatment", "can I swim with a stitch in", "aspect"),
        ("ask_treatment", "is progesterone safe for the baby", "aspect"),
        ("ask_treatment", "is coffee ok while on the progesterone", "aspect"),
        ("ask_treatment", "can a cervical stitch come loose", "aspect"),
        ("ask_treatment", "will progesterone make me gain weight", "aspect"),
        ("ask_treatment", "is there a herbal alternative to progesterone", "aspect"),
        ("ask_treatment", "how is a stitch different from the ring around the cervix", "aspect"),
        ("ask_treatment", "does she need to stop eating before the cerclage", "aspect"),
        ("ask_treatment", "is the stitch a day case or is she admitted overnight", "aspect"),
        ("ask_treatment", "what strength does the progesterone come in", "aspect"),
        # A cause the article never names, asked without any term of it.
        ("ask_causes", "can stress make the cervix open early", "aspect"),
        ("ask_causes", "does a weak cervix run in families", "aspect"),
    ],
)
def test_pregnancy_itself_or_what_a_treatment_never_says_is_not_found(about, intent, text, reason):
    found = about(intent, text)
    assert not found.answered and found.reason == reason, found


def test_pregnancy_words_around_the_condition_still_ask_about_it(about):
    found = about("ask_symptoms", "what are the signs of a weak cervix in pregnancy")
    assert found.answered and found.topic == "symptoms", found


def test_thanks_or_goodbye_gets_no_article_text_whatever_the_nlu_heard(about, store, nlp):
    for text in ("Thank you, dear, most helpful.", "great, bye", "cheers love"):
        found = about("ask_risk_factors", text, remembered="cervical insufficiency",
                      topic="risk_factors")  # fmt: skip
        assert not found.answered and found.reason == "courtesy", found
        reply = answer(store, Question("ask_risk_factors", text, words(nlp, text)))
        assert not reply.not_found and "I can answer questions" in reply.messages[0]["text"]
    asked = about("ask_treatment", "ok thanks, and how do they fix it",
                  remembered="cervical insufficiency", topic="what_is")  # fmt: skip
    assert asked.answered and asked.topic == "treatment", asked


def test_what_comes_from_a_term_of_the_article_is_that_term(about):
    found = about("ask_risk_factors", "can damage from a cone biopsy make me more at risk of this")
    assert found.answered and "cone biopsy" in " ".join(texts(found.passages)), found
    other = about("ask_risk_factors", "can damage from diabetes make me more at risk of this")
    assert not other.answered and other.reason == "other_subject", other


def test_thanks_with_news_and_no_question_is_courtesy(about):
    for text in ("thanks, we're heading to the hospital now", "ok thx. trying to sleep now",
                 "thank you so much, sorry again x"):  # fmt: skip
        found = about("ask_recurrence", text, remembered="cervical insufficiency", topic="causes")
        assert found.reason == "courtesy", found
    for text in ("thanks. can they fix it", "thanks! tell me about the stitch",
                 "thank you, the stitch worries me"):  # fmt: skip
        found = about("ask_treatment", text, remembered="cervical insufficiency", topic="causes")
        assert found.answered, found


def test_sorry_what_about_an_everyday_subject_is_not_found(about):
    found = about("ask_risk_factors", "sorry what about smoking, does that matter?",
                  remembered="cervical insufficiency", topic="risk_factors")  # fmt: skip
    assert not found.answered and found.reason == "other_subject", found


def test_what_it_is_by_name_before_a_comma_takes_no_fact_of_the_story(about):
    text = "wait what's cervical insufficiency, my bio teacher said it and i was half asleep lol"
    found = about("ask_treatment", text)
    assert found.answered and found.topic == "what_is" and found.label != "anaesthesia", found


@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_causes", "Good day. What is the reason that neck of uterus is becoming weak?"),
        ("ask_timing", "D'accord. And at what moment of the grossesse does the col open?"),
    ],
)
def test_the_cervix_in_a_learners_words_is_the_cervix(about, intent, text):
    found = about(intent, text)
    assert found.answered, found


def test_pidgin_what_about_changes_the_subject(about):
    found = about("ask_causes", "Wetin about fibroid, e dey cause am too?",
                  remembered="cervical insufficiency", topic="causes")  # fmt: skip
    assert not found.answered and found.reason == "other_subject", found


def test_keeping_a_treatment_is_not_answered_and_a_story_of_forgetting_is_answered(about):
    found = about("ask_treatment", "Does my wife's progesterone need to be kept in the fridge?")
    assert not found.answered and found.reason == "aspect", found
    text = ("I had a D and C after a missed miscarriage and forgot about it. Could that have "
            "made my cervix weak?")  # fmt: skip
    found = about("ask_risk_factors", text)
    assert found.answered and found.topic == "risk_factors", found


# 4. A follow-up naming a thing the article never names is Not Found for the topic before,
# however everyday its words; the conversation stays on the condition.
@pytest.mark.parametrize("text", ["and smoking?", "what about her age? she's 41"])
def test_a_follow_up_about_a_thing_the_article_never_names_is_not_found(about, text):
    found = about("nlu_fallback", text, [], "cervical insufficiency", "risk_factors")
    assert not found.answered and found.topic == "risk_factors"
    assert found.subject == "cervical insufficiency"


def test_a_follow_up_naming_a_term_of_another_topic_is_not_found_and_of_this_one_answered(
    about,
):
    # The article names a cesarean under treatment only, a cone biopsy as a risk factor.
    found = about("ask_treatment", "And what about a previous C-section?", [],
                  "cervical insufficiency", "risk_factors")  # fmt: skip
    assert not found.answered and found.topic == "risk_factors", found
    found = about("ask_treatment", "And what about a cone biopsy?", [],
                  "cervical insufficiency", "risk_factors")  # fmt: skip
    assert found.answered and any("cone biopsy" in t for t in texts(found.passages)), found


def test_a_follow_up_naming_a_sign_answers_it_with_the_urgent_advice(about):
    found = about("report_emergency", "and spotting", [], "cervical insufficiency", "symptoms")
    assert found.answered and found.urgent and found.topic == "symptoms"
    assert any("spotting" in t for t in texts(found.passages))


def test_a_facts_word_in_a_story_does_not_override_a_sure_topic(about):
    text = ("I'm 14 weeks and I keep reading about the cervix opening too early and now I"
            " can't sleep. What are the signs I should be watching for?")  # fmt: skip
    found = about("ask_symptoms", text, ranking=[("ask_symptoms", 0.99)])
    assert found.answered and found.topic == "symptoms" and found.label == "symptoms"


# A story's conditions are background to its question about the condition; a story about
# another condition, or a question that names one, is not answered.
HISTORY = (
    "I'm 36, I had my son by c-section, then an underactive thyroid in 2017, polycystic "
    "ovaries in 2019, and I also have mild asthma and I'm allergic to penicillin. The midwife "
    "wrote 'query weak cervix' on my notes. "
)


def test_a_story_s_other_conditions_are_background_to_its_question(about):
    found = about("ask_what_is", HISTORY + "My question is just: what actually is a weak cervix?")
    assert found.answered and found.subject == "cervical insufficiency", found
    assert "painless opening" in " ".join(texts(found.passages))


def test_a_story_s_question_naming_another_condition_is_not_answered(about):
    found = about("ask_symptoms", HISTORY + "What are the symptoms of asthma in pregnancy?")
    assert not found.answered and found.reason == "other_subject", found


def test_a_story_about_another_condition_only_is_not_answered(about):
    text = (
        "I'm 30 and I've had asthma since I was a child, it got worse in my first pregnancy"
        " and I used my inhaler a lot. What are the signs it is getting worse?"
    )
    found = about("ask_symptoms", text)
    assert not found.answered and found.reason == "other_subject", found


def test_a_story_s_question_about_what_it_told_asks_of_that(about):
    # "it" is the progesterone of the story: the article says nothing of it and the baby.
    text = ("They found I have a weak cervix at my 20 week scan and started me on"
            " progesterone. How does it work, and will it affect the baby?")  # fmt: skip
    found = about("ask_treatment", text)
    assert not found.answered and found.reason == "aspect", found


def test_a_story_s_words_do_not_pick_what_its_question_asks(about):
    # "painless" is the story's (the definition's word); the question asks the signs.
    text = (
        "The doctor told my wife it's usually 'silent' or 'painless', words to that effect."
        " So are there any warning signs at all we should be watching for?"
    )
    found = about("ask_symptoms", text, ranking=[("ask_symptoms", 0.99)])
    assert found.answered and found.topic == "symptoms", found


def test_an_unsure_turn_of_words_no_question_about_it_uses_is_no_follow_up(ask_unsure):
    text = "random one, do you know if pharmacies have to open on bank holiday Mondays?"
    found = ask_unsure(text, {"ask_causes": 0.35}, topic="treatment")
    assert not found.answered and found.reason == "classifier", found


def test_a_named_condition_in_possessive_form_is_another_subject_of_a_cervix_question(about):
    # "Crohn's" is no word of a short ICD-10-CM name; its eponym is.
    found = about("ask_risk_factors", "I'm 16 weeks. Can Crohn's weaken the cervix?")
    assert not found.answered and found.reason == "other_subject", found
    # The question was about the cervix too: the conversation stays on the condition.
    assert found.subject == "cervical insufficiency"


def test_markup_is_not_found_and_the_conversation_keeps_its_subject(about):
    found = about("ask_what_is", "<img src=x onerror=alert(1)>", remembered="diabetes",
                  topic="what_is")  # fmt: skip
    assert not found.answered and found.reason == "no_topic", found  # it asks nothing
    assert found.subject == "diabetes"


# Round eleven: a follow-up on what the previous answer said keeps its topic (item 4).
@pytest.mark.parametrize(
    "intent, text, topic, said",
    [
        ("ask_recurrence", "What about back pain? I have it a little bit.", "symptoms", "back"),
        ("ask_risk_factors", "And for women with three or more miscarriages in the second "
         "trimester?", "recurrence", "three or more"),
    ],
)  # fmt: skip
def test_a_follow_up_on_what_the_previous_answer_said_keeps_its_topic(
    about, intent, text, topic, said
):
    found = about(intent, text, remembered="cervical insufficiency", topic=topic)
    assert found.answered and found.topic == topic, found
    assert any(said in t for t in texts(found.passages)), texts(found.passages)


def test_a_follow_up_asking_what_the_topic_does_not_say_is_not_found(about):
    text = "What about risks to the baby from using it for weeks on end?"
    found = about("ask_timing", text, remembered="cervical insufficiency", topic="treatment")
    assert not found.answered and found.reason == "aspect", found


# Figures, a home birth, the mother's age, a missed dose, a treatment's weeks, smoking, twins,
# heredity, history and research: the article gives none of them, whatever the topic; its
# own figure (recurrence, "30%") is answered.
@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_risk_factors", "what fraction of women with a short cervix go on to deliver early?"),
        ("ask_what_is", "how common is cervical insufficiency, per thousand pregnancies?"),
        ("ask_treatment", "A home birth with a weak cervix is a foolish idea, isn't it?"),
        ("ask_risk_factors", "I'm 38 - does my age make a weak cervix more likely?"),
        ("ask_treatment", "what happens if I forget one night of the progesterone?"),
        ("ask_treatment", "Progesterone. How many weeks I use it? When stop?"),
        ("ask_treatment", "Is that the usual week for taking a stitch out?"),
        # What people suspect of weakening the cervix, none in the article's list.
        ("ask_risk_factors", "can smoking weaken your cervix?"),
        ("ask_risk_factors", "are you more likely to get a weak cervix with twins?"),
        ("ask_causes", "is a weak cervix more common in some ethnic groups?"),
        ("ask_risk_factors", "are teenagers more at risk of cervical insufficiency?"),
        ("ask_causes", "does cervical insufficiency skip a generation?"),
        # Its history and research.
        ("ask_treatment", "who invented the cerclage?"),
        ("ask_treatment", "any clinical trials of new treatments for a weak cervix?"),
        # Tests it does not name, twins, healing.
        ("ask_diagnosis", "is there a blood test for a weak cervix?"),
        ("ask_timing", "do twins usually come early?"),
        ("ask_what_is", "can a weak cervix heal by itself?"),
        # A treatment failing, how many women have it, who may come along, what it is made of.
        ("ask_treatment", "what's the evidence that the stitch works?"),
        ("ask_recurrence", "what's the incidence of a weak cervix per thousand births?"),
        ("ask_recurrence", "can my husband come in with me?"),
        ("ask_causes", "what is the cervix made of?"),
    ],
)
def test_what_the_article_gives_no_figure_or_word_for_is_not_found(about, intent, text):
    found = about(intent, text)
    assert not found.answered and found.reason == "aspect", found


def test_the_recurrence_figure_is_answered_when_asked_as_a_percentage(about):
    found = about("ask_recurrence", "what percentage of women get a weak cervix again?")
    assert found.answered and any("30%" in t for t in texts(found.passages)), found


@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_treatment", "hi sorry its 2am and i cant sleep"),  # no anaesthesia asked
        ("ask_causes", "Hi, quick question on behalf of my wife."),
        ("ask_recurrence", "Diolch. Right, back to the ewes."),
    ],
)
def test_a_message_that_asks_and_names_nothing_of_the_article_gets_no_article_text(
    about, intent, text
):
    found = about(intent, text, remembered="cervical insufficiency", topic="what_is")
    assert not found.answered and found.reason == "no_topic", found
    assert found.subject == "cervical insufficiency"  # the conversation goes on


@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_symptoms", "weak cervix symptoms"),
        ("ask_treatment", "tell me about the stitch"),
        ("report_emergency", "im 20 weeks and bleeding"),
    ],
)
def test_a_question_without_a_question_mark_is_still_a_question(about, intent, text):
    found = about(intent, text)
    assert found.reason != "no_topic" and (found.answered or found.urgent), found


def test_an_aspect_told_around_the_question_is_not_what_it_asks(about):
    text = "When will they remove the stitch? I want to plan my vacation leave to go home."
    found = about("ask_treatment", text)
    assert found.answered and found.label == "stitch removal", found
    found = about("ask_treatment", "Can I go on vacation with the stitch in?")
    assert not found.answered and found.reason == "aspect", found


def test_a_follow_up_asking_a_kind_of_the_topic_the_article_never_names_is_not_found(about):
    found = about("ask_diagnosis", "and what about a blood test?", [], "cervical insufficiency",
                  "diagnosis")  # fmt: skip
    assert not found.answered and found.reason == "other_subject", found
    assert found.subject == "cervical insufficiency"
    # Which of the topic's own is asked: answered.
    found = about("ask_symptoms", "what about warning signs?", [], "cervical insufficiency",
                  "symptoms")  # fmt: skip
    assert found.answered and found.topic == "symptoms", found


def test_a_question_about_the_previous_answers_figure_keeps_its_topic(about):
    text = "Does that number go up if someone has lost more than one? I've lost two."
    ranking = [("ask_risk_factors", 0.6), ("ask_recurrence", 0.2)]
    found = about("ask_risk_factors", text, remembered="cervical insufficiency",
                  topic="recurrence", ranking=ranking)  # fmt: skip
    assert found.answered and found.topic == "recurrence", found
    # The NLU sure of another topic: that topic.
    found = about("ask_risk_factors", text, remembered="cervical insufficiency",
                  topic="recurrence", ranking=[("ask_risk_factors", 0.99)])  # fmt: skip
    assert found.topic == "risk_factors", found


def test_twins_in_a_question_about_the_stitch_are_the_askers_story(about):
    found = about("ask_treatment", "with twins, will they put me to sleep for the stitch?")
    assert found.answered and found.label == "anaesthesia", found


def test_asking_whether_it_leads_to_a_listed_symptom_asks_the_symptoms(about):
    found = about("ask_diagnosis", "can a weak cervix cause spotting?")
    assert found.answered and found.topic == "symptoms", found
    found = about("ask_diagnosis", "can a weak cervix cause autism?")
    assert not found.answered, found


def test_an_unsure_nlu_takes_the_symptoms_when_signs_are_asked_by_name(about):
    text = "when it starts, is there any warning or does it just happen"
    ranking = [("ask_timing", 0.53), ("ask_symptoms", 0.2), ("ask_recurrence", 0.19)]
    found = about("ask_timing", text, ranking=ranking)
    assert found.answered and found.topic == "symptoms", found
    found = about("ask_timing", text, ranking=[("ask_timing", 0.95), ("ask_symptoms", 0.03)])
    assert found.topic == "timing", found


def test_what_even_is_that_after_a_story_naming_it_asks_what_it_is(about):
    text = ("the scan lady said my cervix is on the short side and then the doctor said "
            "something about cervical insufficiency and now I'm googling, what even is that?")
    found = about("ask_what_is", text)
    assert found.answered and texts(found.passages)[0].startswith("Cervical insufficiency is")


def test_they_after_a_treatment_answer_are_the_doctors_when_the_nlu_is_sure(about):
    def after_progesterone(intent, text, sure):
        return about(intent, text, remembered="cervical insufficiency", topic="treatment",
                     fact_before="progesterone", ranking=[(intent, sure)])  # fmt: skip

    text = "will they ever be able to tell me what caused mine?"
    found = after_progesterone("ask_causes", text, 0.96)
    assert found.answered and found.label == "causes", found
    assert after_progesterone("ask_causes", text, 0.6).label == "progesterone"
    # "it" is still the progesterone.
    found = after_progesterone("ask_diagnosis", "is it started before the diagnosis?", 0.96)
    assert found.label == "progesterone", found


def test_a_choice_between_the_articles_test_and_another_is_answered(about):
    found = about("ask_diagnosis", "do they use a scan or a blood test to find a weak cervix?")
    assert found.answered and found.topic == "diagnosis", found
    found = about("ask_diagnosis", "can the doctor find a weak cervix by hand at a check-up?")
    assert found.answered and found.topic == "diagnosis", found


def test_the_articles_terms_in_spanish_or_portuguese_are_its_terms(about):
    found = about("ask_treatment", "Oye, el cerclaje, how do they put it in?")
    assert found.answered and found.label == "cerclage", found
    found = about("ask_treatment", "and la progesterona, cómo se usa?",
                  remembered="cervical insufficiency", topic="treatment")  # fmt: skip
    assert found.answered and found.label == "progesterone", found


def test_a_cause_question_in_a_treatments_words_still_asks_the_causes(about):
    found = about("ask_causes", "what makes the cervix fail?")
    assert found.answered and found.topic == "causes", found


def test_a_pronoun_question_asks_of_the_other_subject_the_sentence_before_named(about):
    found = about("ask_risk_factors", "I was diagnosed with lupus last year. Could that make "
                  "my cervix weak?")  # fmt: skip
    assert not found.answered and found.reason == "other_subject", found
    found = about("ask_risk_factors", "I had a cone biopsy in 2015. Could that make my cervix "
                  "weak?")  # fmt: skip
    assert found.answered and found.topic == "risk_factors", found


def test_an_article_term_told_around_the_question_does_not_pick_its_topic(about):
    text = "scan report says 'asymptomatic shortening'. what symptoms would it give?"
    found = about("ask_symptoms", text)
    assert found.answered and found.topic == "symptoms", found
    found = about("ask_symptoms", "what are the symptoms of Ehlers-Danlos syndrome?")
    assert not found.answered and found.reason == "term_topic", found


@pytest.mark.parametrize(
    "text", ["are you a real person?", "Hi, am I chatting with a computer?", "so what can you do?"]
)
def test_a_question_about_the_bot_gets_what_it_can_do_not_article_text(about, text):
    found = about("ask_what_is", text)
    assert not found.answered and found.reason == "courtesy", found


def test_a_question_about_the_bot_with_a_topic_question_is_answered(about):
    found = about("ask_symptoms", "are you a bot? what are the symptoms of a weak cervix?")
    assert found.answered and found.topic == "symptoms", found
