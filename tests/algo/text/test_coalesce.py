"""Messages read at once on several threads share one encoder call, with the same answers."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pingan.algo.text.coalesce import Coalescer
from pingan.algo.text.typemodel import embed, guess_type

CORPUS = Path(__file__).resolve().parents[2] / "data" / "text" / "corpus.jsonl"


def _train_texts(n: int) -> list[str]:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    return [r["text"] for r in rows if r["split"] == "train"][:n]


def _wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.001)


def test_callers_queued_behind_a_running_call_share_the_next_one() -> None:
    running, release = threading.Event(), threading.Event()
    batches: list[list[int]] = []

    def square(items: list[int]) -> list[int]:
        batches.append(list(items))
        if len(batches) == 1:
            running.set()
            release.wait(30)
        return [i * i for i in items]

    together: Coalescer[int, int] = Coalescer(square, max_batch=4)
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(together, 1)
        running.wait(30)
        rest = [pool.submit(together, i) for i in range(2, 8)]
        _wait_for(lambda: together.pending == 6, "six queued callers")
        release.set()
        answers = [first.result(30)] + [f.result(30) for f in rest]
    assert answers == [i * i for i in range(1, 8)]
    # the first alone; the six that queued behind it in two calls of at most four
    assert batches[0] == [1]
    assert sorted(len(b) for b in batches[1:]) == [2, 4]
    assert sorted(i for b in batches[1:] for i in b) == list(range(2, 8))
    assert together.calls == 3


def test_a_failed_call_fails_every_caller_in_it_and_the_next_call_runs() -> None:
    running, release = threading.Event(), threading.Event()
    calls = 0

    def fragile(items: list[str]) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            running.set()
            release.wait(30)
            return [len(s) for s in items]
        if calls == 2:
            raise ValueError("the encoder broke")
        return [len(s) for s in items]

    together: Coalescer[str, int] = Coalescer(fragile)
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(together, "a")
        running.wait(30)
        doomed = [pool.submit(together, s) for s in ("bb", "ccc")]
        _wait_for(lambda: together.pending == 2, "two queued callers")
        release.set()
        assert first.result(30) == 1
        for f in doomed:
            with pytest.raises(ValueError, match="the encoder broke"):
                f.result(30)
    assert together("dddd") == 4  # nothing stuck behind the failure


def test_a_work_function_that_loses_items_is_an_error_for_all() -> None:
    together: Coalescer[int, int] = Coalescer(lambda items: [])
    with pytest.raises(RuntimeError, match="0 results for 1 items"):
        together(5)


def test_guesses_made_on_many_threads_at_once_equal_those_made_one_by_one() -> None:
    texts = _train_texts(48)
    alone = [guess_type(t) for t in texts]
    with ThreadPoolExecutor(12) as pool:
        together = list(pool.map(guess_type, texts))
    for a, b, text in zip(alone, together, texts, strict=True):
        assert (a.type, a.fraud_type, a.is_report, a.uncertain) == (
            b.type,
            b.fraud_type,
            b.is_report,
            b.uncertain,
        ), text
        assert a.confidence == pytest.approx(b.confidence, abs=1e-5)


def test_an_encoder_batch_gives_each_message_its_own_embedding() -> None:
    texts = _train_texts(16)
    batch = embed(texts)
    for i, text in enumerate(texts):
        assert abs(batch[i] - embed([text])[0]).max() < 1e-5
