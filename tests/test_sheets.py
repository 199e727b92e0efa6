"""Cells as every export writes them: text stays text, a stray control byte never fails
the workbook, times in UTC."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook

from pingan.sheets import put_cell


def _round_trip(values: list[object]) -> list[object]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for column, value in enumerate(values, start=1):
        put_cell(sheet, 1, column, value)
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue())).active
    assert read is not None
    return [read.cell(row=1, column=c).value for c in range(1, len(values) + 1)]


def test_formulas_stay_text_and_control_bytes_do_not_break_the_workbook() -> None:
    shanghai = datetime(2026, 7, 1, 22, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    values = ['=HYPERLINK("http://x")', "幸福里\x07烧烤\x00店", "两行\n文字", 42, shanghai, None]
    assert _round_trip(values) == [
        '=HYPERLINK("http://x")',
        "幸福里\ufffd烧烤\ufffd店",
        "两行\n文字",
        42,
        datetime(2026, 7, 1, 14, 30),
        None,
    ]
