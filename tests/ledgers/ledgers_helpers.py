"""Shared inputs of the ledgers' tests: sites in station A, a workbook, the CLI runner."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from pingan.cli import app
from pingan.config import Settings, get_settings

IN_A = (60.17, 24.96)  # lat, lon inside station A (east half of the demo city)
SITE_HEADER = (
    "code", "name", "category", "address", "lat", "lon", "grid_code", "responsible_name",
    "responsible_phone", "manager_name", "manager_phone", "opening_hours", "key_unit",
)  # fmt: skip
SITES = [
    ("KTV-001", "金嗓子KTV", "ktv", "", 60.17, 24.96, "", "张三", "13800001111", "李四",
     "13900002222", "14:00-02:00", False),
    ("BAR-002", '=HYPERLINK("http://x","y")', "bar", "", 60.171, 24.962, "", "王五",
     "13700003333", "", "", "18:00-02:00", False),
    ("MALL-003", "东街商场", "mall", "", 60.169, 24.958, "", "赵六", "13600004444", "孙七",
     "13500005555", "10:00-22:00", True),
]  # fmt: skip


def workbook_bytes(sheets: dict[str, Sequence[Sequence[Any]]], *, text: bool = True) -> bytes:
    """An XLSX workbook; with ``text``, strings are stored as text (never formulas)."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c, value=value)
                if text and isinstance(value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sites_workbook() -> bytes:
    return workbook_bytes({"sites": [SITE_HEADER, *SITES]})


def sheet_rows(data: bytes, title: str) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(data))
    return [tuple(row) for row in book[title].iter_rows(values_only=True)]


@contextmanager
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A CLI runner whose settings point at the test's database and data folder."""
    monkeypatch.setenv("PINGAN_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("PINGAN_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        yield CliRunner()
    finally:
        get_settings.cache_clear()


def invoke(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(app, list(args))


def import_sites(client: TestClient, headers: dict[str, str], data: bytes, **form: str) -> Any:
    files = {"file": ("sites.xlsx", data, "application/octet-stream")}
    return client.post("/api/v1/ledgers/import/sites", headers=headers, files=files, data=form)
