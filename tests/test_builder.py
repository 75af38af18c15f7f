import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import ARTICLE, FIXTURE_SOURCES, PROJECT
from medinfo import builder
from medinfo.article import ArticleError


@pytest.fixture(scope="module")
def built(nlp):
    return builder.build_knowledge(nlp=nlp)


@pytest.fixture(scope="module")
def condition(built):
    return built["conditions"][0]


def squash(text):
    return re.sub(r"\s+", " ", text)


def committed(path):
    """The file as committed. `make` rebuilds a stale knowledge file before training, so in CI
    (CI=true, a clean clone) read it from git HEAD: the check must see what was committed."""
    if os.environ.get("CI") == "true":
        relative = path.relative_to(PROJECT).as_posix()
        shown = subprocess.run(
            ["git", "show", f"HEAD:{relative}"],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            check=True,
        )
        return shown.stdout
    return path.read_text(encoding="utf-8")


def test_committed_knowledge_file_is_what_the_builder_makes_now(built):
    assert committed(builder.OUTPUT) == builder.to_json(built), "run `make knowledge`, commit it"


def test_committed_nlu_synonyms_are_what_the_builder_makes_now(built):
    expected = builder.nlu_synonyms(built)
    assert committed(builder.NLU_SYNONYMS) == expected, "run `make knowledge`, commit it"


def test_every_passage_is_article_text_word_for_word(condition, article_text):
    article = squash(article_text)
    passages = condition["definition"] + condition["key_points"]
    passages += [p for group in condition["sections"].values() for p in group]
    passages += [p for group in condition["facts"].values() for p in group]
    assert len(passages) > 30
    for p in passages:
        assert squash(p["text"]) in article


def test_title_aliases_and_source(condition):
    assert condition["name"] == "cervical insufficiency"
    assert condition["aliases"][:3] == [
        "cervical incompetence",
        "weak cervix",
        "incompetent cervix",
    ]
    assert condition["source"]["publisher"] == "MSD Manual Consumer Version"
    assert condition["source"]["author"] == "Antonette T. Dulay, MD"


def texts(passages):
    return " ".join(p["text"] for p in passages)


@pytest.mark.parametrize(
    "section, expected, absent",
    [
        ("overview", "dilates only when labor starts", "What causes"),
        ("causes", "Usually, no specific cause can be identified.", "The following may"),
        ("risk_factors", "Ehlers-Danlos syndrome", "no specific cause"),
        ("symptoms", "vaginal bleeding or spotting", "ultrasonography"),
        ("diagnosis", "It is suspected when", "stitches"),
        ("treatment", "progesterone", "symptoms"),
    ],
)
def test_paragraphs_are_placed_by_content(condition, section, expected, absent):
    assert expected in texts(condition["sections"][section])
    assert absent not in texts(condition["sections"][section])


def test_risk_factor_bullets_are_kept_as_a_list(condition):
    bullets = [p for p in condition["sections"]["risk_factors"] if p.get("bullet")]
    assert len(bullets) == 5
    assert bullets[-1]["text"] == "Previous miscarriages during the 2nd trimester"


@pytest.mark.parametrize(
    "fact, expected",
    [
        ("recurrence", "probably less than 30%"),
        ("recurrence", "three or more miscarriages"),  # the sentence that continues it
        ("timing", "between 16 and 22 weeks"),
        ("cerclage", "Such procedures are called cervical cerclage."),
        ("progesterone", "inserted into the vagina every night"),
        ("anaesthesia", "general or regional anesthetic"),
        ("stitch_removal", "Stitches are usually removed before delivery."),
    ],
)
def test_specific_facts(condition, fact, expected):
    assert expected in texts(condition["facts"][fact])


def test_anaesthesia_fact_is_only_the_anaesthetic_sentence(condition):
    assert len(condition["facts"]["anaesthesia"]) == 1


def test_another_article_becomes_another_condition_without_code_change(tmp_path, nlp):
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURE_SOURCES, sources)
    shutil.copy(ARTICLE, sources)
    shutil.copy(ARTICLE.with_suffix(".meta.yml"), sources)
    knowledge = builder.build_knowledge(sources, nlp=nlp)
    names = [c["name"] for c in knowledge["conditions"]]
    assert names == ["cervical insufficiency", "zorbic drift"]
    zorbic = knowledge["conditions"][1]
    assert zorbic["aliases"] == ["zorbic wandering", "wandering zorbs"]
    assert zorbic["source"]["publisher"] == "Fixture Press"
    assert "Nobody knows what causes" in texts(zorbic["sections"]["causes"])
    assert "made-up feeling" in texts(zorbic["sections"]["symptoms"])
    assert "doctors prescribe" in texts(zorbic["sections"]["treatment"])
    assert "made-up patients" in texts(zorbic["sections"]["overview"])


def test_override_wins_over_content(tmp_path, nlp):
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURE_SOURCES, sources)
    meta = sources / "zorbic_drift.meta.yml"
    meta.write_text(
        meta.read_text().replace("overrides: {}", "overrides:\n  The main symptom: diagnosis")
    )
    zorbic = builder.build_knowledge(sources, nlp=nlp)["conditions"][0]
    assert "made-up feeling" in texts(zorbic["sections"]["diagnosis"])
    assert zorbic["sections"]["symptoms"] == []


def run_builder(sources, out, nlu):
    return builder.main(["--sources", str(sources), "--out", str(out), "--nlu", str(nlu)])


def test_a_broken_article_fails_the_build_and_writes_nothing(tmp_path, capsys):
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURE_SOURCES, sources)
    (sources / "broken.txt").write_text("Broken\n\nno author line\n", encoding="utf-8")
    (sources / "broken.meta.yml").write_text("publisher: X\n", encoding="utf-8")
    out, nlu = tmp_path / "knowledge.json", tmp_path / "nlu.yml"
    out.write_text("previous build", encoding="utf-8")
    assert run_builder(sources, out, nlu) == 1
    assert "broken.txt" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "previous build"
    assert not nlu.exists()


def test_an_article_without_metadata_is_refused(tmp_path, nlp):
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURE_SOURCES, sources)
    (sources / "zorbic_drift.meta.yml").unlink()
    with pytest.raises(ArticleError, match="zorbic_drift.txt: missing metadata"):
        builder.build_knowledge(sources, nlp=nlp)


def test_an_unplaceable_paragraph_is_refused_with_advice(tmp_path, nlp):
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURE_SOURCES, sources)
    article = sources / "zorbic_drift.txt"
    article.write_text(
        article.read_text().replace(
            "The main symptom is", "\n\nA plain line.\n\nThe main symptom is"
        )
    )
    with pytest.raises(ArticleError, match="A plain line.*overrides"):
        builder.build_knowledge(sources, nlp=nlp)


def test_a_successful_build_writes_valid_json(tmp_path):
    out, nlu = tmp_path / "knowledge.json", tmp_path / "nlu.yml"
    assert run_builder(FIXTURE_SOURCES, out, nlu) == 0
    assert json.loads(out.read_text())["conditions"][0]["name"] == "zorbic drift"
    assert "- synonym: zorbic drift" in nlu.read_text()


@pytest.mark.parametrize(
    "change, expected",
    [
        (("publisher: Fixture Press", "publsher: Fixture Press"), r"top level: .*publisher"),
        (("overrides: {}", "overrides: {}\nterm_phrases: [a, b]"), r"term_phrases: .*object"),
        (("overrides: {}", "overrides: {}\nfacts:\n  x:\n    cues: [[a]]"), r"facts/x: .*asked_by"),
    ],
)
def test_a_broken_meta_file_names_the_file_the_key_and_the_problem(tmp_path, nlp, change, expected):
    sources = tmp_path / "sources"
    shutil.copytree(FIXTURE_SOURCES, sources)
    meta = sources / "zorbic_drift.meta.yml"
    meta.write_text(meta.read_text().replace(*change))
    with pytest.raises(ArticleError, match=rf"zorbic_drift.meta.yml: (at )?{expected}"):
        builder.build_knowledge(sources, nlp=nlp)


def test_a_broken_rules_file_names_the_file_the_key_and_the_problem(tmp_path):
    rules = tmp_path / "article_rules.yml"
    text = builder.RULES.read_text(encoding="utf-8")
    rules.write_text(text.replace("    asked_by: [[week, trimester, month]]\n", ""))
    with pytest.raises(ArticleError, match=r"article_rules.yml: at facts/timing: .*asked_by"):
        builder.Rules.load(rules)
    rules.write_text(text.replace("boilerplate:", "boilerplat:"))
    with pytest.raises(ArticleError, match=r"article_rules.yml: at top level: .*"):
        builder.Rules.load(rules)


def test_facts_of_one_article_live_in_its_meta_file():
    rules = builder.Rules.load()
    meta = builder.read_meta(ARTICLE.with_suffix(".meta.yml"))
    assert not {"cerclage", "progesterone", "stitch_removal"} & set(rules.facts)
    assert {"cerclage", "progesterone", "stitch_removal"} <= set(meta["facts"])


def test_a_rare_health_word_of_one_training_line_is_no_everyday_word():
    from collections import Counter

    from medinfo import lexicon

    everyday = lexicon.everyday_words(Counter({"hysteroscopy": 1, "spinal": 3, "mumbled": 1}))
    assert "hysteroscopy" not in everyday  # "could a hysteroscopy pick it up?", once
    assert {"spinal", "mumbled"} <= everyday


def test_described_danger_signs_are_no_way_of_asking(nlp, tmp_path):
    from medinfo import lexicon

    lines = "\n".join(f"    - fluid is running down my legs at {n} weeks" for n in range(18, 24))
    (tmp_path / "nlu.yml").write_text(
        f'version: "3.1"\nnlu:\n- intent: report_emergency\n  examples: |\n{lines}\n'
        "- intent: ask_symptoms\n  examples: |\n    - what are the signs\n"
    )
    assert lexicon.asked_word_lines(nlp, tmp_path)["leg"] == 6
    assert lexicon.asking_word_lines(nlp, tmp_path)["leg"] == 0
    assert lexicon.asking_word_lines(nlp, tmp_path)["sign"] == 1


def test_the_words_of_an_articles_term_phrase_are_no_way_of_asking(nlp, tmp_path):
    from medinfo import lexicon

    lines = "\n".join(
        f"    - I had a cold knife cone in {y}, is that a risk" for y in range(2010, 2016)
    )
    (tmp_path / "nlu.yml").write_text(
        f'version: "3.1"\nnlu:\n- intent: ask_risk_factors\n  examples: |\n{lines}\n'
    )
    asking = lexicon.asking_word_lines(nlp, tmp_path, ["cold knife cone"])
    assert asking["cold"] == 0 and asking["risk"] == 6  # "symptoms of a cold" stays another subject
    assert lexicon.asking_word_lines(nlp, tmp_path)["cold"] == 6
