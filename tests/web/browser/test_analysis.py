"""In a real browser: the demo analyst opens the forecast map, a crime series (and confirms
it), runs a camera canvass from one of its incidents and ticks the footage checklist, reads
the statistics and downloads the campaign report. Screenshots of the page in both languages
are saved under test-artifacts/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _login(context: Any, server: Any, username: str) -> Any:
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.fill("#username", username)
    page.fill("#password", server.password)
    page.click(".login-card button[type=submit]")
    page.wait_for_load_state("load")
    return page


def test_analyst_opens_forecast_series_canvass_and_report(
    live_server: Any, browser: Any, screenshots: Path, tmp_path: Path
) -> None:
    server = live_server
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = _login(context, server, "analyst")
    assert "/analysis" in page.url
    assert page.locator("html").get_attribute("lang") == "zh-CN"

    # the forecast map: the demo's stored forecast, learnt from simulated history
    page.wait_for_selector("#analysis[data-forecast-ready]", timeout=30_000)
    assert page.locator("#forecast-info .chip.sim").inner_text() == "模拟数据"
    assert page.locator("#forecast-cells li").count() == 10
    assert (
        page.locator(".leaflet-control-attribution")
        .inner_text()
        .endswith("© OpenStreetMap contributors (ODbL)")
    )
    page.screenshot(path=screenshots / "analysis-forecast-zh-CN.png")

    # a series: the demo's three e-bike thefts outside one block, confirmed by the analyst
    page.click("#tab-series")
    page.wait_for_selector("#analysis[data-series-ready='1']", timeout=30_000)
    first = page.locator(".series-item").first
    assert "东街公寓楼下电动车被盗" in first.inner_text()
    assert page.locator("#series-detail tbody tr").count() == 3
    assert "品牌相同：雅迪" in page.locator("#series-detail .evidence").inner_text()
    page.click("#series-detail [data-decide='confirmed']")
    page.wait_for_selector("#series-detail [data-status='confirmed']", timeout=15_000)
    assert "已确认串案" in first.inner_text()
    page.screenshot(path=screenshots / "analysis-series-zh-CN.png")

    # a camera canvass around the series' last incident, earliest passing first
    page.locator("#series-detail [data-canvass]").last.click()
    page.wait_for_selector("#analysis[data-canvass-ready]", timeout=30_000)
    assert page.get_attribute("#tab-canvass", "aria-selected") == "true"
    rows = page.locator("#canvass-table tbody tr")
    assert rows.count() > 2
    times = page.locator("#canvass-table tbody tr td:nth-child(3) strong").all_inner_texts()
    assert times[0].endswith("秒")
    first_camera = rows.first
    first_camera.locator("[data-footage='requested']").click()
    page.wait_for_selector(
        "#canvass-table tbody tr:first-child [data-footage='requested'][aria-pressed='true']"
    )
    rows.nth(1).locator("[data-footage='obtained']").click()
    page.wait_for_selector(
        "#canvass-table tbody tr:nth-child(2) [data-footage='obtained'][aria-pressed='true']"
    )
    assert "已申请 1 个，已取得 1 个" in page.locator(".canvass-summary").inner_text()
    page.screenshot(path=screenshots / "analysis-canvass-zh-CN.png")

    # statistics with 同比 and the Poisson verdict (the history covers two years)
    page.click("#tab-stats")
    total = page.locator("#stats-table tfoot tr").inner_text()
    assert "随机波动" in total
    last_year = int(page.locator("#stats-table tfoot td").nth(4).inner_text())
    assert last_year > 0
    page.screenshot(path=screenshots / "analysis-stats-zh-CN.png", full_page=True)

    # the campaign report: progress while it builds, then a PDF download
    page.click("#tab-report")
    with page.expect_download(timeout=90_000) as download_info:
        page.click("#report-download")
        assert page.locator("#report-progress").is_visible()
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes()[:5] == b"%PDF-"
    assert download.suggested_filename.endswith("-zh-CN.pdf")
    page.wait_for_selector("#analysis[data-report-ready='1']")
    page.wait_for_function(
        "Array.from(document.querySelectorAll('#report-previews img'))"
        ".every(img => img.complete && img.naturalWidth > 0)",
        timeout=60_000,
    )
    page.screenshot(path=screenshots / "analysis-report-zh-CN.png")

    # the same page in English
    page.click("[data-lang-switch='en']")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("#tab-forecast")
    page.wait_for_selector("#analysis[data-forecast-ready]", timeout=30_000)
    assert page.locator("#forecast-info .chip.sim").inner_text() == "simulated data"
    page.screenshot(path=screenshots / "analysis-forecast-en.png")
    page.click("#tab-series")
    page.wait_for_selector("#analysis[data-series-ready='1']", timeout=30_000)
    assert "same brand: 雅迪" in page.locator("#series-detail .evidence").inner_text()
    page.locator("#series-detail [data-canvass]").last.click()
    page.wait_for_selector("#analysis[data-canvass-ready]", timeout=30_000)
    assert "1 requested, 1 obtained" in page.locator(".canvass-summary").inner_text()
    page.screenshot(path=screenshots / "analysis-canvass-en.png")
    page.click("#tab-stats")
    assert "chance" in page.locator("#stats-table tfoot tr").inner_text()
    page.screenshot(path=screenshots / "analysis-stats-en.png", full_page=True)
    context.close()
