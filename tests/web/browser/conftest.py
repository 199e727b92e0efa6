"""Fixtures of the browser tests: the shared demo server, Chromium driven by Playwright.

The server itself is :func:`support.browser.serve_demo`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.browser import CHROMIUM, CHROMIUM_ARGS, LiveServer, require_chromium, serve_demo

REPO = Path(__file__).resolve().parents[3]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo server the browser tests share (a test that leaves marks on the data it
    shows, such as stored-XSS payloads in names, serves its own: see ``serve_demo``)."""
    with serve_demo(tmp_path_factory.mktemp("browser-var")) as server:
        yield server


@pytest.fixture(autouse=True)
def accounts_back_in_chinese(live_server: LiveServer) -> Iterator[None]:
    """The server is shared by every browser test and an account's language choice is
    stored on it: a test that switches an officer to English must not leave the next
    test's page in English."""
    yield
    with sqlite3.connect(live_server.data_dir / "pingan.sqlite3", timeout=60) as conn:
        conn.execute("UPDATE user_account SET language = NULL WHERE language IS NOT NULL")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
