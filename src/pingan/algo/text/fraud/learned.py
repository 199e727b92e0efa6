r"""A learned reading of a situation: fraud or not, fraud type and tier from character n-grams.

The rules of :mod:`pingan.algo.text.fraud.rules` know the phrasings of the people who wrote
the passes they were tuned on. This model reads the same training passes and generalises to
other voices through their characters, not through hand-written patterns.

The model, written out:

- features: TF-IDF of character 1- to 3-grams of the normalised text
  (:func:`~pingan.algo.text.fraud.rules.normalize_situation`), sublinear term frequency;
- fraud: logistic regression, :math:`P(\text{fraud} \mid x) = \sigma(w^\top x + b)`, L2
  penalty with :data:`C_FRAUD`, classes weighted inversely to their frequency;
- type: one logistic regression per MPS type against the others (one-vs-rest), fitted on
  the fraud rows, probabilities normalised to sum to 1, L2 penalty with :data:`C_KIND`
  (weaker: the type and the tier read many small cues);
- tier: the same over red / orange / yellow, classes weighted inversely to their frequency.

Every regression is solved by liblinear (coordinate descent, deterministic, a fraction of a
second on the whole training set).

The training rows ship in ``fraud/data/situations.tsv``: the tuning passes of the corpus
``tests/data/fraud/situations.jsonl`` only (never the held-out passes), exported by
``bench/antifraud.py --export-training``. The model is fitted at first use and kept for the
process (about two seconds with the import); liblinear on the same rows gives the same
weights every time. A prediction is one sparse row times a dense matrix: no BLAS thread
pool is involved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from pingan.algo import _io
from pingan.algo.taxonomy import FRAUD_TYPES
from pingan.algo.text.fraud.rules import normalize_situation

__all__ = [
    "C_FRAUD",
    "C_KIND",
    "FraudModel",
    "Guess",
    "TrainingSituation",
    "read_training",
    "shipped_model",
    "train_model",
]

C_FRAUD = 10.0
C_KIND = 30.0
TIERS = ("red", "orange", "yellow")


@dataclass(frozen=True)
class TrainingSituation:
    """One labelled situation of the shipped training passes.

    Attributes
    ----------
    writing_pass
        The writing pass, e.g. ``"p9"``.
    is_fraud
        Whether the situation is fraud.
    fraud_type
        One of the ten MPS types, or None for not fraud.
    tier
        ``"red"``, ``"orange"``, ``"yellow"`` or ``"none"``.
    text
        The situation in its writer's words.
    """

    writing_pass: str
    is_fraud: bool
    fraud_type: str | None
    tier: str
    text: str


@dataclass(frozen=True)
class Guess:
    r"""The model's probabilities for one text.

    Attributes
    ----------
    fraud
        :math:`P(\text{fraud})`.
    fraud_type
        Probability per MPS type, given fraud (sums to 1).
    tier
        Probability of red, orange and yellow, given fraud (sums to 1).
    """

    fraud: float
    fraud_type: Mapping[str, float]
    tier: Mapping[str, float]


@dataclass(frozen=True)
class FraudModel:
    """The fitted vectoriser and the three classifiers as one weight matrix.

    Attributes
    ----------
    vectorizer
        The fitted scikit-learn ``TfidfVectorizer``.
    weights
        Features × columns: column 0 is fraud, then one column per type, then per tier.
    intercepts
        One per column.
    kinds, tiers
        The labels of the type and tier columns, in column order.
    """

    vectorizer: Any
    weights: np.ndarray
    intercepts: np.ndarray
    kinds: tuple[str, ...]
    tiers: tuple[str, ...]

    def guess(self, text: str) -> Guess:
        """Probabilities of fraud, of each type and of each tier for ``text``."""
        x = self.vectorizer.transform([normalize_situation(text)])
        z = np.asarray(x @ self.weights).ravel() + self.intercepts
        p = 1.0 / (1.0 + np.exp(-z))
        n = len(self.kinds)
        kinds = p[1 : 1 + n] / p[1 : 1 + n].sum()
        tiers = p[1 + n :] / p[1 + n :].sum()
        by_kind = dict(zip(self.kinds, kinds.tolist(), strict=True))
        by_tier = dict(zip(self.tiers, tiers.tolist(), strict=True))
        return Guess(
            fraud=float(p[0]),
            fraud_type={k: by_kind.get(k, 0.0) for k in FRAUD_TYPES},
            tier={t: by_tier.get(t, 0.0) for t in TIERS},
        )


def _columns(*models: Any) -> tuple[np.ndarray, np.ndarray]:
    """Stack the coefficients of binary regressions (class 1 against the rest) as columns."""
    return (
        np.column_stack([m.coef_.ravel() for m in models]),
        np.array([float(m.intercept_[0]) for m in models]),
    )


def train_model(
    rows: Sequence[TrainingSituation], c_fraud: float = C_FRAUD, c_kind: float = C_KIND
) -> FraudModel:
    """Fit the model on labelled situations (deterministic: same rows, same weights).

    Parameters
    ----------
    rows
        Labelled situations with both fraud and not-fraud rows, every tier among the frauds.
    c_fraud, c_kind
        Inverse L2 strength of the fraud regression, and of the type and tier regressions.
        The values were chosen by leaving each of the passes p9, p10, p11 out in turn.

    Returns
    -------
    FraudModel
        The fitted model.

    Raises
    ------
    ValueError
        The rows are all fraud or all not fraud.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.multiclass import OneVsRestClassifier  # type: ignore[import-untyped]

    def regression(c: float, balanced: bool) -> Any:
        return LogisticRegression(
            C=c, solver="liblinear", class_weight="balanced" if balanced else None
        )

    if {row.is_fraud for row in rows} != {False, True}:
        raise ValueError("the training rows need both fraud and not-fraud situations")
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    x = vectorizer.fit_transform([normalize_situation(row.text) for row in rows])
    fraud_rows = [i for i, row in enumerate(rows) if row.is_fraud]
    fraud = regression(c_fraud, balanced=True).fit(x, [row.is_fraud for row in rows])
    kind = OneVsRestClassifier(regression(c_kind, balanced=False))
    kind.fit(x[fraud_rows], [rows[i].fraud_type for i in fraud_rows])
    tier = OneVsRestClassifier(regression(c_kind, balanced=True))
    tier.fit(x[fraud_rows], [rows[i].tier for i in fraud_rows])
    weights, intercepts = _columns(fraud, *kind.estimators_, *tier.estimators_)
    return FraudModel(
        vectorizer,
        weights,
        intercepts,
        tuple(str(k) for k in kind.classes_),
        tuple(str(t) for t in tier.classes_),
    )


def read_training() -> tuple[TrainingSituation, ...]:
    """Read the shipped training situations (``fraud/data/situations.tsv``), in file order."""
    text = _io.read_package_text(__name__.rpartition(".")[0], "data/situations.tsv")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    rows = []
    for line in lines[1:]:
        writing_pass, is_fraud, fraud_type, tier, body = line.split("\t")
        rows.append(
            TrainingSituation(
                writing_pass=writing_pass,
                is_fraud=is_fraud == "1",
                fraud_type=None if fraud_type == "-" else fraud_type,
                tier=tier,
                text=body,
            )
        )
    return tuple(rows)


@cache
def shipped_model() -> FraudModel:
    """Fit the model on the shipped training situations, once per process."""
    return train_model(read_training())
