"""The desk's weekly figures as an XLSX workbook (openpyxl).

Every string is written as text: a value that begins with ``=``, ``+``, ``-`` or ``@``
stays the text it is, never a formula a spreadsheet would run.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from pingan.sheets import put_cell

COLUMNS = (
    "station",
    "week",
    "red",
    "orange",
    "yellow",
    "contacted_in_time_share",
    "median_first_contact_s",
    "dissuaded_share",
    "amount_stopped_yuan",
    "amount_lost_yuan",
    "fraud_incidents",
    "fraud_incidents_last_year",
    "fraud_incidents_simulated",
    "yoy_change",
    "yoy_p_value",
    "yoy_verdict",
    "fraud_losses_yuan",
    "fraud_losses_last_year_yuan",
    "fraud_losses_change",
    "outreach_reach_share",
)


def figures_xlsx(rows: Sequence[dict[str, Any]]) -> bytes:
    """The rows of :func:`pingan.antifraud.figures.weekly_figures` as an XLSX file."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "antifraud"
    for column, name in enumerate(COLUMNS, start=1):
        put_cell(sheet, 1, column, name)
    for number, row in enumerate(rows, start=2):
        for column, name in enumerate(COLUMNS, start=1):
            put_cell(sheet, number, column, row.get(name))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
