"""The project's English spaCy pipeline, built offline from PyPI packages.

No model hub is reachable, so instead of `en_core_web_*` the pipeline is a blank English
tokenizer with a rule-based sentencizer and a lookup lemmatizer whose tables come from
spacy-lookups-data. It is installed into the virtual environment as a package (PACKAGE_NAME),
so Rasa's `config.yml` names it and it resolves from any working directory.
"""

from __future__ import annotations

import functools
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import FrozenSet, List, Tuple

import spacy
from spacy.language import Language

PIPELINE_NAME = "medinfo_lookup"
PACKAGE_NAME = f"en_{PIPELINE_NAME}"
VERSION = "1.0.0"

# log10 probability above which a word counts as everyday English (about the 5,500 most
# frequent words). Rarer words the article never uses point to a topic it does not cover.
COMMON_WORD_LOG_PROB = -11.5


def build_pipeline() -> Language:
    """A blank English pipeline with sentence splitting and lookup lemmas, tables included."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # copies the lookup tables from spacy-lookups-data into the pipeline
    nlp.meta.update(
        {
            "name": PIPELINE_NAME,
            "version": VERSION,
            "description": "Blank English + sentencizer + lookup lemmatizer (offline build).",
            "license": "MIT",
        }
    )
    return nlp


@functools.lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The installed pipeline, or a freshly built one where it is not installed (unit tests)."""
    try:
        return spacy.load(PACKAGE_NAME)
    except OSError:
        return build_pipeline()


def words(nlp: Language, text: str) -> List[Tuple[str, str]]:
    """(word, lemma) pairs of the words in `text`, lower case: the lookup tables are keyed
    lower case, so "Stitches" must be looked up as "stitches"."""
    return [(t.text, LEMMA_SLIPS.get(t.text, t.lemma_)) for t in nlp(text.lower()) if t.is_alpha]


# Where the lookup table's lemma is another word: "number" is not the comparative of "numb"
# ("give me the number" is no question about being numbed for the stitch).
LEMMA_SLIPS = {"number": "number", "weed": "weed"}  # nor "weed" the past of "wee"


@functools.lru_cache(maxsize=1)
def common_words() -> FrozenSet[str]:
    """Everyday English words, by spacy-lookups-data's word probabilities."""
    return english_words(COMMON_WORD_LOG_PROB, float("inf"))


@functools.lru_cache(maxsize=4)  # the builder's tests build several times in one process
def english_words(min_log_prob: float, below: float) -> FrozenSet[str]:
    """Words of spacy-lookups-data's English word probabilities in [min_log_prob, below)."""
    return frozenset(w for w, p in _word_log_probs().items() if min_log_prob <= p < below)


@functools.lru_cache(maxsize=1)
def _word_log_probs() -> dict:
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return {w: p for w, p in json.load(handle).items() if w.isalpha()}


_PACKAGE_INIT = """from pathlib import Path

from spacy.util import load_model_from_path


def load(**overrides):
    return load_model_from_path(Path(__file__).parent / "pipeline", **overrides)
"""


def write_package(root: Path) -> Path:
    """Lay the pipeline out as a pip-installable package under `root` (what `spacy package`
    does; its CLI is broken by the click release Rasa's pins resolve to)."""
    package = root / PACKAGE_NAME
    nlp = build_pipeline()
    package.mkdir(parents=True)
    nlp.to_disk(package / "pipeline")
    # spacy.info(), which Rasa calls, reads meta.json from the package folder itself.
    (package / "meta.json").write_text(json.dumps(nlp.meta, indent=2), encoding="utf-8")
    (package / "__init__.py").write_text(_PACKAGE_INIT, encoding="utf-8")
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        f'[project]\nname = "{PACKAGE_NAME}"\nversion = "{VERSION}"\n'
        f'[tool.setuptools.package-data]\n{PACKAGE_NAME} = ["**/*"]\n',
        encoding="utf-8",
    )
    return root


def install() -> None:
    """Build the pipeline and pip-install it into the running interpreter's environment."""
    with tempfile.TemporaryDirectory() as tmp:
        root = write_package(Path(tmp))
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--no-build-isolation",
                "--force-reinstall",
                str(root),
            ],
            check=True,
        )


if __name__ == "__main__":
    install()
