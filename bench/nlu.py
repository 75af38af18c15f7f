"""NLU quality: Rasa's own evaluation of the held-out file and 5-fold cross-validation,
summarised as accuracy, macro-F1, out-of-scope precision/recall and the worst confusions."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

from sklearn.metrics import f1_score

PROJECT = Path(__file__).resolve().parent.parent
RASA = str(PROJECT / ".venv" / "bin" / "rasa")
HELDOUT = PROJECT / "tests" / "nlu_heldout.yml"
NOT_FOUND_INTENTS = {"out_of_scope", "nlu_fallback"}  # both are answered "Not Found"
PICTURES = ("intent_confusion_matrix.png", "intent_histogram.png")


def rasa(*args: str, timeout: int = 1200) -> float:
    """Run the Rasa CLI from the project folder; return how long it took."""
    start = time.monotonic()
    result = subprocess.run(
        [RASA, *args], cwd=PROJECT, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"rasa {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return time.monotonic() - start


def predictions(out: Path) -> List[Tuple[str, str, str]]:
    """(wanted intent, predicted intent, text) of every message Rasa evaluated."""
    rows = json.loads((out / "intent_successes.json").read_text())
    rows += json.loads((out / "intent_errors.json").read_text())
    return [
        (r["intent"], (r["intent_prediction"] or {}).get("name") or "", r["text"]) for r in rows
    ]


def summarise(rows: List[Tuple[str, str, str]]) -> Dict:
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
    """Evaluate the held-out file; Rasa's pictures of it are copied to `docs`."""
    seconds = rasa(
        "test",
        "nlu",
        "--nlu",
        str(HELDOUT),
        "--model",
        str(model),
        "--out",
        str(out),
        "--successes",
    )
    docs.mkdir(parents=True, exist_ok=True)
    for name in PICTURES:
        shutil.copy(out / name, docs / name)
    return {**summarise(predictions(out)), "seconds": seconds}


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
    )
    return {**summarise(predictions(out)), "seconds": seconds, "folds": folds}
