"""The life of a blind set: written by someone who read only the article, installed as the
held-out measure, and retired into training data once its errors have been read.

    python -m bench.blind_sets install NAME NLU_FILE ANSWERS_FILE   # a new measure
    python -m bench.blind_sets retire NAME...                       # a spent one
    python -m bench.blind_sets install-scope SOURCE TARGET          # a scope set (bench/scope.py)
    python -m bench.blind_sets retire-scope PATH...                 # spent scope sets

Installing drops the lines that are already training examples word for word, so the measure
never scores text the model was trained on. Retiring marks condition names as entities (the
article's, and any name marked elsewhere in the training data; the writers mark none), drops
lines that are already training examples or that another writer filed under a different
intent, and moves the answer questions to the answer files read while tuning
(`bench/answers_dev/`). A spent scope set gives its single questions and each conversation's
first turn and its later turns that ask a topic, each label as the intent (`not_found` is
out_of_scope, `urgent` report_emergency)."""

from __future__ import annotations

import argparse
import datetime
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Set

import yaml

from bench.nlu import CONDITION_MARK, HELDOUT, examples, strip_markup
from medinfo.store import normalise

PROJECT = Path(__file__).resolve().parent.parent
TRAINING = PROJECT / "data" / "nlu"
RETIRED_BLIND_SETS = TRAINING / "retired_blind_sets.yml"
KNOWLEDGE = PROJECT / "knowledge" / "knowledge.json"
ANSWERS_HELDOUT = PROJECT / "bench" / "answers_heldout"
ANSWERS_DEV = PROJECT / "bench" / "answers_dev"


def intent_examples(path: Path) -> Dict[str, List[str]]:
    """{intent: example lines, markup kept} of a Rasa NLU file, in the file's order."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []
    found: Dict[str, List[str]] = {}
    for item in items:
        if "intent" in item:
            lines = [line.strip()[2:].strip() for line in item["examples"].splitlines()]
            found.setdefault(item["intent"], []).extend(line for line in lines if line)
    return found


def training_texts(folder: Path = TRAINING) -> Set[str]:
    """Every training example, normalised and without markup."""
    return {
        normalise(strip_markup(line)) for path in folder.glob("*.yml") for line in examples(path)
    }


def condition_names(knowledge: Path = KNOWLEDGE) -> Set[str]:
    """The names and aliases of the knowledge file's conditions."""
    conditions = json.loads(knowledge.read_text(encoding="utf-8"))["conditions"]
    return {n for c in conditions for n in [c["name"], *c.get("aliases", [])]}


MARK = re.compile(r"(\[[^\]]+\]\([^)]+\))")  # "[weak cervix](condition)"


def marked_names(folder: Path = TRAINING) -> Set[str]:
    """Every name marked as a condition somewhere in the training data, lower case."""
    lines = (line for path in folder.glob("*.yml") for line in examples(path))
    return {n.lower() for line in lines for n in CONDITION_MARK.findall(line)}


def mark_conditions(line: str, names: Iterable[str]) -> str:
    """Mark each unmarked name as a condition entity, keeping the writer's spelling; text
    already marked ("[gestational diabetes](condition)") is left alone. Longest names first,
    so "weak cervix" is marked whole before "cervix" could be."""
    for name in sorted(names, key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w)({re.escape(name)})(?!\w)", re.IGNORECASE)
        parts = MARK.split(line)  # odd items are the marks
        line = "".join(
            part if i % 2 else pattern.sub(r"[\1](condition)", part) for i, part in enumerate(parts)
        )
    return line


def dump(intents: Dict[str, List[str]], header: str) -> str:
    """A Rasa NLU file: the header's comment lines, then one block per intent."""
    out = [f"# {line}".rstrip() for line in header.splitlines()]
    out += ['version: "3.1"', "nlu:"]
    for intent, lines in intents.items():
        out += [f"- intent: {intent}", "  examples: |", *(f"    - {line}" for line in lines)]
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Folders:
    """Where the sets live; tests point these at a scratch folder."""

    training: Path = TRAINING
    heldout: Path = HELDOUT
    answers_heldout: Path = ANSWERS_HELDOUT
    answers_dev: Path = ANSWERS_DEV
    knowledge: Path = KNOWLEDGE


PROJECT_FOLDERS = Folders()


def install(
    name: str, nlu_file: Path, answers_file: Path, today: str, at: Folders = PROJECT_FOLDERS
) -> int:
    """Write the held-out NLU file and answer file NAME; return how many lines were dropped."""
    known = training_texts(at.training)
    intents, dropped = {}, 0
    for intent, lines in intent_examples(nlu_file).items():
        kept = [line for line in lines if normalise(strip_markup(line)) not in known]
        dropped += len(lines) - len(kept)
        intents[intent] = kept
    header = (
        f"Written blind on {today}: the writer read only the article, not the training data,\n"
        "the other held-out files or any results. Never trained on.\n"
        f"{dropped} lines that are also training examples, word for word, were dropped."
    )
    (at.heldout / f"{name}.yml").write_text(dump(intents, header), encoding="utf-8")
    questions = yaml.safe_load(answers_file.read_text(encoding="utf-8"))["questions"]
    answers_header = (
        f"# Written blind on {today}: the writer read only the article, not the training data,\n"
        "# the other answer files or any results.\n"
    )
    body = yaml.safe_dump({"questions": questions}, sort_keys=False, allow_unicode=True)
    (at.answers_heldout / f"{name}.yml").write_text(answers_header + body, encoding="utf-8")
    return dropped


ECHO_JACCARD = 0.7  # a held-out line this close to a training line echoes it


def trigrams(text: str) -> FrozenSet[str]:
    """Character trigrams of the text, lower-cased and without entity marks."""
    t = " ".join(strip_markup(text).lower().split())
    return frozenset(t[i : i + 3] for i in range(max(len(t) - 2, 1)))


def training_trigrams(folder: Path = TRAINING) -> List[FrozenSet[str]]:
    return [trigrams(line) for path in sorted(folder.glob("*.yml")) for line in examples(path)]


def echoes(text: str, training: List[FrozenSet[str]], threshold: float = ECHO_JACCARD) -> bool:
    """Does a training line have character-trigram Jaccard >= threshold with `text`?"""
    mine = trigrams(text)
    for other in training:
        shared = len(mine & other)
        if shared and shared / (len(mine) + len(other) - shared) >= threshold:
            return True
    return False


def install_scope_set(source: Path, target: Path, today: str, folder: Path = TRAINING) -> int:
    """Copy a blind answers/near-misses/conversations file into bench/heldout/, dropping the
    lines that echo a training line; return how many. A conversation's echoing turn is still
    sent, for the turns after it, but marked `scored: false` ("thanks", "what about it?")."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    training = training_trigrams(folder)
    if "conversations" in data:
        dropped = 0
        for turn in (t for c in data["conversations"] for t in c["turns"]):
            if echoes(turn["text"], training):
                turn["scored"], dropped = False, dropped + 1
    else:
        kept = [q for q in data["questions"] if not echoes(q["text"], training)]
        dropped, data["questions"] = len(data["questions"]) - len(kept), kept
    header = (
        f"# Written blind on {today} by someone who read only the article; never trained on.\n"
        f"# {dropped} lines dropped (in conversations: sent, not scored): a training line"
        f" is at character-trigram Jaccard >= {ECHO_JACCARD}.\n"
    )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    target.write_text(header + body, encoding="utf-8")
    return dropped


def retire(names: List[str], at: Folders = PROJECT_FOLDERS) -> Dict[str, int]:
    """Move held-out sets NAMES into retired_blind_sets.yml and their questions to answers_dev/."""
    result = merge_retired([intent_examples(at.heldout / f"{name}.yml") for name in names], at)
    for name in names:
        (at.heldout / f"{name}.yml").unlink()
        (at.answers_heldout / f"{name}.yml").rename(at.answers_dev / f"{name}.yml")
    return result


# The intent of each label of the scope sets (bench/scope.py); small talk has several.
LABEL_INTENT = {
    "what_is": "ask_what_is", "causes": "ask_causes", "risk_factors": "ask_risk_factors",
    "symptoms": "ask_symptoms", "diagnosis": "ask_diagnosis", "treatment": "ask_treatment",
    "recurrence": "ask_recurrence", "timing": "ask_timing", "not_found": "out_of_scope",
    "urgent": "report_emergency",
}  # fmt: skip


def scope_examples(path: Path) -> Dict[str, List[str]]:
    """{intent: lines} of a spent scope set: its single questions, the first turn of each
    conversation, and the later turns that ask a topic of the article or describe a danger
    sign ("timing?", "and they take it out when"). A later turn's Not Found depends on the
    turns before it ("is it common?"), so those are left out."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "conversations" in data:
        turns = [(i, t) for c in data["conversations"] for i, t in enumerate(c["turns"])]
        rows = [
            (t["text"], t["expect"])
            for i, t in turns
            if i == 0 or (t["expect"] in LABEL_INTENT and t["expect"] != "not_found")
        ]
    else:
        rows = [(q["text"], q["section"]) for q in data["questions"]]
    found: Dict[str, List[str]] = {}
    for text, label in rows:
        if label in LABEL_INTENT:
            found.setdefault(LABEL_INTENT[label], []).append(" ".join(str(text).split()))
    return found


def retire_scope(paths: List[Path], at: Folders = PROJECT_FOLDERS) -> Dict[str, int]:
    """Add the lines of spent scope sets (bench/scope_dev/) to retired_blind_sets.yml; the
    files stay where they are, as the record of what was read."""
    return merge_retired([scope_examples(path) for path in paths], at)


def merge_retired(sets: List[Dict[str, List[str]]], at: Folders) -> Dict[str, int]:
    """Add the sets' {intent: lines} to retired_blind_sets.yml: condition names marked, lines
    already trained on or filed under two intents left out."""
    retired = at.training / RETIRED_BLIND_SETS.name
    header_lines = [
        line[2:]
        for line in retired.read_text(encoding="utf-8").splitlines()
        if line.startswith("# ")
    ]
    merged = intent_examples(retired)
    known = training_texts(at.training)
    new: Dict[str, Dict[str, str]] = {}  # normalised text -> {intent: line}
    for examples_by_intent in sets:
        for intent, lines in examples_by_intent.items():
            for line in lines:
                text = normalise(strip_markup(line))
                if text not in known:
                    new.setdefault(text, {}).setdefault(intent, line)
    conflicts = {t for t, by_intent in new.items() if len(by_intent) > 1}
    # The same names are marked wherever they appear, so the entity extractor learns them
    # from consistent examples.
    marks = condition_names(at.knowledge) | marked_names(at.training)
    added = 0
    for text, by_intent in new.items():
        if text not in conflicts:
            ((intent, line),) = by_intent.items()
            merged.setdefault(intent, []).append(mark_conditions(line, marks))
            added += 1
    retired.write_text(dump(merged, "\n".join(header_lines)), encoding="utf-8")
    return {"added": added, "conflicts": len(conflicts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("install", help="install a new blind set as the measure")
    add.add_argument("name")
    add.add_argument("nlu_file", type=Path)
    add.add_argument("answers_file", type=Path)
    scope = commands.add_parser("install-scope", help="install a blind file into bench/heldout/")
    scope.add_argument("source", type=Path)
    scope.add_argument("target", type=Path)
    spent = commands.add_parser("retire", help="move spent blind sets into the training data")
    spent.add_argument("names", nargs="+")
    spent_scope = commands.add_parser(
        "retire-scope", help="add spent scope sets (bench/scope_dev/) to the training data"
    )
    spent_scope.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args()
    if args.command == "install":
        today = datetime.date.today().isoformat()
        dropped = install(args.name, args.nlu_file, args.answers_file, today)
        print(f"installed {args.name}: {dropped} lines equal to training examples dropped")
    elif args.command == "install-scope":
        dropped = install_scope_set(args.source, args.target, datetime.date.today().isoformat())
        print(f"installed {args.target}: {dropped} items echoing training lines dropped")
    elif args.command == "retire-scope":
        print(retire_scope(args.paths))
    else:
        print(retire(args.names))


if __name__ == "__main__":
    main()
