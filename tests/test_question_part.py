"""medinfo.story and serving.question_part: a long story's question is what the NLU reads and
what the subject is decided from; a short message, or a story ending in a short question
("Is that bad?", where the danger is in the story), stays whole for the NLU."""

from pathlib import Path

from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from medinfo.story import NLU_QUESTION_WORDS, question_start
from rasa_cli import PROJECT
from serving.question_part import QuestionPartOnly

STORY = (
    "I'm 36, I had my son by c-section, then an underactive thyroid in 2017, and I also have "
    "mild asthma. The midwife wrote 'query weak cervix' on my notes. "
)
QUESTION = "My question is just: what actually is a weak cervix?"


def test_a_story_s_question_starts_after_the_story():
    text = STORY + QUESTION
    assert text[question_start(text) :] == QUESTION


def test_a_run_of_questions_at_the_end_is_the_question():
    asked = "Is it serious? What causes it to open so early in pregnancy?"
    assert (STORY + asked)[question_start(STORY + asked) :] == asked


def test_what_comes_after_the_question_stays_with_it():
    asked = "What actually is a weak cervix? Thanks so much."
    assert (STORY + asked)[question_start(STORY + asked) :] == asked


def test_no_story_no_question_mark_or_a_short_question_keeps_the_message_whole():
    assert question_start("I'm 20 weeks. What are the symptoms of a weak cervix?") == 0
    assert question_start(STORY + "tell me what a weak cervix is") == 0
    assert question_start(STORY + "Why?") == 0
    assert question_start(STORY + "Is that bad?", NLU_QUESTION_WORDS) == 0
    assert question_start(STORY + QUESTION, NLU_QUESTION_WORDS) > 0


def tokenized(texts):
    data = TrainingData(training_examples=[Message(data={"text": t}) for t in texts])
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process_training_data(data)
    return data


def test_the_nlu_gets_only_the_question_s_tokens_of_a_story():
    data = tokenized([STORY + QUESTION, "what is a weak cervix", STORY + "Is that bad?"])
    QuestionPartOnly().process_training_data(data)
    story, short, danger = data.training_examples
    assert " ".join(t.text for t in story.get("text_tokens")) == (
        "My question is just what actually is a weak cervix"
    )
    assert len(short.get("text_tokens")) == 5
    assert len(danger.get("text_tokens")) == len(
        tokenized([STORY + "Is that bad?"]).training_examples[0].get("text_tokens")
    )


def test_a_training_example_loses_the_names_marked_in_its_story():
    text = STORY + "Is a weak cervix the reason my first baby came at 20 weeks?"
    named = [
        {"start": text.index("asthma"), "end": text.index("asthma") + 6, "value": "asthma"},
        {"start": text.rindex("weak"), "end": text.rindex("weak") + 11, "value": "weak cervix"},
    ]
    data = tokenized([text])
    data.training_examples[0].set("entities", named)
    QuestionPartOnly().process_training_data(data)
    assert [e["value"] for e in data.training_examples[0].get("entities")] == ["weak cervix"]


def test_a_parsed_message_is_cut_as_a_training_one():
    (message,) = QuestionPartOnly().process(tokenized([STORY + QUESTION]).training_examples)
    assert message.get("text_tokens")[0].text == "My"


def test_a_changed_rule_changes_the_training_fingerprint(tmp_path, monkeypatch):
    # Rasa's cache keys components by config and data, not code: without the rule's source in
    # the fingerprint, a changed rule would restore the old featurizers and DIET.
    from medinfo import story

    before = QuestionPartOnly.fingerprint_addon({})
    changed = tmp_path / "story.py"
    changed.write_text(Path(story.__file__).read_text("utf-8").replace("= 12", "= 13"), "utf-8")
    monkeypatch.setattr(story, "__file__", str(changed))
    assert QuestionPartOnly.fingerprint_addon({}) != before


def test_the_question_part_is_cut_before_the_featurizers():
    config = TrainingDataImporter.load_from_config(str(PROJECT / "config.yml")).get_config()
    names = [c["name"] for c in config["pipeline"]]
    cut = names.index("serving.question_part.QuestionPartOnly")
    assert names.index("SpacyTokenizer") < cut < names.index("CountVectorsFeaturizer")
