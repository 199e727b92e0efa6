"""The community pages served by the real app: volunteer_a lands on the phone page, a QR
code's URL survives the login, the lead's page is for staff, the application page is public,
and the chief's dashboard carries the community panel."""

from __future__ import annotations

from urllib.parse import unquote

from community_helpers import set_up

from pingan.config import Settings
from support.app import seeded_client, token_for
from support.pages import page_login


def test_volunteer_a_lands_on_the_phone_page_in_chinese(settings: Settings) -> None:
    set_up(settings)
    client = seeded_client(settings)
    assert page_login(client, settings, "volunteer_a") == "/volunteer"
    page = client.get("/volunteer")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    for part in ("我的排班", "提供线索", "我的线索", "/static/js/volunteer.js"):
        assert part in page.text


def test_a_scanned_code_survives_the_login(settings: Settings) -> None:
    client = seeded_client(settings)
    code = "abc.def/ghi"
    first = client.get(f"/volunteer/checkin?code={code}", follow_redirects=False)
    assert first.status_code == 303
    location = first.headers["location"]
    assert location.startswith("/login?next=")
    assert unquote(location.split("next=", 1)[1]) == f"/volunteer/checkin?code={code}"
    page_login(client, settings, "volunteer_a")
    page = client.get(f"/volunteer/checkin?code={code}")
    assert 'data-code="abc.def/ghi"' in page.text


def test_the_lead_page_is_for_staff_and_the_application_page_for_anyone(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    page_login(client, settings, "officer_a")
    lead = client.get("/community")
    assert lead.status_code == 200
    assert "花名册" in lead.text
    assert "待补员的班次" in lead.text
    citizen = seeded_client(settings)
    page_login(citizen, settings, "citizen")
    assert citizen.get("/community").status_code == 403
    anonymous = seeded_client(settings)
    assert "报名成为志愿者" in anonymous.get("/volunteer/apply").text


def test_the_chief_dashboard_carries_the_community_panel(settings: Settings) -> None:
    client = seeded_client(settings)
    page_login(client, settings, "chief_a")
    page = client.get("/dashboard")
    assert 'id="community-panel"' in page.text
    assert "/static/js/community_panel.js" in page.text


def test_a_volunteer_lead_sees_their_team_masked_and_others_are_refused(
    settings: Settings,
) -> None:
    setup = set_up(settings)
    client = seeded_client(settings)
    officer = token_for(client, settings, "officer_a")
    team = client.post(
        "/api/v1/community/teams",
        json={"station_code": "station-a", "name": "红袖标一队", "kind": "red_armband",
              "lead_volunteer_id": setup.volunteer_a},
        headers=officer,
    )  # fmt: skip
    assert team.status_code == 201, team.text
    lead = token_for(client, settings, "volunteer_a")
    clue = client.post(
        "/api/v1/community/clues", data={"text": "东街有人卖假烟，电话13812345678"}, headers=lead
    )
    assert clue.status_code == 201
    assert (
        client.get("/api/v1/community/me", headers=lead).json()["leads_team_id"]
        == (team.json()["id"])
    )
    view = client.get("/api/v1/community/lead", headers=lead).json()
    assert view["team"]["name"] == "红袖标一队"
    assert [(v["name"], v["phone"]) for v in view["roster"]] == [("王**", "138****1111")]
    assert view["clues"][0]["text"] == "东街有人卖假烟，电话138****5678"
    other = token_for(client, settings, "volunteer_b")
    refused = client.get("/api/v1/community/lead", headers=other)
    assert refused.status_code == 403
    page_login(client, settings, "volunteer_a")
    assert 'data-lead="1"' in client.get("/community").text


def test_the_phone_page_is_available_in_english(settings: Settings) -> None:
    set_up(settings)
    client = seeded_client(settings)
    client.cookies.set("pingan_lang", "en")
    page_login(client, settings, "volunteer_a")
    page = client.get("/volunteer")
    assert '<html lang="en">' in page.text
    for part in ("My shifts", "Hand in a clue", "My clues"):
        assert part in page.text


def test_the_printable_qr_sheet_is_for_those_who_plan_shifts(settings: Settings) -> None:
    setup = set_up(settings)
    client = seeded_client(settings)
    page_login(client, settings, "officer_a")
    sheet = client.get(f"/community/codes?plan={setup.plan_a}")
    assert sheet.status_code == 200
    assert f'data-plan="{setup.plan_a}"' in sheet.text
    assert "签到二维码" in sheet.text
    image = client.get(f"/api/v1/community/plans/{setup.plan_a}/codes/post-{setup.post_a}.svg")
    assert image.headers["content-type"].startswith("image/svg+xml")
    assert image.content.startswith(b"<?xml")
    volunteer = seeded_client(settings)
    page_login(volunteer, settings, "volunteer_a")
    assert volunteer.get("/community/codes").status_code == 403
    assert "队伍积分榜" in volunteer.get("/volunteer").text


def test_a_citizen_hands_in_a_clue_and_follows_its_outcome(settings: Settings) -> None:
    client = seeded_client(settings)
    page_login(client, settings, "citizen")
    page = client.get("/clues")
    assert page.status_code == 200
    assert 'href="/clues"' in page.text
    assert '<option value="station-a">' in page.text
    citizen = token_for(client, settings, "citizen")
    sent = client.post(
        "/api/v1/community/clues",
        data={"text": "西湖边有人偷钓鱼竿", "station_code": "station-b"},
        headers=citizen,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["station_code"] == "station-b"
    chief_b = token_for(client, settings, "chief_b")
    triaged = client.post(
        f"/api/v1/community/clues/{sent.json()['id']}/triage",
        json={"status": "useful"},
        headers=chief_b,
    )
    assert triaged.status_code == 200, triaged.text
    mine = client.get("/api/v1/community/me/clues", headers=citizen).json()
    assert [(c["outcome"], c["points"]) for c in mine] == [("useful", 0)]
    # station A's officer cannot triage station B's clue
    officer_a = token_for(client, settings, "officer_a")
    assert (
        client.get(f"/api/v1/community/clues/{sent.json()['id']}", headers=officer_a).status_code
        == 404
    )
