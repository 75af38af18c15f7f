"""Machine facts, training time and model size."""

from __future__ import annotations

import datetime
import os
import platform
import tempfile
from pathlib import Path
from typing import Dict

import psutil

from bench.nlu import rasa


def machine() -> Dict:
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "ram_gib": psutil.virtual_memory().total / 2**30,
        "cpu": platform.processor() or platform.machine(),
        "load": os.getloadavg(),
    }


def training_seconds() -> float:
    """A full `rasa train --force` of the current data and config, into a scratch folder."""
    with tempfile.TemporaryDirectory(prefix="bench-train-") as out:
        return rasa("train", "--force", "--quiet", "--out", out)


def model_mb(model: Path) -> float:
    return model.stat().st_size / 2**20
