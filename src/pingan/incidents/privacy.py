"""Personal data on every read path: one function, :func:`redact`.

Personal data is a reporter's name and phone, and in free text (descriptions, report texts,
notes, place texts) the phone numbers, ID numbers, bank card numbers and names after a cue
that :func:`pingan.algo.text.personal.find_personal_data` finds; licence plates are shown
only to the roles that work cases.

Who sees what (:func:`sight_of`): the roles granted ``incident.personal_data`` see
personal data on records of their subtree, the roles granted ``incident.plates`` see
plates, a reporter sees their own report whole, and everybody else (analysts, Open311
clients, exports) gets masks. Masks have a fixed width, so they reveal neither a name's
length nor how a number was written:

=========  ===================  ==================
kind       written              masked
=========  ===================  ==================
name       张三丰, 欧阳娜娜     张**, 欧**
phone      +86 138.1234.5678    138****5678
landline   010 6552 9988        010****9988
ID number  11010519491231002X   **************002X
bank card  6222 0212 3456 7890  ************7890
plate      粤B·D12345           粤B*****
=========  ===================  ==================

API bodies, pages (they read the API), the live stream, Open311, the citizen status page
and series all call :func:`redact` (there is no CSV export of incidents; reports are
counts); reads of unmasked personal data by others than the reporter are
audited by the caller (:func:`holds_personal`).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

from pingan.algo.text.numbers import normalize
from pingan.algo.text.personal import Kind, find_personal_data
from pingan.errors import InvalidInput
from pingan.principal import Principal


@dataclass(frozen=True)
class Sight:
    """What a reader may see unmasked: personal data, licence plates."""

    personal: bool = False
    plates: bool = False

    def sees(self, kind: Kind) -> bool:
        return self.plates if kind is Kind.plate else self.personal

    @property
    def sees_any(self) -> bool:
        """Whether anything is shown unmasked (then a read of it is audited)."""
        return self.personal or self.plates


#: Open311 clients, exports, reports: everything masked.
NOBODY = Sight()
#: The reporter reading their own report.
EVERYTHING = Sight(personal=True, plates=True)


def sight_of(principal: Principal, record_path: str, *, own: bool = False) -> Sight:
    """What ``principal`` may see on a record at ``record_path`` (``own``: they reported it)."""
    if own:
        return EVERYTHING
    return Sight(
        personal=principal.can("incident", "personal_data", record_path),
        plates=principal.can("incident", "plates", record_path),
    )


class Field(enum.StrEnum):
    """What a value is: free text, or a whole name, phone number or plate."""

    text = "text"
    name = "name"
    phone = "phone"
    plate = "plate"


_FIELD_KIND = {Field.name: Kind.name, Field.phone: Kind.phone, Field.plate: Kind.plate}


def _mask(kind: Kind, value: str) -> str:
    """The fixed-width mask of one canonical value (see the module's table)."""
    if kind is Kind.name:
        return value.strip()[:1] + "**"
    if kind is Kind.plate:
        head = value[:2] if re.match(r"[^\x00-\x7f][A-Za-z]", value) else "**"
        return head + "*****"
    digits = re.sub(r"[^\dXx]", "", normalize(value)).upper()
    if kind is Kind.phone:
        return digits[:3] + "****" + digits[-4:] if len(digits) >= 7 else "***********"
    if kind is Kind.id_number:
        return "*" * 14 + digits[-4:]
    return "*" * 12 + digits[-4:]  # bank card


def redact(value: str | None, sight: Sight, field: Field = Field.text) -> str | None:
    """``value`` as a reader with ``sight`` may see it: the one masking function.

    A whole field (``name``, ``phone``, ``plate``) is masked as one; free text keeps its
    words and has each piece of personal data replaced by its mask. ``None`` and empty
    values come back as they are.

    Examples
    --------
    >>> redact("张三丰", NOBODY, Field.name)
    '张**'
    >>> redact("电话(138)1234-5678，车牌京A12345", Sight(personal=False, plates=True))
    '电话138****5678，车牌京A12345'
    """
    if not value:
        return value
    if field is not Field.text:
        kind = _FIELD_KIND[field]
        if sight.sees(kind):
            return value
        if kind is Kind.phone:
            found = [s for s in find_personal_data(value) if s.kind is Kind.phone]
            return _mask(kind, found[0].value if found else value)
        return _mask(kind, value)
    out: list[str] = []
    last = 0
    for span in find_personal_data(value):
        if sight.sees(span.kind):
            continue
        out += [value[last : span.start], _mask(span.kind, span.value)]
        last = span.end
    out.append(value[last:])
    return "".join(out)


def holds_personal(value: str | None, field: Field = Field.text) -> bool:
    """Whether ``value`` holds anything :func:`redact` would mask for nobody's eyes."""
    return bool(value) and redact(value, NOBODY, field) != value


def check_text(text: str | None, *, limit: int, field: str) -> str:
    """Refuse empty, over-long and word-less (emoji-only) text; return it stripped."""
    if text is None or not text.strip():
        raise InvalidInput("the text is empty", field=field)
    text = text.strip()
    if len(text) > limit:
        raise InvalidInput(
            f"the text has {len(text)} characters; at most {limit} are accepted", field=field
        )
    if not has_words(text):
        raise InvalidInput(
            "the text has no words (only emoji, symbols or punctuation)", field=field
        )
    if "\ufffd" in text:
        raise InvalidInput("the text is not valid UTF-8", field=field)
    return text


def has_words(text: str) -> bool:
    """Whether ``text`` holds a letter or a digit (not only emoji, symbols, punctuation)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)
