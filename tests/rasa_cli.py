"""Run the project's Rasa CLI the way `make` does (through `python -m serving`, which filters
Rasa's known warnings by module), for the tests that need a trained model."""

import os
import subprocess
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = PROJECT / ".venv" / "bin" / "python"
ENV = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}


def latest_model() -> Path:
    models = sorted((PROJECT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    assert models, "no trained model in models/: `make test` trains one (or run `make train`)"
    return models[-1]


def rasa(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PYTHON), "-m", "serving", *args],
        cwd=PROJECT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
