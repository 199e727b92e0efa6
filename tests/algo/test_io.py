"""File I/O of pingan.algo lives in pingan.algo._io; the graph itself is arrays in, arrays out."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import pingan.algo
from pingan.algo.graph import RoadGraph
from pingan.errors import InvalidInput

#: What opening, reading or writing a file looks like in source.
FILE_CALLS = re.compile(
    r"\bopen\(|np\.load\(|np\.save|savez|\.read_text\(|\.write_text\(|\.read_bytes\("
    r"|\.write_bytes\(|importlib|\bresources\."
)


def test_only_the_io_module_touches_files() -> None:
    root = Path(pingan.algo.__file__).parent
    touching = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if FILE_CALLS.search(path.read_text(encoding="utf-8"))
    )
    assert touching == ["_io.py"]


def test_graph_round_trips_through_arrays(tiny_graphs: dict[str, RoadGraph]) -> None:
    car = tiny_graphs["car"]
    arrays = car.to_arrays()
    assert int(arrays["format_version"]) == 1
    again = RoadGraph.from_arrays(arrays)
    assert (again.mode, again.epsg, again.names) == (car.mode, car.epsg, car.names)
    np.testing.assert_array_equal(again.time_s, car.time_s)
    np.testing.assert_array_equal(again.indptr, car.indptr)


def test_from_arrays_rejects_other_formats(tiny_graphs: dict[str, RoadGraph]) -> None:
    arrays = tiny_graphs["foot"].to_arrays()
    with pytest.raises(InvalidInput, match="road graph format 2 is not supported"):
        RoadGraph.from_arrays({**arrays, "format_version": np.asarray(2)})
    without_time = {key: value for key, value in arrays.items() if key != "time_s"}
    with pytest.raises(InvalidInput, match=r"not a readable road graph \(no time_s\)"):
        RoadGraph.from_arrays(without_time)


def test_load_names_the_file_of_an_old_format(tmp_path, tiny_graphs) -> None:
    path = tmp_path / "old.npz"
    arrays = tiny_graphs["foot"].to_arrays()
    np.savez_compressed(path, **{**arrays, "format_version": np.asarray(0)})
    with pytest.raises(InvalidInput, match=r"old\.npz: road graph format 0 is not supported"):
        RoadGraph.load(path)
