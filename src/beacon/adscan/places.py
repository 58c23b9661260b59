"""Missouri (and nearby) places with public coordinates.

Used to normalise the ``city``/``state`` columns and to find places in ad
text.  Coordinates are approximate city centres (public facts, two decimals
is plenty for a map of Missouri).  No Django, no database.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .lexicon import Lexicon, tokenize
from .models import Place, PlaceMatch

# name, state, lat, lon, aliases (ambiguous common words are listed in _CASED)
_RAW: tuple[tuple[str, str, float, float, tuple[str, ...]], ...] = (
    # Missouri: I-70 corridor (Kansas City - St. Louis)
    ("Kansas City", "MO", 39.10, -94.58, ("KCMO", "KC")),
    ("Independence", "MO", 39.09, -94.42, ()),
    ("Lee's Summit", "MO", 38.91, -94.38, ("Lees Summit",)),
    ("Blue Springs", "MO", 39.02, -94.28, ()),
    ("Raytown", "MO", 39.01, -94.46, ()),
    ("Grandview", "MO", 38.89, -94.53, ()),
    ("Gladstone", "MO", 39.20, -94.55, ()),
    ("Liberty", "MO", 39.25, -94.42, ()),
    ("Belton", "MO", 38.81, -94.53, ()),
    ("Harrisonville", "MO", 38.65, -94.35, ()),
    ("Warrensburg", "MO", 38.76, -93.74, ()),
    ("Sedalia", "MO", 38.70, -93.23, ()),
    ("Boonville", "MO", 38.97, -92.74, ()),
    ("Columbia", "MO", 38.95, -92.33, ("CoMo",)),
    ("Kingdom City", "MO", 38.95, -91.94, ()),
    ("Fulton", "MO", 38.85, -91.95, ()),
    ("Jefferson City", "MO", 38.58, -92.17, ("Jeff City", "JC")),
    ("Warrenton", "MO", 38.81, -91.14, ()),
    ("Wentzville", "MO", 38.81, -90.85, ()),
    ("Lake St. Louis", "MO", 38.80, -90.79, ()),
    ("O'Fallon", "MO", 38.81, -90.70, ("OFallon", "O Fallon")),
    ("St. Charles", "MO", 38.79, -90.50, ("Saint Charles", "St Charles", "StCharles")),
    ("St. Peters", "MO", 38.80, -90.63, ("Saint Peters", "St Peters")),
    ("Florissant", "MO", 38.79, -90.32, ()),
    ("Hazelwood", "MO", 38.77, -90.37, ()),
    ("Bridgeton", "MO", 38.77, -90.41, ()),
    ("Maryland Heights", "MO", 38.71, -90.43, ()),
    ("Chesterfield", "MO", 38.66, -90.58, ()),
    ("Creve Coeur", "MO", 38.66, -90.42, ()),
    ("University City", "MO", 38.66, -90.31, ()),
    ("Ballwin", "MO", 38.59, -90.55, ()),
    ("Kirkwood", "MO", 38.58, -90.41, ()),
    ("St. Louis", "MO", 38.63, -90.20, ("Saint Louis", "St Louis", "STL", "StLouis")),
    ("Festus", "MO", 38.22, -90.40, ()),
    ("Farmington", "MO", 37.78, -90.42, ()),
    ("Washington", "MO", 38.56, -91.01, ()),
    # I-44 corridor (St. Louis - Joplin)
    ("Rolla", "MO", 37.95, -91.77, ()),
    ("St. Robert", "MO", 37.83, -92.18, ("Saint Robert", "St Robert")),
    ("Waynesville", "MO", 37.83, -92.20, ()),
    ("Fort Leonard Wood", "MO", 37.74, -92.14, ("Ft Leonard Wood", "Ft. Leonard Wood")),
    ("Lebanon", "MO", 37.68, -92.66, ()),
    ("Springfield", "MO", 37.21, -93.29, ("SGF",)),
    ("Nixa", "MO", 37.04, -93.29, ()),
    ("Ozark", "MO", 37.02, -93.21, ()),
    ("Branson", "MO", 36.64, -93.22, ()),
    ("Carthage", "MO", 37.18, -94.31, ()),
    ("Joplin", "MO", 37.08, -94.51, ()),
    ("Neosho", "MO", 36.87, -94.37, ()),
    # Elsewhere in Missouri
    ("St. Joseph", "MO", 39.77, -94.85, ("Saint Joseph", "St Joseph", "St. Joe", "St Joe")),
    ("Maryville", "MO", 40.35, -94.87, ()),
    ("Chillicothe", "MO", 39.80, -93.55, ()),
    ("Kirksville", "MO", 40.19, -92.58, ()),
    ("Moberly", "MO", 39.42, -92.44, ()),
    ("Hannibal", "MO", 39.71, -91.36, ()),
    ("Osage Beach", "MO", 38.13, -92.65, ("Lake of the Ozarks", "Lake Ozark")),
    ("Camdenton", "MO", 38.01, -92.74, ()),
    ("Cape Girardeau", "MO", 37.31, -89.52, ("Cape Girardeau",)),
    ("Sikeston", "MO", 36.88, -89.59, ()),
    ("Poplar Bluff", "MO", 36.76, -90.39, ()),
    ("West Plains", "MO", 36.73, -91.85, ()),
    # Kansas
    ("Kansas City", "KS", 39.11, -94.63, ("KCK",)),
    ("Overland Park", "KS", 38.98, -94.67, ("OP",)),
    ("Olathe", "KS", 38.88, -94.82, ()),
    ("Lenexa", "KS", 38.95, -94.73, ()),
    ("Lawrence", "KS", 38.97, -95.24, ()),
    ("Topeka", "KS", 39.05, -95.68, ()),
    ("Leavenworth", "KS", 39.31, -94.92, ()),
    ("Junction City", "KS", 39.03, -96.83, ()),
    ("Salina", "KS", 38.84, -97.61, ()),
    ("Emporia", "KS", 38.40, -96.18, ()),
    ("Pittsburg", "KS", 37.41, -94.70, ()),
    ("Wichita", "KS", 37.69, -97.34, ("ICT",)),
    # Oklahoma
    ("Tulsa", "OK", 36.15, -95.99, ()),
    ("Broken Arrow", "OK", 36.05, -95.79, ()),
    ("Vinita", "OK", 36.64, -95.15, ()),
    ("Oklahoma City", "OK", 35.47, -97.52, ("OKC",)),
    # Arkansas
    ("Fayetteville", "AR", 36.06, -94.16, ()),
    ("Springdale", "AR", 36.19, -94.13, ()),
    ("Bentonville", "AR", 36.37, -94.21, ()),
    ("Fort Smith", "AR", 35.39, -94.40, ("Ft Smith", "Ft. Smith")),
    ("Little Rock", "AR", 34.75, -92.29, ()),
    # Illinois (Metro East and Mississippi river towns)
    ("East St. Louis", "IL", 38.62, -90.15, ("East Saint Louis", "East St Louis", "ESL")),
    ("Belleville", "IL", 38.52, -89.98, ()),
    ("Collinsville", "IL", 38.67, -89.98, ()),
    ("Edwardsville", "IL", 38.81, -89.95, ()),
    ("Alton", "IL", 38.89, -90.18, ()),
    ("Quincy", "IL", 39.94, -91.41, ()),
    ("Springfield", "IL", 39.80, -89.65, ()),
    # Beyond
    ("Omaha", "NE", 41.26, -95.93, ()),
    ("Des Moines", "IA", 41.59, -93.62, ()),
    ("Memphis", "TN", 35.15, -90.05, ()),
)

# Names that are also common English words, first names or countries: in free
# text they only count when written with a capital letter, and the short
# upper-case abbreviations only when written in capitals.
_CASED = frozenset(
    {
        "Independence", "Liberty", "Lebanon", "Washington", "Fulton", "Ozark",
        "Carthage", "Lawrence", "Salina", "Belton", "Alton", "Quincy", "Festus",
        "Grandview", "Farmington", "Columbia", "Springfield", "Memphis",
        "KC", "JC", "OP", "ICT", "ESL", "STL", "SGF", "OKC", "KCK", "KCMO", "CoMo",
    }
)  # fmt: skip

STATE_NAMES: dict[str, str] = {
    "missouri": "MO", "mo": "MO", "kansas": "KS", "ks": "KS", "oklahoma": "OK",
    "ok": "OK", "arkansas": "AR", "ar": "AR", "illinois": "IL", "il": "IL",
    "nebraska": "NE", "ne": "NE", "iowa": "IA", "ia": "IA", "tennessee": "TN", "tn": "TN",
}  # fmt: skip

PLACES: tuple[Place, ...] = tuple(Place(n, s, la, lo) for n, s, la, lo, _ in _RAW)


def _key(name: str) -> str:
    s = name.lower().replace("’", "'")
    s = re.sub(r"\bsaint\b", "st", s)
    s = re.sub(r"\bft\b", "fort", s)
    s = re.sub(r"[^a-z0-9]+", "", s)
    return s


_BY_KEY: dict[str, list[Place]] = {}
_ALIASES: list[tuple[str, Place]] = []
for _place, (_n, _s, _la, _lo, _al) in zip(PLACES, _RAW, strict=True):
    for _name in (_n, *_al):
        _BY_KEY.setdefault(_key(_name), []).append(_place)
        _ALIASES.append((_name, _place))


_LEX: Lexicon[Place] = Lexicon()
for _name, _place in _ALIASES:
    _LEX.add(_name, _place, cased=_name in _CASED)
    if re.match(r"(?i)^st\.? ", _name):
        _LEX.add("Saint " + _name.split(" ", 1)[1], _place, cased=_name in _CASED)


def normalise_state(state: str | None) -> str:
    """Map ``"Missouri"``, ``"mo"``... to a two-letter code ("" if unknown)."""
    if not state:
        return ""
    s = state.strip().lower().rstrip(".")
    if s in STATE_NAMES:
        return STATE_NAMES[s]
    return s.upper() if len(s) == 2 and s.isalpha() else ""


@lru_cache(maxsize=4096)
def normalise_city(city: str | None, state: str | None = None) -> Place | None:
    """Resolve a free-text city (and optional state) to a known :class:`Place`.

    Ambiguous names (Springfield, Kansas City) prefer the given state and
    otherwise Missouri.  Returns ``None`` for unknown places.
    """
    if not city:
        return None
    cands = _BY_KEY.get(_key(city))
    if not cands:
        # "Kansas City, MO" in the city column
        m = re.match(r"^(.*?)[,\s]+([A-Za-z]{2}|[A-Za-z]+)$", city.strip())
        if m and normalise_state(m.group(2)) and _key(m.group(1)) in _BY_KEY:
            return normalise_city(m.group(1), m.group(2))
        return None
    st = normalise_state(state)
    for p in cands:
        if p.state == st:
            return p
    for p in cands:
        if p.state == "MO":
            return p
    return cands[0]


def find_places(
    text: str, tokens: list[tuple[str, int, int]] | None = None, lows: list[str] | None = None
) -> list[PlaceMatch]:
    """Known places mentioned in ``text`` with their spans, in text order.

    Pass ``tokens`` (from :func:`beacon.adscan.lexicon.tokenize`) to reuse a
    tokenisation.  A following state code (``Springfield, IL``) is honoured.
    """
    if tokens is None:
        tokens = tokenize(text)
    return [
        PlaceMatch(resolve_state(text, m.payload, m.end), (m.start, m.end), text[m.start : m.end])
        for m in _LEX.scan(tokens, lows)
    ]


def resolve_state(text: str, place: Place, end: int) -> Place:
    """Honour a state code written right after a place name (``Springfield, IL``)."""
    st = _STATE_AFTER.match(text, end)
    if st and normalise_state(st.group(1)) and normalise_state(st.group(1)) != place.state:
        alt = normalise_city(place.name, st.group(1))
        if alt is not None:
            return alt
    return place


def place_lexicon() -> Lexicon[Place]:
    """The lexicon of place names (for callers that merge lexicons)."""
    return _LEX


_STATE_AFTER = re.compile(r"\s*,?\s*([A-Z]{2})\b")


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places."""
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))
