"""Choosing the text classifier's L2 strengths by leave-one-pass-out on the training passes.

Run::

    .venv/bin/python bench/text_choose_c.py

Every training pass (w0's train split and the ``train`` passes of ``voices.jsonl``; never the
held-out passes) is left out in turn: the kind and fraud-type regressions are fitted on the
other passes and scored on the one left out, so the figure says how the model reads a voice
it has not seen. Prints, for each candidate ``C``, the accuracy of the kind (type or chatter)
and of the fraud type (on true frauds), pooled over the left-out passes, and the worst pass.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import json
from pathlib import Path

import numpy as np

from pingan.algo.text.typemodel import features
from pingan.algo.text.typetrain import TrainingRow, kind_of

ROOT = Path(__file__).resolve().parent.parent
TEXT = ROOT / "tests" / "data" / "text"
GRID = (0.1, 0.3, 1.0, 3.0)


def _rows() -> tuple[list[TrainingRow], list[str]]:
    rows: list[TrainingRow] = []
    passes: list[str] = []
    for name in ("corpus.jsonl", "voices.jsonl"):
        for line in (TEXT / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["split"] != "train":
                continue
            rows.append(TrainingRow(row["text"], row["type"], row["fraud_type"], row["is_report"]))
            passes.append(row.get("pass", "w0"))
    return rows, passes


def _fit_score(
    z_train: np.ndarray, y_train: np.ndarray, z_test: np.ndarray, y_test: np.ndarray, c: float
) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    lr = LogisticRegression(C=c, max_iter=5000, class_weight="balanced", random_state=0)
    lr.fit(z_train, y_train)
    return np.asarray(lr.predict(z_test) == y_test)


def main() -> None:
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    rows, passes = _rows()
    groups = np.array(passes)
    with threadpool_limits(limits=1):
        x = features([r.text for r in rows])
        kinds = np.array([kind_of(r) for r in rows])
        frauds = np.array([r.fraud_type if r.type == "fraud" and r.is_report else "" for r in rows])
        print(f"{len(rows)} training rows in {len(set(passes))} passes")
        print("| C | kind, left-out passes | worst pass | fraud type | worst pass |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        for c in GRID:
            kind_ok: list[np.ndarray] = []
            fraud_ok: list[np.ndarray] = []
            worst_kind = worst_fraud = (1.0, "")
            for held in sorted(set(passes)):
                test = groups == held
                train = ~test
                mean = x[train].mean(axis=0)
                scale = x[train].std(axis=0)
                scale[scale < 1e-9] = 1.0
                z = (x - mean) / scale
                ok = _fit_score(z[train], kinds[train], z[test], kinds[test], c)
                kind_ok.append(ok)
                worst_kind = min(worst_kind, (float(ok.mean()), held))
                ftrain = train & (frauds != "")
                ftest = test & (frauds != "")
                if ftest.any():
                    fok = _fit_score(z[ftrain], frauds[ftrain], z[ftest], frauds[ftest], c)
                    fraud_ok.append(fok)
                    worst_fraud = min(worst_fraud, (float(fok.mean()), held))
            k = np.concatenate(kind_ok).mean()
            f = np.concatenate(fraud_ok).mean()
            print(
                f"| {c} | {k:.1%} | {worst_kind[0]:.1%} ({worst_kind[1]}) | {f:.1%} "
                f"| {worst_fraud[0]:.1%} ({worst_fraud[1]}) |"
            )


if __name__ == "__main__":
    main()
