"""Robustness of the web layer (issue 11, item 7): translated messages, body size caps,
bounded numbers and lists, NUL bytes, LIKE patterns and the change cursor."""

from __future__ import annotations

import ast
import asyncio
import inspect
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pytest
from markupsafe import Markup
from starlette.types import Message

from pingan.config import Settings
from pingan.web import i18n
from pingan.web.pages.common import ENV, TEMPLATES_DIR
from support.app import seeded_client, token_for

SRC = Path(i18n.__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%\((\w+)\)")

# ------------------------------------------------------------------ gettext call sites


@dataclass(frozen=True)
class CallSite:
    where: str
    messages: tuple[str, ...]
    #: Names given to the ``%`` formatting; None when the result is not formatted.
    names: frozenset[str] | None
    #: Why the call cannot work as written (a wrong argument), or "".
    fault: str = ""


#: The gettext functions of pingan, by the names code calls them with.
_FUNCTIONS = {
    "_": i18n.gettext_,
    "gettext_": i18n.gettext_,
    "ngettext_": i18n.ngettext_,
}


def _signature_fault(name: str, call: ast.Call) -> str:
    """Why the real function ``name`` cannot take the arguments of ``call``, or ""."""
    try:
        inspect.signature(_FUNCTIONS[name]).bind(
            *call.args, **{k.arg or "**": k.value for k in call.keywords}
        )
    except TypeError as exc:
        return f"{name}() called wrongly: {exc}"
    return ""


def _python_call_sites() -> list[CallSite]:
    sites: list[CallSite] = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        formatted: dict[int, ast.expr] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
                formatted[id(node.left)] = node.right
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in _FUNCTIONS:
                continue
            literals = [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if not literals:
                continue
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            fault = _signature_fault(name, node)
            right = formatted.get(id(node))
            names: frozenset[str] | None = None
            if isinstance(right, ast.Dict):
                names = frozenset(k.value for k in right.keys if isinstance(k, ast.Constant))
            elif right is not None:
                continue  # formatted with a value built elsewhere: not checkable here
            messages = tuple(literals[:2]) if name == "ngettext_" else (literals[0],)
            sites.append(CallSite(where, messages, names, fault))
    return sites


def _template_call_sites() -> list[CallSite]:
    sites: list[CallSite] = []
    for path in sorted(TEMPLATES_DIR.rglob("*.html")):
        tree = ENV.parse(path.read_text(encoding="utf-8"))
        for node in tree.find_all(jinja2.nodes.Call):
            if not isinstance(node.node, jinja2.nodes.Name):
                continue
            if node.node.name not in ("_", "gettext", "ngettext"):
                continue
            if node.dyn_kwargs is not None:
                continue  # names come from a mapping built in Python: checked where rendered
            literals = [
                a.value
                for a in node.args
                if isinstance(a, jinja2.nodes.Const) and isinstance(a.value, str)
            ]
            if not literals:
                continue
            names = {k.key for k in node.kwargs}
            plural = node.node.name == "ngettext"
            if plural:
                names.add("num")
            where = f"templates/{path.name}:{node.lineno}"
            fault = ""
            if len(node.args) != (3 if plural else 1):
                fault = f"{node.node.name}() takes {3 if plural else 1} positional arguments"
            messages = tuple(literals[:2]) if plural else (literals[0],)
            # New-style gettext always formats, so every call is formatted.
            sites.append(CallSite(where, messages, frozenset(names), fault))
    return sites


def _problems(site: CallSite) -> list[str]:
    problems = [site.fault] if site.fault else []
    for message in site.messages:
        wanted = set(PLACEHOLDER.findall(message))
        if site.names is None:
            if wanted:
                problems.append(f"{message!r} has placeholders {wanted} but is never formatted")
            continue
        if wanted != set(site.names):
            problems.append(f"{message!r} has placeholders {wanted}, given {set(site.names)}")
        for language in i18n.LANGUAGES:
            translations = i18n.catalogue(language).translations
            translated = translations.gettext(message)
            try:
                Markup(translated) % dict.fromkeys(site.names, 1)
            except (KeyError, ValueError, TypeError) as exc:
                problems.append(f"{message!r} in {language} does not format: {exc!r}")
    return [f"{site.where}: {p}" for p in problems]


def test_the_call_site_scan_finds_the_calls() -> None:
    python = _python_call_sites()
    templates = _template_call_sites()
    assert len(python) > 50
    assert len(templates) > 100
    described = [s for s in python if s.where.startswith("web/pages/citizen.py")]
    assert any("too long (at most %(n)s characters)" in s.messages[0] for s in described)


def test_every_gettext_call_matches_its_message_in_both_languages() -> None:
    sites = _python_call_sites() + _template_call_sites()
    problems = [p for site in sites for p in _problems(site)]
    assert problems == []


def test_the_scan_catches_a_keyword_given_to_gettext() -> None:
    """The old call ``_("… %(n)s …", n=4000)`` raised TypeError (a 500) at run time."""
    wrong = ast.parse('_("The photo is larger than %(n)s MB.", n=5)').body[0]
    assert isinstance(wrong, ast.Expr)
    assert isinstance(wrong.value, ast.Call)
    fault = _signature_fault("_", wrong.value)
    site = CallSite("x.py:1", ("The photo is larger than %(n)s MB.",), None, fault)
    assert _problems(site) == [
        "x.py:1: _() called wrongly: got an unexpected keyword argument 'n'",
        "x.py:1: 'The photo is larger than %(n)s MB.' has placeholders {'n'} "
        "but is never formatted",
    ]


def _form(settings: Settings, **fields: str) -> dict[str, str]:
    from pingan.web.pages.citizen import form_token

    base = {
        "type": "theft.ebike",
        "description": "我的电动车在小区门口被偷了",
        "address": "东街 1 号",
        "city": "helsinki",
        "form_token": form_token(settings),
    }
    base.update(fields)
    return base


def test_report_form_answers_a_too_long_description_on_the_form(settings: Settings) -> None:
    client = seeded_client(settings)
    response = client.post(
        "/report", data=_form(settings, description="车" * 4_001), headers={"Accept": "text/html"}
    )
    assert response.status_code == 422
    assert "4000" in response.text


def test_report_form_answers_a_too_large_photo_on_the_form(settings: Settings) -> None:
    client = seeded_client(settings)
    photo = b"\xff\xd8\xff\xe0" + b"\0" * (5 * 1024 * 1024)
    response = client.post(
        "/report",
        data=_form(settings),
        files={"photo": ("big.jpg", photo, "image/jpeg")},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["errors"]["photo"] == "照片超过 5 MB。"


# ------------------------------------------------------------------ body size caps


class _Client:
    """Sends one request straight to the ASGI app, in chunks, and records what was read."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def send(
        self,
        method: str,
        path: str,
        chunks: list[bytes],
        headers: dict[str, str],
    ) -> tuple[int, dict[str, Any], int]:
        """(status, JSON body, number of chunks the app read)."""
        read = 0
        sent: list[Message] = []

        async def receive() -> Message:
            nonlocal read
            if read >= len(chunks):
                return {"type": "http.disconnect"}
            read += 1
            return {
                "type": "http.request",
                "body": chunks[read - 1],
                "more_body": read < len(chunks),
            }

        async def send(message: Message) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        # A fresh loop in its own thread: the browser tests' Playwright keeps one running
        # in the main thread for the rest of the session.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(asyncio.run, self.app(scope, receive, send)).result()
        status = next(m["status"] for m in sent if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return status, json.loads(body), read


def test_an_oversized_json_body_streamed_without_length_is_refused_unread(
    settings: Settings,
) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "citizen")
    chunks = [b"x" * 16 * 1024] * 64  # 1 MB in 16 KB pieces, no Content-Length
    status, body, read = _Client(client.app).send(
        "POST", "/api/v1/reports", chunks, {**headers, "Content-Type": "application/json"}
    )
    assert status == 413
    assert body["detail"] == (
        "the request body is larger than this route takes (65536 bytes at most)"
    )
    assert read == 5  # 4 × 16 KB fit in 64 KB; the fifth went over and nothing more was read


def test_a_declared_oversized_body_is_refused_before_reading(settings: Settings) -> None:
    client = seeded_client(settings)
    chunks = [b"x" * 1024] * 100
    status, body, read = _Client(client.app).send(
        "POST",
        "/api/v1/auth/token",
        chunks,
        {"Content-Type": "application/json", "Content-Length": str(100 * 1024)},
    )
    assert (status, read) == (413, 0)
    assert body["field"] == "body"


def test_an_upload_route_takes_a_photo_sized_body_but_not_more(settings: Settings) -> None:
    from pingan.web.bodies import UPLOAD_LIMIT_BYTES

    client = seeded_client(settings)
    headers = token_for(client, settings, "admin")
    csv = b"a,b\n" + b"1,2\n" * (1024 * 1024)  # 4 MB: over the JSON cap, under the upload cap
    response = client.post(
        "/api/v1/incidents/import",
        headers=headers,
        data={"mapping": "description=a"},
        files={"file": ("calls.csv", csv, "text/csv")},
    )
    assert response.status_code != 413
    too_big = b"x" * (UPLOAD_LIMIT_BYTES + 1)
    response = client.post(
        "/api/v1/incidents/import",
        headers=headers,
        data={"mapping": "description=a"},
        files={"file": ("calls.csv", too_big, "text/csv")},
    )
    assert response.status_code == 413
    # the same body on a JSON route is refused at 64 KB
    response = client.post("/api/v1/reports", headers=headers, content=csv)
    assert response.status_code == 413


def test_a_malformed_content_length_is_refused(settings: Settings) -> None:
    client = seeded_client(settings)
    status, body, read = _Client(client.app).send(
        "POST", "/api/v1/auth/token", [b"{}"], {"Content-Length": "12abc"}
    )
    assert (status, read) == (400, 0)
    assert "Content-Length" in body["detail"]


# ------------------------------------------------------------------ non-finite numbers


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_in_json_are_refused(settings: Settings, number: str) -> None:
    """Python's JSON reader takes NaN and Infinity; a plan's ``backup_weight`` (only a lower
    bound) took Infinity and answered 201. JSON has no such numbers: 422 before the route."""
    client = seeded_client(settings)
    headers = token_for(client, settings, "chief_a")
    body = f'{{"city": "helsinki", "groups": 2, "backup_weight": {number}}}'
    response = client.post(
        "/api/v1/plans",
        headers={**headers, "Content-Type": "application/json"},
        content=body.encode(),
    )
    assert response.status_code == 422, response.text
    assert "finite" in response.json()["detail"]


# ------------------------------------------------------------------ NUL characters


def test_nul_in_json_text_is_refused_on_both_backends(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "citizen")
    response = client.post(
        "/api/v1/reports",
        headers=headers,
        json={"description": "我的电动车\u0000被偷了", "lat": 60.17, "lon": 24.94},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "body.description"


def test_nul_in_query_path_and_form_fields_is_refused(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "admin")
    response = client.get("/api/v1/incidents?type=theft%00", headers=headers)
    assert response.status_code == 422
    assert response.json()["field"] == "query.type"
    response = client.get("/api/v1/reports/abcdefgh%00")
    assert response.status_code == 422
    assert response.json()["field"] == "path"
    response = client.post("/api/v1/auth/token", data={"username": "admin\x00", "password": "x"})
    assert response.status_code == 422
    assert response.json()["field"] == "body.username"
    response = client.post("/report", data=_form(settings, description="被偷了\x00车"))
    assert response.status_code == 422
    assert response.json()["field"] == "body.description"
    response = client.post(
        "/report",
        data=_form(settings, name="张\x00三"),
        files={"photo": ("p.jpg", b"\xff\xd8\xff\xe0\x00\x00", "image/jpeg")},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "body.name"


# ------------------------------------------------------------------ the type filter and the cursor

_EAST = [[24.94, 60.14], [25.00, 60.14], [25.00, 60.22], [24.94, 60.22], [24.94, 60.14]]
_WEST = [[24.88, 60.14], [24.94, 60.14], [24.94, 60.22], [24.88, 60.22], [24.88, 60.14]]


def _two_stations(settings: Settings) -> None:
    """Station A east of 24.94°E, station B west of it."""
    from pingan.db import make_engine, make_session_factory, unit_of_work
    from pingan.jurisdictions import service as jurisdictions

    engine = make_engine(settings.effective_database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        for code, ring in (("station-a", _EAST), ("station-b", _WEST)):
            node = jurisdictions.get_by_code(session, code)
            jurisdictions.set_boundary(session, node, {"type": "Polygon", "coordinates": [ring]})
    engine.dispose()


def _report(client: Any, headers: dict[str, str], lon: float, kind: str = "theft.ebike") -> int:
    response = client.post(
        "/api/v1/reports",
        headers=headers,
        json={"description": "小区门口的电动车被偷了", "type": kind, "lat": 60.17, "lon": lon},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_the_type_filter_takes_percent_and_underscore_literally(settings: Settings) -> None:
    _two_stations(settings)
    client = seeded_client(settings)
    headers = token_for(client, settings, "admin")
    _report(client, headers, 24.96)

    def total(kind: str) -> int:
        response = client.get("/api/v1/incidents", headers=headers, params={"type": kind})
        assert response.status_code == 200, response.text
        return int(response.json()["total"])

    assert total("theft") >= 1
    assert total("theft.ebike") >= 1
    assert total("%") == 0
    assert total("t_eft") == 0
    assert total("th%") == 0


def test_the_starting_cursor_carries_only_the_callers_station(settings: Settings) -> None:
    _two_stations(settings)
    client = seeded_client(settings)
    admin = token_for(client, settings, "admin")
    in_a = _report(client, admin, 24.96)
    in_b = _report(client, admin, 24.91)  # station B's change is the latest
    assert in_b > in_a
    chief_a = token_for(client, settings, "chief_a")
    response = client.get("/api/v1/incidents/changes", headers=chief_a)
    assert response.status_code == 200
    cursor = response.json()["cursor"]
    assert cursor.rsplit("-", 1)[1] == str(in_a)
    # from that cursor station A's chief sees A's next change and never B's
    later_b = _report(client, admin, 24.91)
    later_a = _report(client, admin, 24.97)
    response = client.get("/api/v1/incidents/changes", headers=chief_a, params={"cursor": cursor})
    assert [item["id"] for item in response.json()["items"]] == [later_a]
    assert response.json()["cursor"].rsplit("-", 1)[1] == str(later_a)
    assert later_b not in [item["id"] for item in response.json()["items"]]


def test_the_analytics_type_filter_takes_percent_literally(settings: Settings) -> None:
    from sqlalchemy import true, update

    from pingan.analytics.history import load_history
    from pingan.db import make_engine, make_session_factory, unit_of_work
    from pingan.incidents.models import Incident

    _two_stations(settings)
    client = seeded_client(settings)
    created = _report(client, token_for(client, settings, "admin"), 24.96)
    engine = make_engine(settings.effective_database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        # a report by pin alone is placed in no city; the history is read per city
        session.execute(update(Incident).where(Incident.id == created).values(city="helsinki"))

        def ids(kind: str) -> list[int]:
            history = load_history(
                session, settings, city="helsinki", visible=true(), incident_type=kind
            )
            return [int(i) for i in history.ids]

        assert created in ids("theft")
        assert ids("%") == []
        assert ids("th_ft") == []
    engine.dispose()


# ------------------------------------------------------------------ bounded numbers and lists


def _missing_caps(schema: dict[str, Any]) -> int:
    """How many caps one schema node lacks: integer bounds, array length, typed map size."""
    missing = 0
    if schema.get("type") == "integer" and not (
        "minimum" in schema and "maximum" in schema and schema["maximum"] <= 2**63 - 1
    ):
        missing += 1
    if schema.get("type") == "array" and "maxItems" not in schema:
        missing += 1
    typed_map = isinstance(schema.get("additionalProperties"), dict)
    if schema.get("type") == "object" and typed_map and "maxProperties" not in schema:
        missing += 1  # free-form objects (GeoJSON) are held by the body cap
    return missing


def _unbounded(document: dict[str, Any]) -> list[str]:
    """Integers without both bounds and arrays without a length cap in what clients send."""
    components = document.get("components", {}).get("schemas", {})
    found: list[str] = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} {parameter['in']}.{parameter['name']}"
                _walk(parameter.get("schema"), where, frozenset(), components, found)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                where = f"{method.upper()} {path} body"
                _walk(content.get("schema"), where, frozenset(), components, found)
    return found


def _walk(
    schema: Any, where: str, seen: frozenset[str], components: dict[str, Any], found: list[str]
) -> None:
    """Add to ``found`` every place under ``schema`` that lacks a cap (following refs once)."""
    if not isinstance(schema, dict):
        return
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name not in seen:
            _walk(components[name], f"{where}<{name}>", seen | {name}, components, found)
        return
    found.extend([where] * _missing_caps(schema))
    for key, item in schema.get("properties", {}).items():
        _walk(item, f"{where}.{key}", seen, components, found)
    for key in ("items", "additionalProperties"):
        _walk(schema.get(key), f"{where}[]", seen, components, found)
    for key in ("anyOf", "oneOf", "allOf"):
        for item in schema.get(key, []):
            _walk(item, where, seen, components, found)


def test_every_client_integer_and_list_in_the_api_is_bounded(settings: Settings) -> None:
    client = seeded_client(settings)
    assert _unbounded(client.app.openapi()) == []


def test_huge_integers_answer_422_naming_the_field(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "admin")
    huge = "99999999999999999999"
    response = client.get(f"/api/v1/incidents?offset={huge}", headers=headers)
    assert response.status_code == 422
    assert response.json()["field"] == "query.offset"
    response = client.get(f"/api/v1/incidents/{huge}", headers=headers)
    assert response.status_code == 422
    assert response.json()["field"] == "path.incident_id"
    response = client.get("/api/v1/units/2147483648", headers=headers)
    assert response.status_code == 422
    response = client.post(
        "/api/v1/incidents/1/merge", headers=headers, json={"other_ids": [int(huge)]}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "body.other_ids.0"


def test_a_report_takes_at_most_50_items(settings: Settings) -> None:
    _two_stations(settings)
    client = seeded_client(settings)
    headers = token_for(client, settings, "citizen")
    body = {"description": "家门口丢了很多东西", "lat": 60.17, "lon": 24.96}
    response = client.post(
        "/api/v1/reports", headers=headers, json={**body, "items": [{"kind": "phone"}] * 51}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "body.items"
    response = client.post(
        "/api/v1/reports", headers=headers, json={**body, "items": [{"kind": "phone"}] * 50}
    )
    assert response.status_code == 201, response.text


def test_every_named_larger_body_is_a_route_and_uploads_are_found(settings: Settings) -> None:
    from pingan.web.bodies import LARGER_BODIES, UPLOAD_LIMIT_BYTES, route_limits

    limits = {r.label: r.limit_bytes for r in route_limits(seeded_client(settings).app)}
    assert {label: limits.get(label) for label in LARGER_BODIES} == LARGER_BODIES
    assert limits["POST /report"] == UPLOAD_LIMIT_BYTES
    assert limits["POST /api/v1/incidents/import"] == UPLOAD_LIMIT_BYTES
    assert limits["POST /api/v1/chat/import"] == UPLOAD_LIMIT_BYTES


def test_a_large_position_batch_is_not_cut_by_the_json_cap(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = token_for(client, settings, "dispatcher_a")
    batch = {"positions": [{"callsign": "P1", "lat": 0.0, "lon": 0.0}] * 2_000}
    assert len(json.dumps(batch)) > 64 * 1024
    response = client.post("/api/v1/units/positions", headers=headers, json=batch)
    assert response.status_code == 422  # refused for its content (no such unit), not its size


def test_nul_in_uploaded_text_files_is_refused_on_both_backends(settings: Settings) -> None:
    client = seeded_client(settings)
    csv = "时间,内容,地址\n2026-07-03 21:14,电动车\x00被偷了,东街1号\n".encode()
    response = client.post(
        "/api/v1/incidents/import",
        headers=token_for(client, settings, "admin"),
        data={"mapping": "received_at=时间,description=内容,place_text=地址", "partial": "true"},
        files={"file": ("calls.csv", csv, "text/csv")},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "line 2"
    chat = "2026-07-03 21:14 张三: 我的电动车\x00被偷了\n".encode()
    response = client.post(
        "/api/v1/chat/import",
        headers=token_for(client, settings, "officer_a"),
        files={"file": ("chat.txt", chat, "text/plain")},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "line 1"


# ------------------------------------------------------------------ digits int() refuses


def test_superscript_digits_in_cursors_and_tokens_answer_4xx(settings: Settings) -> None:
    """``"²".isdigit()`` is true but ``int("²")`` raises: each answered 500."""
    client = seeded_client(settings)
    headers = token_for(client, settings, "admin")
    response = client.get("/api/v1/stream", headers=headers, params={"cursor": "x~².1"})
    assert response.status_code == 422
    response = client.post(
        "/report",
        data=_form(settings, form_token="².abc.def"),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"form"}  # the form token, nothing else
    status, body, _read = _Client(client.app).send(
        "POST", "/api/v1/auth/token", [b"{}"], {"Content-Length": "²"}
    )
    assert status == 400
    assert "Content-Length" in body["detail"]


def test_deeply_nested_json_is_refused_not_a_server_error(settings: Settings) -> None:
    client = seeded_client(settings)
    headers = {**token_for(client, settings, "citizen"), "Content-Type": "application/json"}
    for depth in (900, 5_000):  # 5,000 levels fit in 64 KB and exceed the recursion limit
        for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
            response = client.post("/api/v1/reports", headers=headers, content=body)
            assert response.status_code in (400, 422), (depth, response.status_code)
    nested = '{"description": "被偷了", "x": ' + '{"a":' * 900 + '"\\u0000"' + "}" * 900 + "}"
    response = client.post("/api/v1/reports", headers=headers, content=nested)
    assert response.status_code == 422
    assert response.json()["field"] == "body.x" + ".a" * 900


def test_open311_request_ids_are_bounded(settings: Settings) -> None:
    from pingan.db import make_engine, make_session_factory, unit_of_work
    from pingan.incidents import open311

    engine = make_engine(settings.effective_database_url)
    with unit_of_work(make_session_factory(engine)) as session:
        key, _row = open311.create_key(session, "city-app", "station-a")
    engine.dispose()
    client = seeded_client(settings)
    huge = "99999999999999999999"
    response = client.get(f"/open311/v2/requests/{huge}.json", params={"api_key": key})
    assert response.status_code == 404
    for ids in (huge, "1,²", ",".join(["1"] * 201), "9" * 5_000):
        response = client.get(
            "/open311/v2/requests.json", params={"api_key": key, "service_request_id": ids}
        )
        assert response.status_code == 400, ids[:20]
        assert "service_request_id" in response.json()[0]["description"]
    response = client.get(
        "/open311/v2/requests.json", params={"api_key": key, "service_request_id": "1,2"}
    )
    assert response.status_code == 200


def test_every_schema_in_the_api_document_has_its_own_name(settings: Settings) -> None:
    """Two models of one name would be published as ``pingan__module__Name``: a client
    generated from the document would get names no one chose."""
    client = seeded_client(settings)
    names = client.app.openapi()["components"]["schemas"]
    assert [n for n in names if n.startswith("pingan__")] == []
