"""Free-text report extraction (Chinese first, English too).

``extract_report(text, sent_at)`` gives the incident type, fraud type, report-or-chatter,
the interval when it happened, place text (and a point through a geocoder passed in),
property, amount in yuan and phone numbers. Modules: :mod:`lexicon` (words), :mod:`times`,
:mod:`amounts` (money), :mod:`personal` (phones, ID and card numbers, plates, names: the
spans that :mod:`pingan.incidents.privacy` masks), :mod:`places`, :mod:`items`,
:mod:`classify`.
"""

from pingan.algo.text.extract import MAX_TEXT_CHARS, Extraction, GeoHit, extract_report
from pingan.algo.text.items import Item
from pingan.algo.text.places import PlaceSpan
from pingan.algo.text.times import TimeInterval, resolve_time


def warm_up() -> None:
    """Load the reader's dictionary, sentence encoder and model now.

    A served worker's first reports waited seconds for them.
    """
    from datetime import UTC, datetime

    extract_report("昨晚在锦绣花园楼下电动车被偷了", datetime.now(UTC))


__all__ = [
    "MAX_TEXT_CHARS",
    "Extraction",
    "GeoHit",
    "Item",
    "PlaceSpan",
    "TimeInterval",
    "extract_report",
    "resolve_time",
    "warm_up",
]
