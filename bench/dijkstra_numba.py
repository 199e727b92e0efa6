"""A compiled Dijkstra kernel (numba): a binary heap, a cut-off, and a reset of only the
nodes a search touched.

:func:`rows` gives the same rows as ``scipy.sparse.csgraph.dijkstra(csr, indices=...,
limit=...)``: a node is kept when its time is ``<= limit`` (scipy's rule), every other
node is ``inf``; the times are the same floating-point sums (each relaxation adds one edge
to its tail's settled time, as scipy does). scipy's search pays a fixed cost per row (it
sets up and clears whole-graph arrays for each source); this one keeps one distance array
and resets only the entries it wrote, which is what makes many short searches with a
cut-off cheaper. It is measured against scipy and networkx by ``bench/routing.py`` (when numba is
installed) and is **not** used by :mod:`pingan.algo.routing`: it gains 5–10% over scipy on
the searches pingan runs (see bench/RESULTS.md, routing), too little for a 40 MB dependency
and a second of compilation per process.

The kernel is compiled on first use (about a second); :func:`warm` compiles it ahead.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

# bench/coverage.py would shadow the ``coverage`` package numba looks for: import numba
# with the bench folder off the path
_here = str(Path(__file__).resolve().parent)
_saved = list(sys.path)
sys.path[:] = [p for p in sys.path if p not in ("", ".", _here)]
sys.modules.pop("coverage", None) if "bench" in str(
    getattr(sys.modules.get("coverage"), "__file__", "")
) else None
try:  # optional: pip install numba
    import numba
except ImportError:
    numba = None
finally:
    sys.path[:] = _saved


def available() -> bool:
    """Whether the compiled kernel can be used."""
    return numba is not None


def _rows_py(  # noqa: C901 - one loop nest, kept flat for numba
    indptr: Any, indices: Any, weights: Any, sources: Any, limit: float, out: Any
) -> None:
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    touched = np.empty(n, dtype=np.int64)
    heap_d = np.empty(max(16, indices.shape[0] + 1), dtype=np.float64)
    heap_v = np.empty(max(16, indices.shape[0] + 1), dtype=np.int64)
    for row in range(sources.shape[0]):
        s = sources[row]
        dist[s] = 0.0
        touched[0] = s
        n_touched = 1
        size = 1
        heap_d[0] = 0.0
        heap_v[0] = s
        while size > 0:
            d = heap_d[0]
            u = heap_v[0]
            size -= 1
            if size > 0:  # move the last entry to the root and sift it down
                ld = heap_d[size]
                lv = heap_v[size]
                i = 0
                while True:
                    c = 2 * i + 1
                    if c >= size:
                        break
                    if c + 1 < size and heap_d[c + 1] < heap_d[c]:
                        c += 1
                    if heap_d[c] < ld:
                        heap_d[i] = heap_d[c]
                        heap_v[i] = heap_v[c]
                        i = c
                    else:
                        break
                heap_d[i] = ld
                heap_v[i] = lv
            if d > dist[u]:  # a stale entry: u was reached sooner since
                continue
            out[row, u] = d
            for k in range(indptr[u], indptr[u + 1]):
                v = indices[k]
                nd = d + weights[k]
                if nd <= limit and nd < dist[v]:
                    if dist[v] == np.inf:
                        touched[n_touched] = v
                        n_touched += 1
                    dist[v] = nd
                    i = size  # push and sift up
                    size += 1
                    while i > 0:
                        p = (i - 1) // 2
                        if heap_d[p] > nd:
                            heap_d[i] = heap_d[p]
                            heap_v[i] = heap_v[p]
                            i = p
                        else:
                            break
                    heap_d[i] = nd
                    heap_v[i] = v
        for j in range(n_touched):
            dist[touched[j]] = np.inf


_rows_compiled = numba.njit(cache=False, nogil=True)(_rows_py) if numba is not None else None


def rows(indptr: Any, indices: Any, weights: Any, sources: Any, limit: float) -> Any:
    """Dijkstra rows from each source over CSR arrays; ``inf`` beyond ``limit``."""
    n = indptr.shape[0] - 1
    out = np.full((sources.shape[0], n), np.inf)
    fn = _rows_compiled if _rows_compiled is not None else _rows_py
    fn(
        np.ascontiguousarray(indptr, dtype=np.int32),
        np.ascontiguousarray(indices, dtype=np.int32),
        np.ascontiguousarray(weights, dtype=np.float64),
        np.ascontiguousarray(sources, dtype=np.int64),
        float(limit),
        out,
    )
    return out


def warm() -> None:
    """Compile the kernel now (a tiny graph), not on the first real search."""
    rows(
        np.array([0, 1, 1], dtype=np.int32),
        np.array([1], dtype=np.int32),
        np.array([1.0]),
        np.array([0], dtype=np.int64),
        np.inf,
    )
