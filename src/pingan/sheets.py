"""Writing a value into an XLSX cell, the one way every export does it.

A string is always stored as text: a value that begins with ``=``, ``+``, ``-`` or ``@``
stays the text it is, never a formula a spreadsheet would run. The control characters
XLSX cannot hold (any of U+0000–U+001F but tab, newline and carriage return) are written
as U+FFFD, so a stray byte in a name or note never fails a whole export. A datetime is
written in UTC without a zone (XLSX has none); an enum member becomes its plain value.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

#: what XLSX (and openpyxl) refuses inside a cell's text
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_value(value: object) -> object:
    """``value`` as it is stored in a cell."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, str):
        return _ILLEGAL.sub("\ufffd", str(value))
    return value


def put_cell(sheet: Any, row: int, column: int, value: object) -> None:
    """Write ``value`` at (``row``, ``column``) of an openpyxl worksheet, strings as text."""
    cell = sheet.cell(row=row, column=column)
    cell.value = cell_value(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"  # text, even "=HYPERLINK(…)": no formula is ever stored
