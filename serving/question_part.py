"""A story's tokens dropped before the featurizers: the NLU reads the intent off its question.

In "I'm 36, I had my son by c-section, an underactive thyroid since 2017, ... My question is
just: what actually is a weak cervix?" the story's words outnumber the question's, and a bag of
words hears what the story says. `medinfo.story.question_start` says where the question starts;
the tokens before it are dropped, in training and in use alike. A message with no story keeps
every token. The action still reads the whole text (the danger signs and names in a story).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from medinfo import story
from medinfo.story import NLU_QUESTION_WORDS, question_start
from serving.message_step import MessageStep


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class QuestionPartOnly(MessageStep):
    """Keeps the tokens of a story's question (after SpacyTokenizer)."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The rule's source and this module's: Rasa's training cache fingerprints config and
        data, not code, and would otherwise restore what an earlier rule cut."""
        sources = (Path(story.__file__), Path(__file__))
        return hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()

    @staticmethod
    def apply(message: Message) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        start = question_start(message.get(TEXT) or "", NLU_QUESTION_WORDS)
        if tokens and start:
            message.set(TOKENS_NAMES[TEXT], [t for t in tokens if t.start >= start])
            # A training example's names in its story: no token left to mark.
            entities = message.get(ENTITIES) or []
            if entities:
                message.set(ENTITIES, [e for e in entities if e["start"] >= start])
