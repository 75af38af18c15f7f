"""Emergency messages and the general-information reminder.

A person describing bleeding, waters breaking, contractions or pressure in pregnancy is told
to get care at once, before anything else, even when the classifier missed the intent.
"""

from __future__ import annotations

import re

URGENT = (
    "⚠️ If you are pregnant and have bleeding, fluid leaking from the vagina (waters "
    "breaking), contractions or cramps, or pressure in the vagina, contact your doctor or "
    "emergency services now. Do not wait for an answer from a chatbot."
)
REMINDER = (
    "This is general information from a medical article, not medical advice: about your own "
    "pregnancy, ask your doctor or midwife."
)

_SIGNS = re.compile(
    r"\b(bleed\w*|blood\w*|spotting|water\w* (just )?(broke|broken|break\w*)|"
    r"leak\w*|gush\w*|contraction\w*|cramp\w*|pressure (in|on|down)\w*|bulg\w*|"
    r"something (is )?coming out|labou?r (has )?start\w*)"
)
_FIRST_PERSON = re.compile(r"\b(i|i'?m|im|i'?ve|ive|me|my|we|we'?re|she|she'?s|her)\b")


def is_emergency(text: str, intent: str) -> bool:
    """Someone describing warning signs now (not asking whether bleeding is a symptom)."""
    lowered = text.lower()
    if intent == "report_emergency":
        return True
    return bool(_SIGNS.search(lowered) and _FIRST_PERSON.search(lowered))
