"""The message's per-token (sequence) features replaced by one empty token, before DIET.

Why: with no transformer layers and no entity or masked-language-model layers (config.yml),
DIET's intent is read off the sentence position alone, and its feed-forward layers act on each
position apart: the per-token features never reach the intent. DIET still embeds every token
of every example at every epoch, most of its training time. With one empty token in their
place it learns the same function of the sentence features in a fraction of the time. The
entity CRF reads tokens, not these features.
"""

from __future__ import annotations

import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from serving.message_step import MessageStep

ORIGIN = "SentenceFeaturesOnly"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceFeaturesOnly(MessageStep):
    """Drops the text's sequence features, leaving one all-zero token."""

    @staticmethod
    def apply(message: Message) -> None:
        kept = [
            f
            for f in message.features
            if not (f.attribute == TEXT and f.type == FEATURE_TYPE_SEQUENCE)
        ]
        if len(kept) == len(message.features):  # no text (an intent-only example)
            return
        message.features = kept
        empty = scipy.sparse.coo_matrix((1, 1))
        message.features.append(Features(empty, FEATURE_TYPE_SEQUENCE, TEXT, ORIGIN))
