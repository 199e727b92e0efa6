"""A stream keeps, of a read it shares, what lies after its own cursor."""

from __future__ import annotations

from pingan.web.stream import Batch, Cursor, covers


def _batch(truncated: bool = False) -> Batch:
    # incidents changed at 100..103 µs (ids 1..4), units at 50 and 60 µs (ids 7, 8)
    return Batch(
        incidents=[{"id": i} for i in (1, 2, 3, 4)],
        units=[{"id": 7}, {"id": 8}],
        cursor=Cursor("103-4", 60, 8),
        incident_keys=[(100, 1), (101, 2), (102, 3), (103, 4)],
        unit_keys=[(50, 7), (60, 8)],
        truncated=truncated,
    )


def test_a_stream_ahead_of_the_reads_start_gets_only_what_it_has_not_seen() -> None:
    mine = _batch().after(Cursor("101-2", 50, 7))
    assert mine is not None
    assert [b["id"] for b in mine.incidents] == [3, 4]
    assert [u["id"] for u in mine.units] == [8]
    assert mine.cursor == Cursor("103-4", 60, 8)


def test_a_stream_never_moves_back() -> None:
    mine = _batch().after(Cursor("99-9", 70, 1))  # units: already past both
    assert mine is not None
    assert [b["id"] for b in mine.incidents] == [1, 2, 3, 4]
    assert mine.units == []
    assert mine.cursor == Cursor("103-4", 70, 1)


def test_a_read_cut_at_its_limit_before_the_streams_cursor_serves_it_not() -> None:
    assert _batch(truncated=True).after(Cursor("104-1", 60, 8)) is None
    cut = _batch(truncated=True).after(Cursor("102-3", 60, 8))
    assert cut is not None
    assert [b["id"] for b in cut.incidents] == [4]


def test_a_read_covers_the_cursors_at_or_after_its_start_in_both_parts() -> None:
    start = Cursor("101-2", 50, 7)
    assert covers(start, Cursor("101-2", 50, 7))
    assert covers(start, Cursor("102-1", 60, 1))
    assert not covers(start, Cursor("100-9", 60, 1))  # incidents behind
    assert not covers(start, Cursor("102-1", 49, 9))  # units behind
