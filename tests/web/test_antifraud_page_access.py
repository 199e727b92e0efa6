"""The anti-fraud officer's page over the real app: who may open it, where the officer
lands, the link in the navigation, the page in Chinese."""

from __future__ import annotations

from pingan.config import Settings
from support.app import seeded_client
from support.pages import page_login


def test_the_antifraud_page_is_for_the_antifraud_officer(settings: Settings) -> None:
    anonymous = seeded_client(settings)
    to_login = anonymous.get("/antifraud", follow_redirects=False)
    assert to_login.status_code == 303
    assert to_login.headers["location"] == "/login?next=/antifraud"

    officer = seeded_client(settings)
    assert page_login(officer, settings, "antifraud_a") == "/antifraud"
    page = officer.get("/antifraud")
    assert page.status_code == 200
    assert 'data-nav="antifraud" aria-current="page"' in page.text
    assert 'data-can-write="1"' in page.text
    for part in ("af-queue-list", "af-screen-form", "af-figures-table"):
        assert f'id="{part}"' in page.text
    assert "预警队列" in page.text
    assert '<script src="/static/js/antifraud.js' in page.text
    assert 'href="/antifraud"' in officer.get("/home").text

    dispatcher = seeded_client(settings)
    page_login(dispatcher, settings, "dispatcher_a")
    assert 'href="/antifraud"' not in dispatcher.get("/home").text
    forbidden = dispatcher.get("/antifraud")
    assert forbidden.status_code == 403
    assert "af-queue-list" not in forbidden.text
