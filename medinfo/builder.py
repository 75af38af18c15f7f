"""Build the knowledge file from the articles in a sources folder.

Every `<name>.txt` article (with its `<name>.meta.yml`) becomes one condition, so a new article
of the same kind is a new topic with no code change. Sentences are kept word for word; spaCy
splits them and gives the lemmas that place paragraphs into sections and sentences into facts.
Nothing is written unless every article builds and the result validates against the schema.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import yaml
from spacy.language import Language

from medinfo import lexicon
from medinfo.article import Article, ArticleError, Block, parse_article
from medinfo.language import words
from medinfo.schema import META_SCHEMA, RULES_SCHEMA, problem, validate_knowledge
from medinfo.store import Passage, normalise

PROJECT = Path(__file__).resolve().parent.parent
SOURCES = PROJECT / "knowledge" / "sources"
RULES = PROJECT / "knowledge" / "article_rules.yml"
OUTPUT = PROJECT / "knowledge" / "knowledge.json"
TRAINING = PROJECT / "data" / "nlu"
NLU_SYNONYMS = TRAINING / "condition_synonyms.yml"

ANAPHORS = {"this", "these", "such", "they", "it", "those", "that"}


@dataclass
class Rules:
    boilerplate: List[str]
    sections: Dict[str, List[str]]
    facts: Dict[str, Dict[str, List[List[str]]]]
    question_synonyms: Dict[str, str]
    question_words: List[str]
    aspects: Dict[str, List[str]]
    not_subjects: List[str]

    @classmethod
    def load(cls, path: Path = RULES) -> "Rules":
        """Read and check the rules file; a problem is an ArticleError naming the file and key."""
        data = read_yaml(path, RULES_SCHEMA)
        return cls(
            data["boilerplate"],
            data["sections"],
            data["facts"],
            data["question_synonyms"],
            data["question_words"],
            data["aspects"],
            data.get("not_subjects") or [],
        )


def read_yaml(path: Path, schema: Path) -> dict:
    """A YAML file checked against its schema: ArticleError("FILE: at KEY: PROBLEM")."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ArticleError(path.name, f"not valid YAML ({error})") from None
    data = {} if data is None else data
    found = problem(data, schema)
    if found:
        raise ArticleError(path.name, found)
    return data


def lemmas(nlp: Language, text: str) -> List[str]:
    return [lemma for _, lemma in words(nlp, text)]


def passage(nlp: Language, text: str, bullet: bool = False) -> Passage:
    item: Passage = {"text": text, "lemmas": sorted(set(lemmas(nlp, text)))}
    if bullet:
        item["bullet"] = True
    return item


def sentences(nlp: Language, text: str) -> List[str]:
    return [s.text.strip() for s in nlp(text).sents if s.text.strip()]


def place_blocks(
    article: Article, rules: Rules, overrides: Dict[str, str], nlp: Language
) -> List[Tuple[str, Block]]:
    """Give every body block a section: override, lead segment, bullet list, then cues."""
    placed: List[Tuple[str, Block]] = []
    for block in article.body:
        text = " ".join(block.items)
        override = next((s for start, s in overrides.items() if text.startswith(start)), None)
        previous = placed[-1] if placed else None
        same_segment = previous is not None and previous[1].segment == block.segment
        if override:
            section = override
        elif block.segment == 0:
            section = "overview"
        elif block.bullets and same_segment:
            section = previous[0]
        else:
            counts = Counter(lemmas(nlp, text))
            scores = {s: sum(counts[c] for c in cues) for s, cues in rules.sections.items()}
            best = max(scores.values())
            leaders = [s for s, v in scores.items() if v == best]
            if best > 0 and len(leaders) == 1:
                section = leaders[0]
            elif same_segment:
                section = previous[0]
            else:
                raise ArticleError(
                    article.source,
                    f"cannot tell which section the paragraph {text[:60]!r}... belongs to "
                    f"(cue scores {scores}); name it under `overrides` in the .meta.yml file",
                )
        if section not in rules.sections and section != "overview":
            raise ArticleError(article.source, f"override names an unknown section {section!r}")
        placed.append((section, block))
    return placed


def _matches(lemma_set: set, groups: Sequence[Sequence[str]]) -> bool:
    return all(lemma_set.intersection(group) for group in groups)


def _continues(sentence: Passage, previous: Passage) -> bool:
    """Whether a sentence goes on about the one before: "Such ...", "The risk is higher"."""
    tokens = [w.strip(",.;:") for w in str(sentence["text"]).lower().split()]
    if ANAPHORS.intersection(tokens[:2]):  # "Such procedures...", "Occasionally, they..."
        return True
    return len(tokens) > 1 and tokens[0] == "the" and tokens[1] in previous["lemmas"]


def extract_facts(
    paragraphs: List[List[Passage]], specs: Dict[str, Dict[str, List[List[str]]]]
) -> Dict[str, List[Passage]]:
    facts: Dict[str, List[Passage]] = {}
    for name, spec in specs.items():
        found: List[Passage] = []
        for paragraph in paragraphs:
            taking = False
            for sentence in paragraph:
                if _matches(set(sentence["lemmas"]), spec["cues"]):
                    taking = True
                elif not (taking and _continues(sentence, found[-1])):
                    taking = False
                if taking and sentence not in found:
                    found.append(sentence)
        facts[name] = found
    return facts


def read_meta(meta_path: Path) -> dict:
    """An article's meta file, checked against knowledge/article_meta.schema.json."""
    return read_yaml(meta_path, META_SCHEMA)


def fact_specs(rules: Rules, meta: dict) -> Dict[str, Dict[str, List[List[str]]]]:
    """The facts any article of this kind has (rules), then the facts of this one (meta)."""
    return {**rules.facts, **(meta.get("facts") or {})}


def build_condition(path: Path, rules: Rules, nlp: Language) -> dict:
    """One condition of the knowledge file from one article and its .meta.yml."""
    source = path.name
    meta_path = path.with_suffix(".meta.yml")
    if not meta_path.exists():
        raise ArticleError(source, f"missing metadata file {meta_path.name} (publisher)")
    meta = read_meta(meta_path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ArticleError(source, f"not UTF-8 text ({error.reason})") from error
    article = parse_article(text, source, rules.boilerplate)

    sections: Dict[str, List[Passage]] = {name: [] for name in ["overview", *rules.sections]}
    paragraphs: List[List[Passage]] = [
        [passage(nlp, s) for s in sentences(nlp, article.definition)]
    ]
    paragraphs += [[passage(nlp, point)] for point in article.key_points]
    for section, block in place_blocks(article, rules, meta.get("overrides") or {}, nlp):
        if block.bullets:
            items = [passage(nlp, item, bullet=True) for item in block.items]
            sections[section] += items
            paragraphs += [[item] for item in items]
        else:
            sentence_list = [passage(nlp, s) for s in sentences(nlp, block.items[0])]
            sections[section] += sentence_list
            paragraphs.append(sentence_list)

    aliases = [a.lower() for a in article.aliases + list(meta.get("synonyms") or [])]
    name = article.title.lower()
    return {
        "id": path.stem,
        "name": name,
        "title": article.title,
        "aliases": [a for i, a in enumerate(aliases) if a != name and a not in aliases[:i]],
        "source": {
            "file": source,
            "title": article.title,
            "author": article.author,
            "byline": article.byline,
            "publisher": meta["publisher"],
        },
        "definition": paragraphs[0],
        "key_points": [p[0] for p in paragraphs[1 : 1 + len(article.key_points)]],
        "sections": sections,
        "facts": extract_facts(paragraphs, fact_specs(rules, meta)),
        # People's words for the article's own terms ("d and c" -> "curettage").
        "term_phrases": {normalise(k): v for k, v in (meta.get("term_phrases") or {}).items()},
    }


def build_knowledge(
    sources: Path = SOURCES, rules_path: Path = RULES, nlp=None, training: Path = TRAINING
) -> dict:
    """The whole knowledge file: every `.txt` article in `sources`, in name order, and the
    word lists the scope decision needs (medinfo/lexicon.py), from the training data in
    `training` and the terminologies."""
    from medinfo.language import load_pipeline
    from medinfo.store import KnowledgeStore

    nlp = nlp or load_pipeline()
    rules = Rules.load(rules_path)
    articles = sorted(sources.glob("*.txt"))
    if not articles:
        raise ArticleError(str(sources), "no .txt articles in the sources folder")
    knowledge = {
        "version": 1,
        "question_synonyms": rules.question_synonyms,
        "question_words": sorted(set(rules.question_words)),
        "fact_questions": {},
        "aspects": rules.aspects,
        "everyday_words": [],
        "framing_words": [],
        "article_terms": [],
        "other_subject_words": [],
        "plain_words": [],
        "health_words": [],
        "conditions": [build_condition(path, rules, nlp) for path in articles],
    }
    # Known only now: build_condition has checked that every meta file is there.
    knowledge["fact_questions"] = {
        name: spec["asked_by"]
        for path in articles
        for name, spec in fact_specs(rules, read_meta(path.with_suffix(".meta.yml"))).items()
    }
    phrases = {p for c in knowledge["conditions"] for p in c.get("term_phrases", {})}
    asked = lexicon.asked_word_lines(nlp, training)
    asking = lexicon.asking_word_lines(nlp, training, phrases)
    everyday = lexicon.everyday_words(asked)
    vocabulary = KnowledgeStore(knowledge).vocabulary
    subjects = lexicon.other_subject_words(nlp, vocabulary, everyday, asking)
    knowledge["everyday_words"] = sorted(everyday)
    knowledge["framing_words"] = sorted(lexicon.framing_words(asking))
    knowledge["article_terms"] = sorted(lexicon.article_terms(knowledge["conditions"]))
    knowledge["other_subject_words"] = sorted(subjects - set(rules.not_subjects))
    knowledge["plain_words"] = sorted(lexicon.plain_words(vocabulary, everyday))
    knowledge["health_words"] = sorted(lexicon.health_words(vocabulary, everyday))
    validate_knowledge(knowledge, str(sources))
    return knowledge


def nlu_synonyms(knowledge: dict) -> str:
    """Rasa NLU synonyms mapping every alias to its condition's name."""
    lines = [
        "# Written by `make knowledge` from knowledge/knowledge.json; do not edit.",
        'version: "3.1"',
        "nlu:",
    ]
    for condition in knowledge["conditions"]:
        lines.append(f"- synonym: {condition['name']}")
        lines.append("  examples: |")
        lines += [f"    - {alias}" for alias in condition["aliases"]]
    return "\n".join(lines) + "\n"


def to_json(knowledge: dict) -> str:
    return json.dumps(knowledge, indent=1, ensure_ascii=False) + "\n"


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=SOURCES)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument("--nlu", type=Path, default=NLU_SYNONYMS)
    args = parser.parse_args(argv)
    try:
        knowledge = build_knowledge(args.sources)
    except (ArticleError, ValueError) as error:
        print(f"knowledge build failed: {error}", file=sys.stderr)
        return 1
    _write_atomically(args.out, to_json(knowledge))
    _write_atomically(args.nlu, nlu_synonyms(knowledge))
    names = ", ".join(c["name"] for c in knowledge["conditions"])
    print(f"wrote {args.out} ({names}) and {args.nlu}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
