"""Fitting the text classifier of :mod:`pingan.algo.text.typemodel` from labelled messages.

Training rows are the labelled messages a caller may tune on: the ``train`` split of
``tests/data/text/corpus.jsonl`` and the passes of ``tests/data/text/voices.jsonl`` that are
not held out (``pingan text train`` picks them; held-out rows never reach this module).

Both regressions are scikit-learn's multinomial :class:`~sklearn.linear_model.LogisticRegression`
(L2, lbfgs, classes weighted inversely to their frequency), solved with one BLAS thread: the
same rows and seed give the same weights bit for bit. The uncertainty threshold comes from
out-of-fold predictions on the training rows themselves (stratified k-fold, shuffled by the
seed): the largest confidence of :data:`THRESHOLD_GRID` below which the model's out-of-fold
guesses are right less than :data:`UNCERTAIN_ACCURACY` of the time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from pingan.algo.text.typemodel import CHATTER, TypeModel, features

__all__ = [
    "C_FRAUD",
    "C_KIND",
    "THRESHOLD_GRID",
    "UNCERTAIN_ACCURACY",
    "TrainingRow",
    "fit",
    "kind_of",
]

#: Inverse L2 strength of the kind regression.
C_KIND = 1.0
#: Inverse L2 strength of the fraud-type regression.
C_FRAUD = 1.0
#: Candidate thresholds of confidence.
THRESHOLD_GRID: tuple[float, ...] = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
#: Below the threshold, out-of-fold guesses are right less often than this.
UNCERTAIN_ACCURACY = 0.6
_FOLDS = 5


@dataclass(frozen=True)
class TrainingRow:
    """One labelled message (fields as in ``pingan text parse``)."""

    text: str
    type: str
    fraud_type: str | None
    is_report: bool


def kind_of(row: TrainingRow) -> str:
    """Return the class the kind regression learns: the type, or chatter for a non-report."""
    return row.type if row.is_report else CHATTER


def _regression(c: float, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    return LogisticRegression(C=c, max_iter=5000, class_weight="balanced", random_state=seed)


def _fit_arrays(
    x: npt.NDArray[np.float64], kinds: Sequence[str], frauds: Sequence[str | None], seed: int
) -> TypeModel:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    kind_lr = _regression(C_KIND, seed).fit(z, np.array(kinds))
    fraud_rows = [i for i, f in enumerate(frauds) if f is not None]
    fraud_lr = _regression(C_FRAUD, seed).fit(
        z[fraud_rows], np.array([frauds[i] for i in fraud_rows])
    )
    return TypeModel(
        kinds=tuple(str(k) for k in kind_lr.classes_),
        kind_coef=np.asarray(kind_lr.coef_, dtype=np.float64),
        kind_intercept=np.asarray(kind_lr.intercept_, dtype=np.float64),
        fraud_types=tuple(str(f) for f in fraud_lr.classes_),
        fraud_coef=np.asarray(fraud_lr.coef_, dtype=np.float64),
        fraud_intercept=np.asarray(fraud_lr.intercept_, dtype=np.float64),
        mean=mean,
        scale=scale,
        threshold=0.5,
    )


def _threshold(x: npt.NDArray[np.float64], kinds: Sequence[str], seed: int) -> float:
    from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

    labels = np.array(kinds)
    counts = {k: int((labels == k).sum()) for k in set(kinds)}
    folds = min(_FOLDS, min(counts.values()))
    if folds < 2:
        return THRESHOLD_GRID[0]
    confidence = np.zeros(len(kinds))
    right = np.zeros(len(kinds), dtype=bool)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(x, labels):
        mean = x[train].mean(axis=0)
        scale = x[train].std(axis=0)
        scale[scale < 1e-9] = 1.0
        lr = _regression(C_KIND, seed).fit((x[train] - mean) / scale, labels[train])
        proba = lr.predict_proba((x[test] - mean) / scale)
        confidence[test] = proba.max(axis=1)
        right[test] = lr.classes_[proba.argmax(axis=1)] == labels[test]
    chosen = THRESHOLD_GRID[0]
    for t in THRESHOLD_GRID:
        below = confidence < t
        if below.any() and right[below].mean() < UNCERTAIN_ACCURACY:
            chosen = t
    return chosen


def fit(
    rows: Sequence[TrainingRow],
    *,
    seed: int = 0,
    x: npt.NDArray[np.float64] | None = None,
) -> TypeModel:
    """Fit the kind and fraud-type regressions and the uncertainty threshold.

    Parameters
    ----------
    rows
        Labelled training messages (at least two kinds and two fraud types).
    seed
        Seeds the folds that choose the threshold (and the solvers).
    x
        Precomputed :func:`~pingan.algo.text.typemodel.features` of ``rows`` (optional).
    """
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1):
        x = features([r.text for r in rows]) if x is None else x
        kinds = [kind_of(r) for r in rows]
        frauds = [r.fraud_type if r.is_report and r.type == "fraud" else None for r in rows]
        model = _fit_arrays(x, kinds, frauds, seed)
        threshold = _threshold(x, kinds, seed)
    return TypeModel(**{**model.__dict__, "threshold": threshold})
