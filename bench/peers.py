"""The peer matchers the issue names, trained on the project's examples only: rapidfuzz's extractOne and TF-IDF
(character 2-4-grams and words) with logistic regression (scikit-learn, a bench extra). Each gives a topic and a
score for a question, and declines below a cut-off the risk-coverage curve moves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.matching.text import detect_language
from bot.models import LANGS, Dataset

DECLINE = "(decline)"


@dataclass
class Peer:
    name: str
    predict: Callable[[str], tuple[str | None, float]]  # a question -> (topic or DECLINE, score 0-1)


def rapidfuzz_peer(data: Dataset) -> Peer:
    examples = {lang: [(e, i.id) for i in data.intents.values() for e in i.examples.get(lang, ())] for lang in LANGS}
    for lang in LANGS:
        examples[lang] += [(e, DECLINE) for o in data.out_of_scope.values() for e in o.examples.get(lang, ())]
    texts = {lang: [utils.default_process(e) for e, _ in examples[lang]] for lang in LANGS}

    def predict(question: str) -> tuple[str | None, float]:
        lang = detect_language(question)
        best = process.extractOne(utils.default_process(question), texts[lang], scorer=fuzz.WRatio)
        if best is None:
            return None, 0.0
        return examples[lang][best[2]][1], best[1] / 100

    return Peer("rapidfuzz extractOne (WRatio)", predict)


def extract_one(data: Dataset) -> Callable[[str], object]:
    """The bare call the latency benchmark times against Matcher.match."""
    return rapidfuzz_peer(data).predict


def tfidf_peer(data: Dataset) -> Peer | None:
    """TF-IDF of character 2-4-grams (within words) and words, logistic regression; None without scikit-learn."""
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, make_pipeline
    except ImportError:
        return None
    models = {}
    for lang in LANGS:
        texts = [e for i in data.intents.values() for e in i.examples.get(lang, ())]
        labels = [i.id for i in data.intents.values() for _ in i.examples.get(lang, ())]
        for o in data.out_of_scope.values():
            texts += list(o.examples.get(lang, ()))
            labels += [DECLINE] * len(o.examples.get(lang, ()))
        features = FeatureUnion(
            [
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)),
                ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
            ]
        )
        models[lang] = make_pipeline(features, LogisticRegression(C=10, max_iter=2000)).fit(texts, labels)

    def predict(question: str) -> tuple[str | None, float]:
        model = models[detect_language(question)]
        probabilities = model.predict_proba([question])[0]
        k = int(probabilities.argmax())
        return model.classes_[k], float(probabilities[k])

    return Peer("TF-IDF (char 2-4 + words) + logistic regression", predict)
