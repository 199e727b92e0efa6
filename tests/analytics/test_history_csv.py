"""Incident CSV parsing: both layouts, duplicates, and every refusal naming its line."""

from __future__ import annotations

import numpy as np
import pytest

from pingan.analytics.io import parse_incidents_csv
from pingan.errors import InvalidInput

DEFAULT = (
    "occurred_at,lat,lon,type,premises_type\n"
    "2021-03-01T22:15:00+08:00,43.65,-79.38,Assault, House \n"
    "2021-03-02 01:00:00Z,43.70,-79.40,Robbery,Apartment\n"
)
TORONTO = "occurrencedate,occurrencehour,MCI,Lat,Long\n2021/12/05 05:00:00,23,Assault,43.6,-79.4\n"


def test_default_layout_keeps_the_local_clock_and_other_columns() -> None:
    table = parse_incidents_csv([DEFAULT])
    assert len(table) == 2
    assert table.occurred_at.tolist() == [
        np.datetime64("2021-03-01T22:15:00").astype(object),
        np.datetime64("2021-03-02T01:00:00").astype(object),
    ]
    assert table.lat.tolist() == [43.65, 43.70]
    assert table.lon.tolist() == [-79.38, -79.40]
    assert table.type.tolist() == ["Assault", "Robbery"]
    assert table.attributes["premises_type"].tolist() == ["House", "Apartment"]
    # 2021-03-01 22:15 is 18687 days and 22.25 h after 1970-01-01 00:00
    assert table.time_h()[0] == pytest.approx(18687 * 24 + 22.25)


def test_toronto_layout_takes_the_date_and_the_hour() -> None:
    table = parse_incidents_csv([TORONTO], "toronto-mci")
    assert table.occurred_at.tolist() == [np.datetime64("2021-12-05T23:00:00").astype(object)]
    assert table.type.tolist() == ["Assault"]
    assert (table.lat.tolist(), table.lon.tolist()) == ([43.6], [-79.4])
    assert table.attributes == {}


def test_two_texts_merge_and_exact_duplicates_can_be_dropped() -> None:
    kept = parse_incidents_csv([DEFAULT, DEFAULT])
    assert (len(kept), kept.duplicates_dropped) == (4, 0)
    unique = parse_incidents_csv([DEFAULT, DEFAULT], drop_duplicates=True)
    assert (len(unique), unique.duplicates_dropped) == (2, 2)


@pytest.mark.parametrize(
    ("texts", "layout", "field", "message"),
    [
        ([""], "default", "line 1", "the file is empty"),
        (["occurred_at,lat,lon\n"], "default", "line 1", "missing column(s) type"),
        ([DEFAULT, "occurred_at,lat,type,lon\n"], "default", "line 1", "different headers"),
        ([DEFAULT + "2021-03-03T10:00:00,43.7\n"], "default", "line 4", "has 2 fields"),
        ([DEFAULT + "2021-03-03T10:00:00,91,0,Theft,\n"], "default", "line 4", "out of range"),
        ([DEFAULT + "yesterday,43.7,-79.4,Theft,\n"], "default", "line 4", "line 4:"),
        ([TORONTO.replace(",23,", ",24,")], "toronto-mci", "line 2", "out of 0-23"),
    ],
)
def test_refusals_name_the_line(texts: list[str], layout: str, field: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        parse_incidents_csv(texts, layout)
    assert err.value.field == field


def test_an_unknown_layout_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown layout 'x'"):
        parse_incidents_csv([DEFAULT], "x")
