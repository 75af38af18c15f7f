"""The reference a team might build instead of an NLU bot: TF-IDF over the article's
paragraphs, answering with the most similar paragraph, or Not Found below a threshold."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel
from spacy.lang.en.stop_words import STOP_WORDS

from bench.sections import SectionJudge
from medinfo.language import load_pipeline, words

ARTICLE = Path(__file__).resolve().parent.parent / "knowledge" / "sources"
THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 11)]
DEFAULT_THRESHOLD = 0.2


def paragraphs(judge: SectionJudge) -> List[str]:
    """The article's paragraphs (blank-line separated) that hold article passages: the
    site's boilerplate (navigation, author line) is left out, as any team would."""
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(ARTICLE.glob("*.txt")))
    blocks = [" ".join(b.split()) for b in text.split("\n\n")]
    return [b for b in blocks if judge.found(b)]


class Retriever:
    def __init__(self, docs: Sequence[str]) -> None:
        self.docs = list(docs)
        nlp = load_pipeline()
        # Lemmas of the non-stop words (the project's lookup lemmatizer): "causes" finds "cause".
        self.vectorizer = TfidfVectorizer(
            analyzer=lambda text: [
                lemma for word, lemma in words(nlp, text) if word not in STOP_WORDS
            ],
            sublinear_tf=True,
        )
        self.matrix = self.vectorizer.fit_transform(self.docs)

    def best(self, question: str) -> Tuple[str, float]:
        scores = linear_kernel(self.vectorizer.transform([question]), self.matrix)[0]
        i = int(scores.argmax())
        return self.docs[i], float(scores[i])


def score(judge: SectionJudge, questions: List[Tuple[str, str]]) -> Dict:
    """The share answered from the right section at each threshold; the default threshold
    is reported, and the best one as the retriever's ceiling on this file."""
    retriever = Retriever(paragraphs(judge))
    best = [retriever.best(q) for q, _ in questions]
    by_threshold = {}
    for t in THRESHOLDS:
        right = sum(
            judge.correct(doc if s >= t else "", expected)
            for (doc, s), (_, expected) in zip(best, questions)
        )
        by_threshold[t] = right / len(questions)
    top = max(by_threshold, key=by_threshold.get)
    return {
        "paragraphs": len(retriever.docs),
        "threshold": DEFAULT_THRESHOLD,
        "right_share": by_threshold[DEFAULT_THRESHOLD],
        "best_threshold": top,
        "best_right_share": by_threshold[top],
    }
