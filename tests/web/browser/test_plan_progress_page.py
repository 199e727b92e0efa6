"""In a real browser: the chief asks for a plan on /plans/new, the page shows the job's
progress bar, then the plan (a real `pingan worker` process solves it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_plan_page_shows_progress_then_the_plan(live_server: Any, browser: Any) -> None:
    server = live_server
    env = {
        **os.environ,
        "PINGAN_DATA_DIR": str(server.data_dir),
        "PINGAN_DEMO_MODE": "1",
        "PINGAN_SECURE_COOKIES": "0",
        "PINGAN_DEMO_PASSWORD": server.password,
        "PINGAN_DATABASE_URL": "",
    }
    worker = subprocess.Popen([str(Path(sys.executable).with_name("pingan")), "worker"], env=env)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{server.url}/login")
        page.fill("#username", "chief_a")
        page.fill("#password", server.password)
        page.click(".login-card button[type=submit]")
        page.wait_for_load_state("load")
        page.goto(f"{server.url}/plans/new")
        page.wait_for_selector("#plan-new-page[data-ready='1']")
        page.fill("#pn-groups", "2")
        page.fill("#pn-limit", "5")
        page.click("#pn-form button[type=submit]")
        page.wait_for_selector("#pn-job:not([hidden]) #pn-progress")
        page.wait_for_selector("#plan-new-page[data-plan]", timeout=180_000)
        assert page.eval_on_selector("#pn-progress", "bar => bar.value") == 1
        result = page.inner_text("#pn-result")
        assert "%" in result
        assert page.locator("#pn-result ul").nth(1).locator("li").count() == 2
    finally:
        context.close()
        worker.terminate()
        worker.wait(timeout=120)
