"""Fraud screening: accuracy on the held-out writing passes and latency per screening.

Run::

    .venv/bin/python bench/antifraud.py                   # held-out passes (p5, p6)
    .venv/bin/python bench/antifraud.py --passes tuning   # the passes rules may be tuned on
    .venv/bin/python bench/antifraud.py --passes p12      # named tuning passes only
    .venv/bin/python bench/antifraud.py --passes p13 --corpus new.jsonl --errors
                                          # a new pass, scored before it joins the corpus
    .venv/bin/python bench/antifraud.py --export-training # ship the tuning passes to the model

The corpus is ``tests/data/fraud/situations.jsonl`` (one situation a line: text, is_fraud,
type, tier, voice, pass). Passes p5 and p6 were written first and committed before any rule
was tuned on the corpus; they are never used for tuning or training, and their misses are
never printed (``--errors`` refuses them). ``--export-training`` writes the tuning passes,
and only those, to ``src/pingan/algo/text/fraud/data/situations.tsv``, the learned model's
training rows; run it after adding a pass.

Figures: fraud / not-fraud precision and recall; type accuracy over the true frauds
(a miss counts as wrong); tier accuracy over all situations (not fraud has tier "none");
red recall (true red situations screened red); not-fraud wrongly flagged. Both
``screen_situation`` and a plain keyword baseline run in the same process: the baseline says
fraud when the existing message classifier (:func:`pingan.algo.text.classify.classify`)
types the text as fraud, takes its fraud type, and calls the tier red when a money word
(转了, 安全账户, transferred …) is present, else orange. Latency is measured on one core
(CPU affinity set where the OS allows), one thread, after a warm-up, over every held-out
situation repeated 20 times.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from pingan.algo.text.classify import classify
from pingan.algo.text.fraud import screen_situation

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "fraud" / "situations.jsonl"
HELD_OUT = frozenset({"p5", "p6"})
_MONEY = re.compile(r"转了|汇了|已经转|安全账户|transferred|sent|paid", re.IGNORECASE)

Verdict = tuple[bool, str | None, str]


def screen(text: str) -> Verdict:
    """pingan's screening as (is_fraud, fraud_type, tier)."""
    r = screen_situation(text)
    return r.is_fraud, r.fraud_type, r.tier


def baseline(text: str) -> Verdict:
    """The plain keyword baseline as (is_fraud, fraud_type, tier)."""
    c = classify(text)
    if c.type != "fraud":
        return False, None, "none"
    return True, c.fraud_type, "red" if _MONEY.search(text) else "orange"


def load(which: str, corpus: Path = CORPUS) -> list[dict[str, Any]]:
    """Rows of the held-out passes, the tuning passes, or the named passes (``p9,p10``).

    Named passes never include a held-out one.
    """
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    if which in ("held-out", "tuning"):
        held = which == "held-out"
        return [row for row in rows if (row["pass"] in HELD_OUT) == held]
    names = set(which.split(",")) - HELD_OUT
    return [row for row in rows if row["pass"] in names]


TRAINING = (
    Path(__file__).resolve().parents[1] / "src" / "pingan" / "algo" / "text" / "fraud" / "data"
)


def export_training(corpus: Path = CORPUS, out: Path = TRAINING / "situations.tsv") -> int:
    """Write the tuning passes (never a held-out one) as the model's shipped training rows."""
    rows = load("tuning", corpus)
    lines = [
        "# The tuning passes of tests/data/fraud/situations.jsonl (never p5, p6), written by",
        "# bench/antifraud.py --export-training: the learned model's training situations.",
        "pass\tis_fraud\tfraud_type\ttier\ttext",
    ]
    for row in rows:
        text = re.sub(r"\s+", " ", row["text"]).strip()
        fields = (row["pass"], "1" if row["is_fraud"] else "0", row["type"] or "-", row["tier"])
        lines.append("\t".join((*fields, text)))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(rows)


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def figures(rows: list[dict[str, Any]], verdicts: list[Verdict]) -> dict[str, float]:
    """Precision, recall, type, tier and red figures of one screener."""
    pairs = list(zip(rows, verdicts, strict=True))
    tp = sum(row["is_fraud"] and v[0] for row, v in pairs)
    fp = sum((not row["is_fraud"]) and v[0] for row, v in pairs)
    fn = sum(row["is_fraud"] and not v[0] for row, v in pairs)
    tn = sum((not row["is_fraud"]) and not v[0] for row, v in pairs)
    fraud = [(row, v) for row, v in pairs if row["is_fraud"]]
    red = [(row, v) for row, v in pairs if row["tier"] == "red"]
    return {
        "fraud precision": _ratio(tp, tp + fp),
        "fraud recall": _ratio(tp, tp + fn),
        "not-fraud precision": _ratio(tn, tn + fn),
        "not-fraud recall": _ratio(tn, tn + fp),
        "not-fraud wrongly flagged": _ratio(fp, fp + tn),
        "type accuracy": _ratio(sum(v[1] == row["type"] for row, v in fraud), len(fraud)),
        "tier accuracy": _ratio(sum(v[2] == row["tier"] for row, v in pairs), len(pairs)),
        "red recall": _ratio(sum(v[2] == "red" for _, v in red), len(red)),
    }


def latency(
    fn: Callable[[str], Verdict], texts: list[str], repeat: int = 20
) -> tuple[float, float]:
    """p50 and p99 milliseconds per call."""
    for text in texts:
        fn(text)
    times: list[float] = []
    for _ in range(repeat):
        for text in texts:
            start = time.perf_counter()
            fn(text)
            times.append((time.perf_counter() - start) * 1000.0)
    times.sort()
    return statistics.median(times), times[int(0.99 * (len(times) - 1))]


def main() -> None:
    """Print the table for the chosen passes."""
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--passes", default="held-out", help="held-out, tuning, or tuning pass names (p9,p10)"
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="another situations file")
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--export-training", action="store_true")
    args = parser.parse_args()
    if args.export_training:
        print(f"{export_training()} training situations written under {TRAINING}")
        return
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rows = load(args.passes, args.corpus)
    texts = [row["text"] for row in rows]
    n_fraud = sum(row["is_fraud"] for row in rows)
    n_red = sum(row["tier"] == "red" for row in rows)
    print(
        f"{args.passes} passes: {len(rows)} situations ({n_fraud} fraud, {len(rows) - n_fraud}"
        f" not fraud, {n_red} red); {platform.processor() or platform.machine()}, one core"
    )
    results = {}
    for name, fn in (("pingan", screen), ("keyword baseline", baseline)):
        verdicts = [fn(text) for text in texts]
        results[name] = (figures(rows, verdicts), latency(fn, texts), verdicts)
    ours, base = results["pingan"], results["keyword baseline"]
    print("| figure | pingan | keyword baseline |\n| --- | ---: | ---: |")
    for key in ours[0]:
        print(f"| {key} | {ours[0][key]:.1%} | {base[0][key]:.1%} |")
    for i, label in enumerate(("p50 latency (ms)", "p99 latency (ms)")):
        print(f"| {label} | {ours[1][i]:.3f} | {base[1][i]:.3f} |")
    if args.errors and args.passes != "held-out":
        for row, v in zip(rows, ours[2], strict=True):
            if v != (row["is_fraud"], row["type"], row["tier"]):
                want, got = f"{row['type']}/{row['tier']}", f"{v[1]}/{v[2]}"
                print(f"{row['pass']} want={want} got={got} | {row['text']}")


if __name__ == "__main__":
    main()
