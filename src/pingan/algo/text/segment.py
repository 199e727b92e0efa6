"""Word segmentation with jieba and the package's user dictionary (brands, place suffixes).

jieba is loaded on first use (about 0.7 s), with its log messages silenced; the tokenizer
is private to this module so that the global ``jieba`` dictionary is left alone.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    with resources.as_file(resources.files(__package__).joinpath("userdict.txt")) as path:
        tokenizer.load_userdict(str(path))
    return tokenizer


def warm_up() -> None:
    """Load the dictionary now rather than on the first message."""
    _tokenizer()


@lru_cache(maxsize=256)
def token_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) character offsets of jieba's tokens of ``text``, in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for token in _tokenizer().cut(text, HMM=True):
        spans.append((pos, pos + len(token)))
        pos += len(token)
    return tuple(spans)
