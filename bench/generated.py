"""Out of scope at scale: questions about other conditions, drugs and procedures, built from
public terminologies installed from PyPI (names are facts; the question templates are ours).

- conditions: ICD-10-CM category names (simple-icd-10-cm, chapters A-R: diseases, findings),
  short names only ("Whooping cough", "Cauda equina syndrome");
- procedures: the procedure words of the same descriptions ("colostomy", "arthroplasty");
- drugs: the generic and brand names of drug-named-entity-recognition's dictionary.

The names are half 1 of each list (medinfo/terminology.py); the bot's builder learns only
from half 0. Every topic the bot answers is asked, in lay phrasings too ("how do you get rid
of X"). Names the article itself discusses (cervix, miscarriage, preterm labour,
progesterone, ...) or that touch a pregnancy's own organs are left out: those questions may
be the article's.
"""

from __future__ import annotations

import random
import re
from typing import List, Tuple

from medinfo.terminology import condition_names, drug_names, procedure_names

# A name mentioning any of these may be a question the article answers; it is not generated.
ARTICLE_TERMS = re.compile(
    r"cervi|cerclage|insufficien|incompeten|ehlers|danlos|connective|biops|curett|dilat"
    r"|miscarr|abortion|preterm|premature|prematur|labou?r|deliver|birth|genital|ultraso"
    r"|progest|hormone|anest|anaest|cesarean|caesarean|pregnan|gestation|trimester|fetus|fetal"
    r"|uter|vagin|placent|contraction|spotting|obstetric|puerper|newborn|perinatal|congenital",
    re.IGNORECASE,
)
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


def names(kind: str) -> List[str]:
    """The names of half 1 of the terminology (the builder learns from half 0), without
    those touching the article's own terms."""
    pick = {"condition": condition_names, "drug": drug_names, "procedure": procedure_names}
    return [n for n in pick[kind](1) if not ARTICLE_TERMS.search(n)]


def questions(conditions: int = 1300, drugs: int = 700) -> List[Tuple[str, str]]:
    """(question, kind of name) pairs, the same on every run (a fixed seed): sampled
    conditions and drugs with the templates in turn, every procedure with every template."""
    rng = random.Random(SEED)
    out: List[Tuple[str, str]] = []
    for kind, pool, templates, count in (
        ("condition", names("condition"), CONDITION_TEMPLATES, conditions),
        ("drug", names("drug"), DRUG_TEMPLATES, drugs),
    ):
        chosen = rng.sample(pool, min(count, len(pool)))
        out += [(templates[i % len(templates)].format(x=n), kind) for i, n in enumerate(chosen)]
    out += [(t.format(x=n), "procedure") for n in names("procedure") for t in PROCEDURE_TEMPLATES]
    return out
