"""The zh-CN and en catalogues: complete, in step with the sources, safe to format; and no
user-facing text written straight into a template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from pingan.errors import InvalidInput
from pingan.web import i18n

WEB = Path(i18n.__file__).parent
REPO = WEB.parents[2]


def _catalogue(locale: str):
    with (WEB / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def _source_messages() -> set[str]:
    method_map = [
        ("src/pingan/web/**.py", "python"),
        ("src/pingan/web/templates/**.html", "jinja2"),
        ("src/pingan/web/static/js/**.js", "javascript"),
    ]
    options = {"src/pingan/web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "t": None}
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPO), method_map, options, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_string_in_the_sources_has_a_chinese_translation() -> None:
    zh = _catalogue("zh_CN")
    translated = {m.id: m.string for m in zh if m.id}
    in_sources = _source_messages()
    assert len(in_sources) > 150
    missing = sorted(m for m in in_sources if not translated.get(m))
    assert missing == []
    en = {m.id for m in _catalogue("en") if m.id}
    assert in_sources <= en


def test_translations_keep_their_placeholders_and_format_safely() -> None:
    for message in _catalogue("zh_CN"):
        if not message.id or not message.string:
            continue
        placeholders = set(re.findall(r"%\((\w+)\)s", message.id))
        assert set(re.findall(r"%\((\w+)\)s", message.string)) == placeholders, message.id
        js_only = all(str(path).endswith(".js") for path, _line in message.locations)
        if not js_only:
            # new-style gettext in the templates always %-formats the translation
            message.string % dict.fromkeys(placeholders, "x")


def test_gettext_translates_by_language_and_falls_back_to_english() -> None:
    assert i18n.translate("zh-CN", "Dispatch board") == "指挥调度台"
    assert i18n.translate("en", "Dispatch board") == "Dispatch board"
    assert i18n.translate("zh-CN", "a sentence nobody wrote") == "a sentence nobody wrote"
    js = i18n.catalogue("zh-CN").js_messages
    assert js["Dispatch"] == "派警"
    assert "Staff login" not in js  # only what the scripts use is sent to them


def test_language_choice_order_and_tags() -> None:
    assert i18n.pick_language("en", "zh-CN", "zh-CN") == "en"
    assert i18n.pick_language(None, "en-GB", "zh-CN") == "en"
    assert i18n.pick_language(None, None, "zh_CN") == "zh-CN"
    assert i18n.pick_language(None, "fr", "zh-CN") == "zh-CN"
    assert i18n.normalise("ZH-cn") == "zh-CN"
    with pytest.raises(InvalidInput, match="language must be one of"):
        i18n.catalogue("fr")


def test_templates_hold_no_hard_coded_text() -> None:
    visible = re.compile(r"[A-Za-z\u4e00-\u9fff]{2,}")
    for template in sorted((WEB / "templates").glob("*.html")):
        text = template.read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}", " ", text, flags=re.S)
        text = re.sub(r"\{%.*?%\}", " ", text, flags=re.S)
        text = re.sub(r"\{\{.*?\}\}", " ", text, flags=re.S)
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
        text = re.sub(r"<!doctype[^>]*>", " ", text, flags=re.I)
        # attributes people read (labels, titles, alt text) must be translated too
        for attribute in re.findall(r'(?:aria-label|title|alt|placeholder)="([^"]*)"', text):
            assert not visible.search(attribute), (template.name, attribute)
        text = re.sub(r"<[^>]*>", " ", text)
        if template.name.startswith("_"):
            # macros emit attributes, not text
            text = re.sub(r'[\w-]+="[^"]*"', " ", text)
        leftovers = [w for w in visible.findall(text) if w not in {"Esc", "dark", "light", "theme"}]
        assert leftovers == [], (template.name, leftovers)


def test_the_report_form_lists_incident_types_in_the_page_language(settings) -> None:  # type: ignore[no-untyped-def]
    from pingan.web import i18n
    from support.app import seeded_client

    client = seeded_client(settings)
    client.cookies.set(i18n.LANG_COOKIE, "en")
    english = client.get("/report")
    assert english.status_code == 200
    assert "E-bike theft" in english.text
    assert "电动车被盗" not in english.text
    client.cookies.set(i18n.LANG_COOKIE, "zh-CN")
    chinese = client.get("/report")
    assert "电动车被盗" in chinese.text
