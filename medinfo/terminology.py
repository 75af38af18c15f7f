"""Names of conditions, drugs and procedures from public terminologies installed from PyPI:
ICD-10-CM (simple-icd-10-cm) and drug-named-entity-recognition's drug dictionary.

Each list is split in two halves by a fixed rule: the builder learns the words that name
other health subjects from half 0 (`medinfo/lexicon.py`), and `make bench` asks questions
about the names of half 1 (`bench/generated.py`), so the out-of-scope-at-scale figure is
measured on names the bot never saw.
"""

from __future__ import annotations

import bz2
import functools
import pickle
import re
from pathlib import Path
from typing import List, Tuple

# Descriptions that are not one condition's name ("Other...", "Unspecified...", codes in it).
NOT_A_NAME = re.compile(
    r"[\d,\[\]()/;:]|unspecified|other|\bdue\b|encounter|history|status|\bwith\b|\bwithout\b"
    r"|\band\b|\bor\b|\bby\b|\bto\b|\bnot\b|\bnec\b|\bnos\b|\bsite\b|\btype\b",
    re.IGNORECASE,
)
PROCEDURE_WORD = re.compile(
    r"\b[a-z]+(?:ectomy|ostomy|otomy|oscopy|scopy|plasty|pexy|graphy|tripsy|centesis|rrhaphy)\b"
    r"|\b[a-z]+ (?:transplant|bypass|amputation|dialysis|implant)\b"
)
MAX_NAME_WORDS = 4


def _half(items: List[str], half: int) -> List[str]:
    """Every other item of a sorted list: half 0 or half 1."""
    return sorted(items)[half::2]


@functools.lru_cache(maxsize=1)
def _icd_categories() -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    """(3-character category, descriptions of it and its 4-character codes), chapters A-R
    (diseases and findings; injuries and external causes are not condition names)."""
    import simple_icd_10_cm as icd

    found = {}
    for code in icd.get_all_codes(False):
        if len(code) not in (3, 4) or code[0] > "R" or icd.is_chapter(code) or icd.is_block(code):
            continue
        found.setdefault(code[:3], []).append(icd.get_description(code).lower())
    return tuple((c, tuple(d)) for c, d in sorted(found.items()))


@functools.lru_cache(maxsize=2)
def condition_names(half: int) -> List[str]:
    """Short ICD-10-CM names ("whooping cough", "cauda equina syndrome") of half the
    categories."""
    categories = dict(_icd_categories())
    names = {
        d
        for c in _half(list(categories), half)
        for d in categories[c]
        if len(d.split()) <= MAX_NAME_WORDS and not NOT_A_NAME.search(d)
    }
    return sorted(names)


@functools.lru_cache(maxsize=2)
def medical_name_words(half: int) -> List[str]:
    """Every word of every ICD-10-CM description of half the categories ("thyroid" of
    "disorder of thyroid, unspecified"): words a rarer-than-everyday word may be medical by."""
    categories = dict(_icd_categories())
    descriptions = [d for c in _half(list(categories), half) for d in categories[c]]
    return sorted({w for d in descriptions for w in re.findall(r"[a-z]+", d)})


@functools.lru_cache(maxsize=1)
def eponyms() -> List[str]:
    """The names in possessive form of every ICD-10-CM description ("crohn" of "Crohn's
    disease of small intestine"): a short name's words drop them ("crohn's" is no word)."""
    return sorted(
        {w for _, ds in _icd_categories() for d in ds for w in re.findall(r"([a-z]+)'s\b", d)}
    )


@functools.lru_cache(maxsize=2)
def procedure_names(half: int) -> List[str]:
    """Procedure words of ICD-10-CM's descriptions ("colostomy", "arthroplasty")."""
    words = {w for _, ds in _icd_categories() for d in ds for w in PROCEDURE_WORD.findall(d)}
    return _half([w for w in words if w.split()[0] not in ("of", "and", "or")], half)


@functools.lru_cache(maxsize=2)
def drug_names(half: int) -> List[str]:
    """One-word generic and brand names of the drug dictionary."""
    import drug_named_entity_recognition as drugs

    path = Path(drugs.__file__).parent / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path) as handle:
        variants = pickle.load(handle)["drug_variant_to_canonical"]
    return _half([v for v in variants if v.isalpha() and 4 <= len(v) <= 16], half)
