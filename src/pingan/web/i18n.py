"""Languages of the pages: gettext catalogues compiled from the committed ``.po`` files.

The catalogues live in ``translations/<locale>/LC_MESSAGES/messages.po`` (msgids in
English). They are compiled with Babel in memory on first use, so no ``.mo`` file
is committed or needs building. Templates translate with ``_()`` (the
``jinja2.ext.i18n`` extension, new-style, so ``_("%(n)s units", n=3)`` is escaped
safely); scripts get a JSON catalogue of the messages that occur in ``.js`` files.

The language of a request is, in order: the user's saved choice
(``User.language``), the ``pingan_lang`` cookie (anonymous citizens), the
settings' ``default_language``.
"""

from __future__ import annotations

import gettext
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from pingan.errors import InvalidInput

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
LANG_COOKIE = "pingan_lang"

#: The languages pingan speaks: tag → (gettext locale directory, name in that language).
LANGUAGES: dict[str, tuple[str, str]] = {
    "zh-CN": ("zh_CN", "中文"),
    "en": ("en", "English"),
}


@dataclass(frozen=True)
class Catalogue:
    """One language's compiled translations and the part scripts need."""

    language: str
    translations: gettext.GNUTranslations
    js_messages: dict[str, str]


def _po_path(language: str) -> Path:
    locale_dir, _name = LANGUAGES[language]
    return TRANSLATIONS_DIR / locale_dir / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(language: str) -> Catalogue:
    """Compile ``language``'s ``.po`` file (once per process)."""
    if language not in LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}", field="language")
    with _po_path(language).open("rb") as handle:
        po = read_po(handle, locale=LANGUAGES[language][0])
    buffer = BytesIO()
    write_mo(buffer, po, use_fuzzy=False)
    buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)
    js_messages: dict[str, str] = {}
    for message in po:
        if not message.id or not isinstance(message.id, str):
            continue
        if any(str(path).endswith(".js") for path, _line in message.locations):
            js_messages[message.id] = translations.gettext(message.id)
    return Catalogue(language, translations, js_messages)


def normalise(language: str | None) -> str | None:
    """Map ``zh``, ``zh_CN``, ``zh-cn``, ``en-GB`` … onto a supported tag, else None."""
    if not language:
        return None
    tag = language.strip().replace("_", "-").lower()
    for supported in LANGUAGES:
        if tag == supported.lower():
            return supported
    primary = tag.split("-", 1)[0]
    for supported in LANGUAGES:
        if supported.lower().split("-", 1)[0] == primary:
            return supported
    return None


def pick_language(
    user_language: str | None, cookie_language: str | None, default_language: str
) -> str:
    """The language of a request: the user's choice, then the cookie, then the default."""
    for candidate in (user_language, cookie_language, default_language):
        found = normalise(candidate)
        if found is not None:
            return found
    return "zh-CN"


_current: ContextVar[str] = ContextVar("pingan_language", default="zh-CN")


def set_current(language: str) -> None:
    """Make ``language`` the one ``gettext``/``ngettext`` below translate into."""
    _current.set(language)


def current() -> str:
    return _current.get()


def gettext_(message: str) -> str:
    return catalogue(_current.get()).translations.gettext(message)


def ngettext_(singular: str, plural: str, n: int) -> str:
    return catalogue(_current.get()).translations.ngettext(singular, plural, n)


def translate(language: str, message: str) -> str:
    """Translate one message into ``language`` (for code outside a template)."""
    return catalogue(language).translations.gettext(message)
