"""Word segmentation with jieba and the package's user dictionary (brands, place suffixes).

jieba is loaded on first use (about 0.7 s), with its log messages silenced; the tokenizer
is private to this module so that the global ``jieba`` dictionary is left alone.
"""

from __future__ import annotations

import io
import logging
from functools import lru_cache
from typing import Any

from pingan.algo import _io


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    userdict = _io.read_package_text(__name__.rpartition(".")[0], "userdict.txt")
    tokenizer.load_userdict(io.StringIO(userdict))
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
