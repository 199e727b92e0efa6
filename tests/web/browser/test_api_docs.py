"""In a real browser, under the site's Content-Security-Policy: the demo's /api/docs draws
Swagger UI from pingan's own files, lists the operations, and nothing is refused or fails."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_from_local_files_under_the_csp(live_server: Any, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    fetched: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("pingan 平安")
    # Swagger UI draws only the operations in view: scroll down the page as a reader would
    # and collect every operation drawn on the way
    seen: set[str] = set()
    for _ in range(200):
        seen.update(i for i in page.locator(".opblock").evaluate_all("n => n.map(e => e.id)"))
        at_bottom = page.evaluate("() => innerHeight + scrollY >= document.body.scrollHeight")
        if at_bottom:
            break
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(100)
    assert len(seen) > 50
    assert any(i.startswith("operations-campaigns-") for i in seen), sorted(seen)[:5]
    page.evaluate("() => scrollTo(0, 0)")
    page.wait_for_timeout(300)
    page.locator(".opblock").first.click()  # an operation opens
    page.wait_for_selector(".opblock.is-open", timeout=10_000)
    assert problems == []  # a CSP refusal would be a console error
    assert fetched
    assert all(url.startswith(live_server.url) for url in fetched), fetched
    context.close()
