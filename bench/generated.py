"""Out of scope at scale: questions about other conditions, drugs and procedures, built from
public terminologies installed from PyPI (names are facts; the question templates are ours).

- conditions: ICD-10-CM category names (simple-icd-10-cm, chapters A-R: diseases, findings),
  short names only ("Whooping cough", "Cauda equina syndrome");
- procedures: the procedure words of the same descriptions ("colostomy", "arthroplasty");
- drugs: the generic and brand names of drug-named-entity-recognition's dictionary.

Every topic the bot answers is asked, in lay phrasings too ("how do you get rid of X"). Names
the article itself discusses (cervix, miscarriage, preterm labour, progesterone, ...) or that
touch a pregnancy's own organs are left out: those questions may be the article's.
"""

from __future__ import annotations

import bz2
import pickle
import random
import re
from pathlib import Path
from typing import List, Tuple

# A name mentioning any of these may be a question the article answers; it is not generated.
ARTICLE_TERMS = re.compile(
    r"cervi|cerclage|insufficien|incompeten|ehlers|danlos|connective|biops|curett|dilat"
    r"|miscarr|abortion|preterm|premature|prematur|labou?r|deliver|birth|genital|ultraso"
    r"|progest|hormone|anest|anaest|cesarean|caesarean|pregnan|gestation|trimester|fetus|fetal"
    r"|uter|vagin|placent|contraction|spotting|obstetric|puerper|newborn|perinatal|congenital",
    re.IGNORECASE,
)
# Descriptions that are not one condition's name ("Other...", "Unspecified...", codes in it).
NOT_A_NAME = re.compile(
    r"[\d,\[\]()/;:]|unspecified|other|\bdue\b|encounter|history|status|\bwith\b|\bwithout\b"
    r"|\bin\b|\band\b|\bor\b|\bby\b|\bto\b|\bnot\b|\bnec\b|\bnos\b|\bsite\b|\btype\b",
    re.IGNORECASE,
)
PROCEDURE_WORD = re.compile(r"\b[a-z]+(?:ectomy|ostomy|otomy|oscopy|plasty|pexy|graphy)\b")

CONDITION_TEMPLATES = [
    "what is {x}?",
    "what does {x} mean",
    "what causes {x}?",
    "what brings on {x}",
    "why do people get {x}?",
    "who is more likely to get {x}?",
    "what raises the risk of {x}",
    "what are the symptoms of {x}?",
    "how would i know if i have {x}",
    "signs of {x}?",
    "how is {x} diagnosed?",
    "is there a test for {x}",
    "how is {x} treated?",
    "how do you get rid of {x}",
    "can {x} be cured?",
    "can {x} come back after treatment?",
    "will {x} happen again",
    "when does {x} usually start?",
    "at what age does {x} show up",
    "is {x} serious?",
    "im pregnant, what are the signs of {x}?",
    "my wife has {x}, what can be done?",
    "{x} treatment",
    "does {x} go away on its own?",
]
DRUG_TEMPLATES = [
    "what is {x} used for?",
    "is {x} safe to take?",
    "side effects of {x}",
    "how does {x} work",
    "can i take {x} while pregnant?",
    "how long does {x} take to work?",
    "what happens if i stop taking {x}",
    "is it ok to drink alcohol on {x}?",
]
PROCEDURE_TEMPLATES = [
    "what is a {x}?",
    "why would someone need a {x}",
    "how long does it take to recover from a {x}?",
    "does a {x} hurt?",
    "what are the risks of a {x}",
    "how is a {x} done?",
]
SEED = 13


def condition_names() -> List[str]:
    """Short ICD-10-CM category names of diseases and findings (chapters A-R)."""
    import simple_icd_10_cm as icd

    names = set()
    for code in icd.get_all_codes(False):
        if len(code) not in (3, 4) or code[0] > "R" or icd.is_chapter(code) or icd.is_block(code):
            continue
        name = icd.get_description(code)
        if (
            len(name.split()) <= 4
            and not NOT_A_NAME.search(name)
            and not ARTICLE_TERMS.search(name)
        ):
            names.add(name.lower())
    return sorted(names)


def procedure_names() -> List[str]:
    """Procedure words of ICD-10-CM's descriptions ("colostomy", "arthroplasty")."""
    import simple_icd_10_cm as icd

    found = set()
    for code in icd.get_all_codes(False):
        found.update(PROCEDURE_WORD.findall(icd.get_description(code).lower()))
    return sorted(w for w in found if not ARTICLE_TERMS.search(w))


def drug_names() -> List[str]:
    """One-word generic and brand names of the drug dictionary."""
    import drug_named_entity_recognition as drugs

    path = Path(drugs.__file__).parent / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path) as handle:
        variants = pickle.load(handle)["drug_variant_to_canonical"]
    return sorted(
        v for v in variants if v.isalpha() and 4 <= len(v) <= 16 and not ARTICLE_TERMS.search(v)
    )


def questions(conditions: int = 1300, drugs: int = 600) -> List[Tuple[str, str]]:
    """(question, kind of name) pairs, the same on every run (a fixed seed): sampled
    conditions and drugs with the templates in turn, every procedure with every template."""
    rng = random.Random(SEED)
    out: List[Tuple[str, str]] = []
    for kind, names, templates, count in (
        ("condition", condition_names(), CONDITION_TEMPLATES, conditions),
        ("drug", drug_names(), DRUG_TEMPLATES, drugs),
    ):
        chosen = rng.sample(names, min(count, len(names)))
        out += [(templates[i % len(templates)].format(x=n), kind) for i, n in enumerate(chosen)]
    out += [(t.format(x=n), "procedure") for n in procedure_names() for t in PROCEDURE_TEMPLATES]
    return out
