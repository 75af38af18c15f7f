"""NLU quality: Rasa's own evaluation of the held-out file and 5-fold cross-validation,
summarised as accuracy, macro-F1, out-of-scope precision/recall and the worst confusions."""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

import yaml
from sklearn.metrics import f1_score

PROJECT = Path(__file__).resolve().parent.parent
RASA = str(PROJECT / ".venv" / "bin" / "rasa")
# The measure: messages written blind (the writers read only the article), whose errors nobody
# has looked at. Once its errors are read, a held-out file can no longer measure: its messages
# become training data (data/nlu/retired_blind_sets.yml) and new blind files take its place.
HELDOUT = PROJECT / "tests" / "nlu_heldout"
NOT_FOUND_INTENTS = {"out_of_scope", "nlu_fallback"}  # both are answered "Not Found"
PICTURES = ("intent_confusion_matrix.png", "intent_histogram.png")
CONDITION_MARK = re.compile(r"\[([^\]]+)\]\(condition\)")  # "[preeclampsia](condition)"


def rasa(*args: str, timeout: int = 1200) -> float:
    """Run the Rasa CLI from the project folder; return how long it took."""
    start = time.monotonic()
    result = subprocess.run(
        [RASA, *args], cwd=PROJECT, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"rasa {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return time.monotonic() - start


Row = Tuple[str, str, str]  # (wanted intent, predicted intent, text)


def predictions(out: Path) -> List[Row]:
    """(wanted intent, predicted intent, text) of every message Rasa evaluated."""
    rows = json.loads((out / "intent_successes.json").read_text())
    rows += json.loads((out / "intent_errors.json").read_text())
    return [
        (r["intent"], (r["intent_prediction"] or {}).get("name") or "", r["text"]) for r in rows
    ]


def summarise(rows: List[Row]) -> Dict:
    wanted = [w for w, _, _ in rows]
    got = [g for _, g, _ in rows]
    oos = [(w, g) for w, g, _ in rows if w == "out_of_scope"]
    in_scope = [(w, g) for w, g, _ in rows if w != "out_of_scope"]
    said_not_found = [(w, g) for w, g, _ in rows if g in NOT_FOUND_INTENTS]
    errors = [(w, g, t) for w, g, t in rows if w != g]
    pairs = Counter((w, g) for w, g, _ in errors)
    return {
        "messages": len(rows),
        "accuracy": sum(w == g for w, g in zip(wanted, got)) / len(rows),
        "macro_f1": f1_score(
            wanted, got, labels=sorted(set(wanted)), average="macro", zero_division=0
        ),
        "oos_messages": len(oos),
        "oos_recall": sum(g in NOT_FOUND_INTENTS for _, g in oos) / max(len(oos), 1),
        "oos_precision": sum(w == "out_of_scope" for w, _ in said_not_found)
        / max(len(said_not_found), 1),
        "in_scope_not_found": sum(g in NOT_FOUND_INTENTS for _, g in in_scope)
        / max(len(in_scope), 1),
        "worst_pairs": [(w, g, n) for (w, g), n in pairs.most_common(5)],
        "errors": errors,
    }


def heldout(model: Path, out: Path, docs: Path) -> Dict:
    """Evaluate the blind held-out files; Rasa's pictures of them are copied to `docs`."""
    result = evaluate(HELDOUT, model, out)
    docs.mkdir(parents=True, exist_ok=True)
    for name in PICTURES:
        shutil.copy(out / name, docs / name)
    return result


def evaluate(path: Path, model: Path, out: Path) -> Dict:
    """`rasa test nlu` of a file or folder of never-trained-on messages, summarised with each
    intent as the bot acts on it (`as_answered`)."""
    seconds = rasa(
        "test", "nlu", "--nlu", str(path), "--model", str(model), "--out", str(out), "--successes"
    )
    rows = predictions(out)
    classifier = summarise(rows)
    return {
        **summarise(as_answered(rows, path, model)),
        "classifier": {k: classifier[k] for k in ("accuracy", "oos_recall", "in_scope_not_found")},
        "seconds": seconds,
    }


def as_answered(rows: List[Row], path: Path, model: Path) -> List[Row]:
    """Each intent as the bot acts on it: a topic question the action answers "Not Found"
    counts as out_of_scope. For the prediction, the action's own `answer` decides, from the
    entities the model finds and the words of the message, so the scope check after the
    classifier ("what is endometriosis?", "do i need bed rest?") is scored as the user meets
    it. For the label, a topic question naming a condition the knowledge file lacks is
    out_of_scope (one writer marks "what is [endometriosis](condition)", another labels it
    out_of_scope)."""
    from medinfo.answers import INTENT_TOPIC, Question, answer
    from medinfo.language import load_pipeline, words
    from medinfo.store import KnowledgeStore
    from medinfo.understanding import resolve_subject

    store, nlp = KnowledgeStore.load(), load_pipeline()
    labelled = labelled_conditions(path)
    found = found_conditions(model, [t for _, got, t in rows if got in INTENT_TOPIC])

    def label(intent: str, text: str) -> str:
        names = labelled.get(text, [])
        if intent in INTENT_TOPIC and names:
            _, other = resolve_subject(store, Question(intent, text, [], names))
            return "out_of_scope" if other else intent
        return intent

    def acted(intent: str, text: str) -> str:
        if intent not in INTENT_TOPIC:
            return intent
        question = Question(intent, text, words(nlp, text), found.get(text, []))
        return "out_of_scope" if answer(store, question).not_found else intent

    return [(label(w, t), acted(g, t), t) for w, g, t in rows]


def labelled_conditions(path: Path) -> Dict[str, List[str]]:
    """{message: the condition names marked in it} of a Rasa NLU file or folder."""
    files = sorted(path.glob("*.yml")) if path.is_dir() else [path]
    marked = {}
    for line in (line for f in files for line in examples(f)):
        marked[strip_markup(line)] = CONDITION_MARK.findall(line)
    return marked


def found_conditions(model: Path, texts: List[str]) -> Dict[str, List[str]]:
    """{message: the condition names the model's NLU finds in it}."""
    import asyncio

    agent = nlu_agent(model)
    parsed = {t: asyncio.run(agent.parse_message(t)) for t in texts}
    return {
        t: [e["value"] for e in p["entities"] if e["entity"] == "condition"]
        for t, p in parsed.items()
    }


@functools.lru_cache(maxsize=1)
def nlu_agent(model: Path):
    """The model, loaded once for all the held-out files of a run."""
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no debug line per parsed message
    return Agent.load(str(model))


def examples(path: Path) -> List[str]:
    """The example lines of a Rasa NLU file, entity markup kept."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
    lines = [line.strip()[2:] for item in items for line in item["examples"].splitlines()]
    return [line for line in lines if line]


def strip_markup(line: str) -> str:
    """The message as Rasa reports it: "[weak cervix](condition)" -> "weak cervix"."""
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line)


def example_texts(path: Path) -> List[str]:
    return [strip_markup(line) for line in examples(path)]


def cross_validation(out: Path, folds: int = 5) -> Dict:
    """`rasa test nlu --cross-validation` on the training data (trains `folds` NLU models)."""
    seconds = rasa(
        "test",
        "nlu",
        "--nlu",
        "data/nlu",
        "--config",
        "config.yml",
        "--cross-validation",
        "--folds",
        str(folds),
        "--out",
        str(out),
        "--successes",
        "--no-plot",
        # Five trainings: 16 min on a quick day, over 20 on a slow one (the default 20 min
        # stopped a whole `make bench` on 2026-11-30).
        timeout=3600,
    )
    return {**summarise(predictions(out)), "seconds": seconds, "folds": folds}
