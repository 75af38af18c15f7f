"""`--redact`: mask what could identify a person in the texts the report shows.

E-mail addresses and phone numbers first (they contain digits), then every other digit.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Seven or more digits, optionally with +, spaces, dots, dashes or brackets between them.
PHONE = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")
DIGIT = re.compile(r"\d")


def redact(text: str) -> str:
    text = EMAIL.sub("[e-mail]", text)
    text = PHONE.sub(lambda m: "[phone]" if len(DIGIT.findall(m.group())) >= 7 else m.group(), text)
    return DIGIT.sub("#", text)
