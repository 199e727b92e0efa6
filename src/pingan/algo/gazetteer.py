"""A gazetteer of street names, house numbers and place names.

Geocoding turns a text into a point: ``"水产路12号"`` (street + number + 号),
``"Mannerheimintie 5"``, ``"5 Main Street"`` or a place name. Names are compared
after normalisation (NFKC, accents removed, case folded, punctuation as spaces), so
``"MANNERHEIMINTIE"`` and ``"Mannerheimintie"`` or ``"Töölönkatu"`` and
``"toolonkatu"`` are the same. Confidence, in ``[0, 1]``:

* 1.0 when the whole text is a known name (with its house number, if one is given);
* ``0.7 + 0.3 × coverage`` when a known name is found inside a longer text
  (``coverage``: the name's share of the text's letters); the longest name wins;
* ``0.8 × similarity`` (difflib ratio ≥ 0.75) for a misspelt name;
* times 0.9 when the house number is found without its letter (``5a`` → ``5``),
  0.6 when only a nearby number on the same street is, and 0.5 when the street has no
  numbers (the street's middle is returned, kind ``"street"``).

Reverse geocoding answers ``"street, nearest place"`` from KD-trees (in a local
metric projection) over street vertices and address points, and over named places.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from pingan.algo.text.numbers import CN_NUMERAL_DIGITS, parse_cn_house_number
from pingan.errors import InvalidInput

_FORMAT_VERSION = 1
_CN_NUMBER = CN_NUMERAL_DIGITS + "十百千"
_NUMBER_AFTER = re.compile(
    rf"^\s*(\d+(?:\s?[a-z](?![a-z]))?|[{_CN_NUMBER}]+(?=\s*[号號]))(?:\s*[号號])?"
)
_NUMBER_BEFORE = re.compile(r"(\d+\s?[a-z]?)\s+$")
_MIN_LATIN_LEN = 4
_MIN_CJK_LEN = 2
_FUZZY_CUTOFF = 0.75


def normalize(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index in ``text``.

    NFKC (full-width digits become ASCII), accents removed, case folded, anything
    that is not a letter or digit becomes one space; leading/trailing spaces dropped.
    """
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for part in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", ch)):
            if unicodedata.category(part) == "Mn":
                continue
            for low in part.casefold():
                if not low.isalnum():
                    if out and out[-1] != " ":
                        out.append(" ")
                        origin.append(i)
                    continue
                out.append(low)
                origin.append(i)
    while out and out[-1] == " ":
        out.pop()
        origin.pop()
    return "".join(out), origin


@functools.lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    return normalize(text)[0]


def _is_cjk(ch: str) -> bool:
    return ch.isalpha() and not ch.isascii() and unicodedata.name(ch, "").startswith("CJK")


def _number_key(number: str) -> str:
    """Canonical house number: ``"5 A"`` → ``"5a"``, ``"十二"`` → ``"12"``."""
    key = _norm(number).replace(" ", "")
    if key and all(ch in _CN_NUMBER for ch in key):
        value = parse_cn_house_number(key)
        if value is not None:
            return str(value)
    return key


def _leading_int(number: str) -> int | None:
    match = re.match(r"\d+", number)
    return int(match.group()) if match else None


@dataclass(frozen=True)
class GeocodeHit:
    """A geocoded name.

    Attributes
    ----------
    lat, lon
        The point in degrees.
    confidence
        In ``[0, 1]``; see the module docstring.
    matched
        The name as the gazetteer knows it (``"Mannerheimintie 5"``, ``"水产路12号"``,
        a place's name).
    kind
        ``"address"``, ``"street"`` or ``"place"``.
    place_kind
        For places, the OSM kind (``"pub"``, ``"school"`` …); otherwise ``""``.
    start, end
        Span of the match in the text searched (``text[start:end]``).
    """

    lat: float
    lon: float
    confidence: float
    matched: str
    kind: str
    place_kind: str = ""
    start: int = 0
    end: int = 0

    @property
    def point(self) -> tuple[float, float]:
        """``(lat, lon)`` in degrees."""
        return (self.lat, self.lon)


@dataclass(frozen=True)
class _Name:
    kind: str  # "street" or "place"
    index: int


class Gazetteer:
    """Street, address and place names of a city, for geocoding both ways.

    Build it with :meth:`build`; store it with :meth:`to_dict` / :meth:`from_dict`.
    """

    def __init__(
        self,
        streets: list[tuple[str, str, str]],
        street_points: tuple[
            npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64]
        ],
        addresses: list[tuple[int, str, float, float]],
        places: list[tuple[str, str, str, str, float, float]],
    ) -> None:
        self._streets = streets
        self._pt_street, self._pt_lat, self._pt_lon = street_points
        self._addresses = addresses
        self._places = places

        all_lat = np.concatenate([self._pt_lat, [p[4] for p in places]])
        all_lon = np.concatenate([self._pt_lon, [p[5] for p in places]])
        self._lat0 = float(np.mean(all_lat)) if all_lat.size else 0.0
        self._lon0 = float(np.mean(all_lon)) if all_lon.size else 0.0
        # Reverse geocoding looks at street vertices and address points alike.
        self._rev_street = np.concatenate(
            [self._pt_street, np.array([a[0] for a in addresses], dtype=np.int64)]
        )
        rev_lat = np.concatenate([self._pt_lat, [a[2] for a in addresses]])
        rev_lon = np.concatenate([self._pt_lon, [a[3] for a in addresses]])
        self._street_tree = cKDTree(self._xy(rev_lat, rev_lon)) if rev_lat.size else None
        named = [i for i, p in enumerate(places) if p[0] or p[1] or p[2]]
        self._named_places = np.array(named, dtype=np.int64)
        self._place_tree = (
            cKDTree(
                self._xy(
                    np.array([places[i][4] for i in named]),
                    np.array([places[i][5] for i in named]),
                )
            )
            if named
            else None
        )

        # Middle point of each street: its vertex nearest to the vertices' mean.
        self._street_mid: list[tuple[float, float]] = []
        order = np.argsort(self._pt_street, kind="stable")
        bounds = np.searchsorted(self._pt_street[order], np.arange(len(streets) + 1))
        for s in range(len(streets)):
            idx = order[bounds[s] : bounds[s + 1]]
            if idx.size == 0:
                self._street_mid.append((math.nan, math.nan))
                continue
            s_lat, s_lon = self._pt_lat[idx], self._pt_lon[idx]
            k = int(np.argmin((s_lat - s_lat.mean()) ** 2 + (s_lon - s_lon.mean()) ** 2))
            self._street_mid.append((float(s_lat[k]), float(s_lon[k])))

        self._by_number: dict[tuple[int, str], tuple[str, float, float]] = {}
        self._numbers_on: dict[int, list[tuple[int, str, float, float]]] = {}
        for street, number, lat, lon in addresses:
            self._by_number.setdefault((street, _number_key(number)), (number, lat, lon))
            value = _leading_int(_number_key(number))
            if value is not None:
                self._numbers_on.setdefault(street, []).append((value, number, lat, lon))

        self._names: dict[str, list[_Name]] = {}
        for i, names in enumerate(streets):
            for name in names:
                self._add_name(name, _Name("street", i))
        for i, place in enumerate(places):
            for name in place[:3]:
                self._add_name(name, _Name("place", i))
        self._lengths = sorted({len(k) for k in self._names}, reverse=True)
        self._name_list = list(self._names)

    def _add_name(self, name: str, ref: _Name) -> None:
        key = _norm(name)
        if not key:
            return
        refs = self._names.setdefault(key, [])
        if ref not in refs:
            refs.append(ref)

    def _xy(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.float64]:
        lat_a = np.asarray(lat, dtype=np.float64)
        lon_a = np.asarray(lon, dtype=np.float64)
        x = np.radians(lon_a - self._lon0) * 6_371_008.8 * math.cos(math.radians(self._lat0))
        y = np.radians(lat_a - self._lat0) * 6_371_008.8
        return np.column_stack([x, y])

    # ------------------------------------------------------------------ building

    @classmethod
    def build(
        cls,
        *,
        street_name: Sequence[str],
        street_lat: npt.ArrayLike,
        street_lon: npt.ArrayLike,
        street_name_zh: Sequence[str] | None = None,
        street_name_en: Sequence[str] | None = None,
        addr_street: Sequence[str] = (),
        addr_housenumber: Sequence[str] = (),
        addr_lat: npt.ArrayLike = (),
        addr_lon: npt.ArrayLike = (),
        place_name: Sequence[str] = (),
        place_name_zh: Sequence[str] | None = None,
        place_name_en: Sequence[str] | None = None,
        place_kind: Sequence[str] | None = None,
        place_lat: npt.ArrayLike = (),
        place_lon: npt.ArrayLike = (),
    ) -> Gazetteer:
        """Build a gazetteer from parallel arrays.

        Parameters
        ----------
        street_name, street_lat, street_lon
            One row per street vertex (or segment midpoint): the street's ``name`` and
            a point on it in degrees. Rows with an empty name are skipped.
        street_name_zh, street_name_en
            ``name:zh`` / ``name:en`` of the same rows (aliases of the street).
        addr_street, addr_housenumber, addr_lat, addr_lon
            Addresses (``addr:street``, ``addr:housenumber``, point in degrees).
        place_name, place_name_zh, place_name_en, place_kind, place_lat, place_lon
            Places (names may be empty; ``place_kind`` as ``"pub"``, ``"school"`` …).
        """
        s_lat = np.asarray(street_lat, dtype=np.float64)
        s_lon = np.asarray(street_lon, dtype=np.float64)
        n = len(street_name)
        if s_lat.shape != (n,) or s_lon.shape != (n,):
            raise InvalidInput("street_name, street_lat and street_lon must have the same length")
        zh = list(street_name_zh) if street_name_zh is not None else [""] * n
        en = list(street_name_en) if street_name_en is not None else [""] * n
        streets: list[tuple[str, str, str]] = []
        index: dict[str, int] = {}
        pt_street: list[int] = []
        keep: list[int] = []
        for i, name in enumerate(street_name):
            key = _norm(name)
            if not key:
                continue
            if key not in index:
                index[key] = len(streets)
                streets.append((name, zh[i], en[i]))
            elif (zh[i] or en[i]) and not (streets[index[key]][1] or streets[index[key]][2]):
                streets[index[key]] = (streets[index[key]][0], zh[i], en[i])
            pt_street.append(index[key])
            keep.append(i)
        pt_lat = list(s_lat[keep])
        pt_lon = list(s_lon[keep])

        n_road_streets = len(streets)
        a_lat = np.asarray(addr_lat, dtype=np.float64)
        a_lon = np.asarray(addr_lon, dtype=np.float64)
        if not (len(addr_street) == len(addr_housenumber) == a_lat.shape[0] == a_lon.shape[0]):
            raise InvalidInput("the address arrays must have the same length")
        addresses: list[tuple[int, str, float, float]] = []
        for street, number, lat, lon in zip(
            addr_street, addr_housenumber, a_lat, a_lon, strict=True
        ):
            key = _norm(street)
            if not key or not _number_key(number):
                continue
            if key not in index:
                index[key] = len(streets)
                streets.append((street, "", ""))
            if index[key] >= n_road_streets:
                # A street known only from its addresses: its addresses are its points.
                pt_street.append(index[key])
                pt_lat.append(float(lat))
                pt_lon.append(float(lon))
            addresses.append((index[key], number, float(lat), float(lon)))

        p_lat = np.asarray(place_lat, dtype=np.float64)
        p_lon = np.asarray(place_lon, dtype=np.float64)
        m = len(place_name)
        if p_lat.shape != (m,) or p_lon.shape != (m,):
            raise InvalidInput("the place arrays must have the same length")
        p_zh = list(place_name_zh) if place_name_zh is not None else [""] * m
        p_en = list(place_name_en) if place_name_en is not None else [""] * m
        kinds = list(place_kind) if place_kind is not None else [""] * m
        places = [
            (
                str(place_name[i]),
                str(p_zh[i]),
                str(p_en[i]),
                str(kinds[i]),
                float(p_lat[i]),
                float(p_lon[i]),
            )
            for i in range(m)
        ]
        return cls(
            [(str(a), str(b), str(c)) for a, b, c in streets],
            (
                np.array(pt_street, dtype=np.int64),
                np.array(pt_lat, dtype=np.float64),
                np.array(pt_lon, dtype=np.float64),
            ),
            addresses,
            places,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable form (coordinates rounded to 1e-7 degrees)."""
        return {
            "format_version": _FORMAT_VERSION,
            "streets": [list(s) for s in self._streets],
            "street_points": {
                "street": self._pt_street.tolist(),
                "lat": np.round(self._pt_lat, 7).tolist(),
                "lon": np.round(self._pt_lon, 7).tolist(),
            },
            "addresses": [
                [s, n, round(lat, 7), round(lon, 7)] for s, n, lat, lon in self._addresses
            ],
            "places": [
                [a, b, c, k, round(lat, 7), round(lon, 7)] for a, b, c, k, lat, lon in self._places
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Gazetteer:
        """Rebuild a gazetteer from :meth:`to_dict` output."""
        if data.get("format_version") != _FORMAT_VERSION:
            raise InvalidInput("unsupported gazetteer format; re-import the city")
        pts = data["street_points"]
        return cls(
            [(str(a), str(b), str(c)) for a, b, c in data["streets"]],
            (
                np.array(pts["street"], dtype=np.int64),
                np.array(pts["lat"], dtype=np.float64),
                np.array(pts["lon"], dtype=np.float64),
            ),
            [(int(s), str(n), float(lat), float(lon)) for s, n, lat, lon in data["addresses"]],
            [
                (str(a), str(b), str(c), str(k), float(lat), float(lon))
                for a, b, c, k, lat, lon in data["places"]
            ],
        )

    @property
    def n_streets(self) -> int:
        """Number of distinct streets."""
        return len(self._streets)

    @property
    def n_places(self) -> int:
        """Number of places."""
        return len(self._places)

    @property
    def n_addresses(self) -> int:
        """Number of addresses."""
        return len(self._addresses)

    # ------------------------------------------------------------------ geocoding

    def _hit(
        self,
        ref: _Name,
        confidence: float,
        number: str | None,
        start: int,
        end: int,
        matched_key: str,
    ) -> GeocodeHit:
        if ref.kind == "place":
            name, zh, en, kind, lat, lon = self._places[ref.index]
            shown = next((n for n in (name, zh, en) if _norm(n) == matched_key), name or zh or en)
            return GeocodeHit(lat, lon, round(confidence, 4), shown, "place", kind, start, end)
        street = self._streets[ref.index]
        shown = next((n for n in street if n and _norm(n) == matched_key), street[0])
        cjk = bool(shown) and _is_cjk(shown[-1])

        def label(num: str) -> str:
            return f"{shown}{num}号" if cjk else f"{shown} {num}"

        mid_lat, mid_lon = self._street_mid[ref.index]
        if number:
            key = _number_key(number)
            found = self._by_number.get((ref.index, key))
            factor = 1.0
            if found is None:
                base = re.match(r"\d+", key)
                if base and base.group() != key:
                    found = self._by_number.get((ref.index, base.group()))
                    factor = 0.9
            if found is not None:
                raw, lat, lon = found
                return GeocodeHit(
                    lat, lon, round(confidence * factor, 4), label(raw), "address", "", start, end
                )
            wanted = _leading_int(key)
            near = self._numbers_on.get(ref.index, [])
            if wanted is not None and near:
                value, raw, lat, lon = min(near, key=lambda item: abs(item[0] - wanted))
                if abs(value - wanted) <= 20:
                    return GeocodeHit(
                        lat, lon, round(confidence * 0.6, 4), label(raw), "address", "", start, end
                    )
            return GeocodeHit(
                mid_lat, mid_lon, round(confidence * 0.5, 4), shown, "street", "", start, end
            )
        return GeocodeHit(mid_lat, mid_lon, round(confidence, 4), shown, "street", "", start, end)

    def _matches(self, norm: str) -> list[tuple[int, int, str]]:
        """All occurrences ``(start, end, key)`` of known names in normalised text."""
        found: list[tuple[int, int, str]] = []
        n = len(norm)
        for length in self._lengths:
            if length > n:
                continue
            for i in range(n - length + 1):
                key = norm[i : i + length]
                if key not in self._names:
                    continue
                if not _is_cjk(key[0]) and i > 0 and norm[i - 1].isalnum():
                    continue
                end = i + length
                if (
                    not _is_cjk(key[-1])
                    and end < n
                    and norm[end].isalnum()
                    and not (norm[end].isdigit() and not key[-1].isdigit())
                ):
                    continue
                min_len = _MIN_CJK_LEN if _is_cjk(key[0]) else _MIN_LATIN_LEN
                if len(key) < min_len and length != n:
                    continue
                found.append((i, end, key))
        return found

    @staticmethod
    def _number_near(norm: str, start: int, end: int) -> tuple[str | None, int, int]:
        """Find a house number right after (or, in Latin order, right before) a name."""
        after = _NUMBER_AFTER.match(norm[end:])
        if after and after.group(1):
            return after.group(1), start, end + after.end()
        before = _NUMBER_BEFORE.search(norm[:start])
        if before:
            return before.group(1), before.start(), end
        return None, start, end

    def _best_ref(self, key: str) -> _Name:
        refs = self._names[key]
        streets = [r for r in refs if r.kind == "street"]
        return streets[0] if streets else refs[0]

    def geocode(self, text: str) -> GeocodeHit | None:
        """Geocode a street address, a street or a place name.

        Parameters
        ----------
        text
            ``"水产路12号"``, ``"Mannerheimintie 5"``, ``"5 Main Street"``, a place
            name, or a short text that contains one.

        Returns
        -------
        GeocodeHit or None
            The best match (longest known name; see the module docstring for the
            confidence), or ``None`` when nothing is close enough.
        """
        norm, origin = normalize(text)
        if not norm:
            return None
        letters = sum(ch.isalpha() for ch in norm) or 1
        matches = self._matches(norm)
        if matches:
            start, end, key = max(matches, key=lambda m: (m[1] - m[0], -m[0]))
            ref = self._best_ref(key)
            number, span_start, span_end = (
                self._number_near(norm, start, end) if ref.kind == "street" else (None, start, end)
            )
            rest = (norm[:span_start] + norm[span_end:]).strip()
            coverage = sum(ch.isalpha() for ch in key) / letters
            confidence = 1.0 if not rest else 0.7 + 0.3 * min(coverage, 1.0)
            return self._hit(
                ref, confidence, number, origin[span_start], origin[span_end - 1] + 1, key
            )
        # Misspelt: compare the text without its house number with every known name.
        number = None
        query = norm
        cn = re.match(rf"^(.*?)\s*(\d+|[{_CN_NUMBER}]+)\s*[号號]\s*$", norm)
        latin_after = re.match(r"^(.*\D)\s+(\d+\s?[a-z]?)$", norm)
        latin_before = re.match(r"^(\d+\s?[a-z]?)\s+(\D.*)$", norm)
        if cn:
            query, number = cn.group(1), cn.group(2)
        elif latin_after:
            query, number = latin_after.group(1), latin_after.group(2)
        elif latin_before:
            number, query = latin_before.group(1), latin_before.group(2)
        close = difflib.get_close_matches(query, self._name_list, n=1, cutoff=_FUZZY_CUTOFF)
        if not close:
            return None
        key = close[0]
        ratio = difflib.SequenceMatcher(None, query, key).ratio()
        ref = self._best_ref(key)
        return self._hit(
            ref, 0.8 * ratio, number if ref.kind == "street" else None, 0, len(text), key
        )

    def find_in_text(self, text: str) -> list[GeocodeHit]:
        """Every known street, address or place named in a free text.

        Matches do not overlap: longer names win over names inside them. Latin names
        must stand as whole words and have at least four letters; Chinese names at
        least two characters. Hits come in text order, with ``start``/``end`` spans
        into ``text``.
        """
        norm, origin = normalize(text)
        if not norm:
            return []
        taken = np.zeros(len(norm), dtype=bool)
        hits: list[GeocodeHit] = []
        for start, end, key in sorted(self._matches(norm), key=lambda m: (m[0] - m[1], m[0])):
            if taken[start:end].any():
                continue
            ref = self._best_ref(key)
            number, span_start, span_end = (
                self._number_near(norm, start, end) if ref.kind == "street" else (None, start, end)
            )
            if taken[span_start:span_end].any():
                number, span_start, span_end = None, start, end
            taken[span_start:span_end] = True
            hits.append(
                self._hit(ref, 1.0, number, origin[span_start], origin[span_end - 1] + 1, key)
            )
        hits.sort(key=lambda h: h.start)
        return hits

    def __call__(self, text: str) -> list[GeocodeHit]:
        """Find places in ``text``, as :meth:`find_in_text` (the gazetteer as a callable)."""
        return self.find_in_text(text)

    def reverse(self, lat: float, lon: float, lang: str | None = None) -> str:
        """``"street, nearest place"`` for a point (either part omitted when unknown).

        Parameters
        ----------
        lat, lon
            The point in degrees.
        lang
            ``"zh"`` or ``"en"`` to prefer ``name:zh`` / ``name:en`` where known.
        """
        parts: list[str] = []
        pick = 1 if lang and lang.lower().startswith("zh") else 2 if lang == "en" else 0
        query = self._xy([lat], [lon])
        if self._street_tree is not None:
            _, k = self._street_tree.query(query[0])
            names = self._streets[int(self._rev_street[int(k)])]
            parts.append(names[pick] or names[0])
        if self._place_tree is not None:
            _, k = self._place_tree.query(query[0])
            place = self._places[int(self._named_places[int(k)])]
            parts.append(str(place[pick] or place[0] or place[1] or place[2]))
        return ", ".join(parts)
