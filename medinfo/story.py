"""Where a long message's question starts, after the story told around it.

People write "I'm 36, I had my son by c-section, then an underactive thyroid... My question is
just: what actually is a weak cervix?". The story's conditions are background and its words
swamp the question's in a bag of words: the NLU reads the intent off the question alone
(serving/question_part.py), and the subject is decided from it (medinfo/understanding.py).
"""

from __future__ import annotations

import re

STORY_WORDS = 12  # words before the question: a shorter lead-in ("I'm 20 weeks.") is no story
# The NLU reads the question alone only when it says enough: "Is that bad?" after a danger
# sign leans on its story (the danger is in the story, not the question).
NLU_QUESTION_WORDS = 7
QUESTION_WORDS = 3  # "What's the mechanism?" is a question; "Why?" leans on the story
# A sentence: up to its end mark (or the message's end), the marks and spaces after it.
SENTENCE = re.compile(r"[^.?!\n]*(?:[.?!\n]+|$)\s*")


def question_start(text: str, min_words: int = QUESTION_WORDS) -> int:
    """The offset where the question of a story starts: its last run of sentences that end in
    "?" (and whatever follows them, "thanks!"). 0 for a message that tells no story before
    its question, or has no question mark, or whose question has fewer than `min_words`."""
    sentences = [(m.start(), m.group()) for m in SENTENCE.finditer(text) if m.group().strip()]
    asking = [i for i, (_, s) in enumerate(sentences) if s.rstrip().endswith("?")]
    if not asking:
        return 0
    first = asking[-1]
    while first - 1 in asking:
        first -= 1
    start = sentences[first][0]
    if len(text[:start].split()) < STORY_WORDS or len(text[start:].split()) < min_words:
        return 0
    return start
