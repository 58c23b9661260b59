"""Places with public coordinates: Missouri's 1,081 Census places and the
cities of the neighbouring states along I-70, I-44, I-55, I-29 and I-35.

Used to normalise the ``city``/``state`` columns and to find places in ad
text.  No Django, no database.

Sources:

* Missouri: every place of the US Census Bureau 2025 Gazetteer (cities,
  towns, villages, CDPs; internal-point coordinates, 2020 population), read
  from ``beacon/core/data/mo_places.csv``, the file the platform's geography
  seed reads (its ``SOURCES.md`` tells where it came from).  The 60 places
  Beacon listed before keep their aliases (``KCMO``, ``STL``, ``CoMo``...)
  and their two-decimal coordinates.
* Neighbouring states: :data:`_NEIGHBOURS` below, the cities on those
  interstates (and the metro areas they reach), with city-centre
  coordinates to two decimals (the Census Gazetteer internal points of those
  places, rounded; a hundredth of a degree is about 1 km).

Place names that are ordinary words, first names or names of better-known
places elsewhere need context in free text (see :func:`accept_place`):
"Independence", "Liberty", "Union" count only after a city cue
(``in``, ``visiting``, ``incall``, ``near``...) or before a state code, and
"Florida", "Mexico", "Paris" (all Missouri places) only before a state code
(``Mexico, MO``).  Ambiguous names (Springfield MO/IL, Kansas City MO/KS)
follow a state code written after the name, else a state named elsewhere in
the ad, else Missouri.
"""

from __future__ import annotations

import csv
import math
import re
from functools import lru_cache
from pathlib import Path

from .lexicon import Lexicon, tokenize
from .models import Place, PlaceMatch

_CORE_PLACES_CSV = Path(__file__).resolve().parent.parent / "core" / "data" / "mo_places.csv"
_DATA = Path(__file__).resolve().parent / "data"

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


# Cities of the neighbouring states on I-70, I-44, I-55, I-29, I-35 (and the
# metro areas at their ends): name, state, lat, lon.
_NEIGHBOURS: tuple[tuple[str, str, float, float], ...] = (
    # Kansas (I-70, I-35, I-135)
    ("Shawnee", "KS", 39.04, -94.72), ("Ottawa", "KS", 38.61, -95.27), ("Manhattan", "KS", 39.19, -96.58),
    ("Abilene", "KS", 38.92, -97.21), ("Hays", "KS", 38.88, -99.32), ("Newton", "KS", 38.05, -97.35),
    ("El Dorado", "KS", 37.82, -96.86), ("Wellington", "KS", 37.27, -97.40),
    # Oklahoma (I-44, I-35)
    ("Miami", "OK", 36.88, -94.88), ("Claremore", "OK", 36.31, -95.61), ("Sapulpa", "OK", 35.99, -96.11),
    ("Stroud", "OK", 35.75, -96.66), ("Edmond", "OK", 35.65, -97.48), ("Norman", "OK", 35.22, -97.44),
    ("Ardmore", "OK", 34.17, -97.13), ("Perry", "OK", 36.29, -97.29), ("Lawton", "OK", 34.61, -98.42),
    ("Guthrie", "OK", 35.88, -97.43),
    # Arkansas (I-55, I-49)
    ("Rogers", "AR", 36.33, -94.12), ("West Memphis", "AR", 35.15, -90.18), ("Blytheville", "AR", 35.93, -89.92),
    ("Osceola", "AR", 35.70, -89.97), ("Jonesboro", "AR", 35.84, -90.70),
    # Tennessee, Kentucky, Mississippi (I-55, I-155, I-24)
    ("Dyersburg", "TN", 36.03, -89.39), ("Paducah", "KY", 37.08, -88.60), ("Jackson", "MS", 32.30, -90.18),
    # Illinois (I-55, I-70, I-64, I-57)
    ("Chicago", "IL", 41.88, -87.63), ("Joliet", "IL", 41.53, -88.08), ("Bloomington", "IL", 40.48, -88.99),
    ("Normal", "IL", 40.51, -88.99), ("Lincoln", "IL", 40.15, -89.36), ("Litchfield", "IL", 39.18, -89.65),
    ("Effingham", "IL", 39.12, -88.55), ("Vandalia", "IL", 38.96, -89.09), ("Mount Vernon", "IL", 38.32, -88.90),
    ("Marion", "IL", 37.73, -88.93), ("Cairo", "IL", 37.01, -89.18), ("Carbondale", "IL", 37.73, -89.22),
    ("O'Fallon", "IL", 38.59, -89.91), ("Granite City", "IL", 38.70, -90.15),
    # Indiana (I-70)
    ("Terre Haute", "IN", 39.47, -87.41), ("Indianapolis", "IN", 39.77, -86.16),
    # Iowa, Nebraska, the Dakotas, Minnesota (I-29, I-35, I-80)
    ("Council Bluffs", "IA", 41.26, -95.86), ("Sioux City", "IA", 42.50, -96.40), ("Ames", "IA", 42.03, -93.62),
    ("Osceola", "IA", 41.03, -93.77), ("Lamoni", "IA", 40.62, -93.93), ("Lincoln", "NE", 40.81, -96.70),
    ("Sioux Falls", "SD", 43.55, -96.73), ("Fargo", "ND", 46.88, -96.79), ("Minneapolis", "MN", 44.98, -93.27),
    # Texas (I-35), Colorado (I-70)
    ("Dallas", "TX", 32.78, -96.80), ("Fort Worth", "TX", 32.76, -97.33), ("Denton", "TX", 33.21, -97.13),
    ("Denver", "CO", 39.74, -104.99),
)  # fmt: skip

# Interstates through Missouri and its neighbours as city sequences (for the
# monitoring map; each city is resolved with normalise_city).
INTERSTATES: dict[str, tuple[tuple[str, str], ...]] = {
    "I-70": (("Salina", "KS"), ("Junction City", "KS"), ("Topeka", "KS"), ("Lawrence", "KS"),
             ("Kansas City", "KS"), ("Kansas City", "MO"), ("Blue Springs", "MO"), ("Oak Grove", "MO"),
             ("Concordia", "MO"), ("Boonville", "MO"), ("Columbia", "MO"), ("Kingdom City", "MO"),
             ("Warrenton", "MO"), ("Wentzville", "MO"), ("St. Charles", "MO"), ("St. Louis", "MO"),
             ("East St. Louis", "IL"), ("Vandalia", "IL"), ("Effingham", "IL"), ("Terre Haute", "IN"),
             ("Indianapolis", "IN")),
    "I-44": (("Lawton", "OK"), ("Oklahoma City", "OK"), ("Stroud", "OK"), ("Sapulpa", "OK"), ("Tulsa", "OK"),
             ("Claremore", "OK"), ("Vinita", "OK"), ("Miami", "OK"), ("Joplin", "MO"), ("Mount Vernon", "MO"),
             ("Springfield", "MO"), ("Marshfield", "MO"), ("Lebanon", "MO"), ("Waynesville", "MO"),
             ("Rolla", "MO"), ("Cuba", "MO"), ("Sullivan", "MO"), ("St. Clair", "MO"), ("Pacific", "MO"),
             ("Eureka", "MO"), ("St. Louis", "MO")),
    "I-55": (("Jackson", "MS"), ("Memphis", "TN"), ("West Memphis", "AR"), ("Osceola", "AR"),
             ("Blytheville", "AR"), ("Hayti", "MO"), ("Sikeston", "MO"), ("Cape Girardeau", "MO"),
             ("Perryville", "MO"), ("Festus", "MO"), ("Arnold", "MO"), ("St. Louis", "MO"),
             ("Litchfield", "IL"), ("Springfield", "IL"), ("Lincoln", "IL"), ("Bloomington", "IL"),
             ("Joliet", "IL"), ("Chicago", "IL")),
    "I-29": (("Kansas City", "MO"), ("Platte City", "MO"), ("St. Joseph", "MO"), ("Mound City", "MO"),
             ("Rock Port", "MO"), ("Council Bluffs", "IA"), ("Sioux City", "IA"), ("Sioux Falls", "SD"),
             ("Fargo", "ND")),
    "I-35": (("Dallas", "TX"), ("Denton", "TX"), ("Ardmore", "OK"), ("Norman", "OK"), ("Oklahoma City", "OK"),
             ("Edmond", "OK"), ("Guthrie", "OK"), ("Perry", "OK"), ("Wellington", "KS"), ("Wichita", "KS"),
             ("Newton", "KS"), ("El Dorado", "KS"), ("Emporia", "KS"), ("Ottawa", "KS"), ("Olathe", "KS"),
             ("Kansas City", "MO"), ("Liberty", "MO"), ("Cameron", "MO"), ("Bethany", "MO"),
             ("Lamoni", "IA"), ("Osceola", "IA"), ("Des Moines", "IA"), ("Ames", "IA"), ("Minneapolis", "MN")),
}  # fmt: skip

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

# Missouri places named after better-known places elsewhere (or a state): only
# with a state code right after them ("Mexico, MO").
_ELSEWHERE = frozenset(
    """florida california louisiana nevada oregon mexico paris cuba houston atlanta denver hollywood
    philadelphia birmingham amsterdam montreal milan vienna alexandria syracuse cairo miami jacksonville
    cleveland buffalo spokane princeton berkeley dover newark memphis lincoln albany madison richmond
    charleston savannah normandy windsor wellington essex warsaw kingston verona salem canton lancaster
    manchester concord troy jackson franklin""".split()
)
# multi-word names that are everyday phrases (other multi-word names, "Grain
# Valley", "Blue Springs", are distinctive enough on their own)
_PHRASE_NAMES = frozenset(
    """country club|town and country|black jack|fair play|twin oaks|high hill|rock hill|green park|cool valley|
    airport drive|summer set|indian point|golden city|big spring|big lake|mill spring|white oak|new market|
    new haven|new london|mountain view|garden city|pleasant valley|pleasant hill|west line|river bend|
    prairie home|grand pass|peaceful village|unity village|country life acres|doe run|lake viking|
    shell knob|indian lake|country club hills|village of four seasons|oak grove|green city|queen city|
    king city|forest city|union star|lock springs|grand falls plaza|chain of rocks""".replace("\n", "").split("|")
)

STATE_NAMES: dict[str, str] = {
    "missouri": "MO", "mo": "MO", "kansas": "KS", "ks": "KS", "oklahoma": "OK",
    "ok": "OK", "arkansas": "AR", "ar": "AR", "illinois": "IL", "il": "IL",
    "nebraska": "NE", "ne": "NE", "iowa": "IA", "ia": "IA", "tennessee": "TN", "tn": "TN",
    "kentucky": "KY", "ky": "KY", "indiana": "IN", "mississippi": "MS", "ms": "MS",
    "texas": "TX", "tx": "TX", "colorado": "CO", "minnesota": "MN", "mn": "MN",
    "south dakota": "SD", "sd": "SD", "north dakota": "ND", "nd": "ND",
}  # fmt: skip
# two-letter codes that are also words: only in capitals after a place name
_WORDY_CODES = frozenset({"in", "ok", "me", "co", "oh", "or", "hi", "ne", "ms", "ar", "mo"})


def _load_words() -> tuple[frozenset[str], frozenset[str]]:
    common = frozenset((_DATA / "common_words.txt").read_text(encoding="utf-8").split())
    names = set()
    with (_DATA / "first_names.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            names.add(row["name"])
    return common, frozenset(names)


COMMON_WORDS, FIRST_NAMES = _load_words()


def _load_census() -> list[tuple[str, str, float, float, int]]:
    with _CORE_PLACES_CSV.open(encoding="utf-8") as f:
        return [
            (r["name"], "MO", round(float(r["lat"]), 4), round(float(r["lon"]), 4), int(r["population_2020"] or 0))
            for r in csv.DictReader(f)
        ]


_CENSUS = _load_census()
_POP: dict[tuple[str, str], int] = {(n, s): pop for n, s, _la, _lo, pop in _CENSUS}

# the places Beacon listed before come first (in their order, with their
# coordinates), then the other Census places, then the neighbours
_entries: list[tuple[str, str, float, float, tuple[str, ...]]] = list(_RAW)
_known = {(n, s) for n, s, *_ in _RAW}
_entries += [(n, s, la, lo, ()) for n, s, la, lo, _pop in _CENSUS if (n, s) not in _known]
_known |= {(n, s) for n, s, *_ in _entries}
_entries += [(n, s, la, lo, ()) for n, s, la, lo in _NEIGHBOURS if (n, s) not in _known]
PLACES: tuple[Place, ...] = tuple(Place(n, s, la, lo) for n, s, la, lo, _ in _entries)

# context each place name needs in free text: 0 none, 1 a city cue before it
# or a state code after it, 2 a state code after it
_NEED: dict[tuple[str, str], int] = {}


def _context_needed(name: str, state: str) -> int:
    low = name.lower()
    if state == "MO" and low in _ELSEWHERE:
        return 2
    words = [w.strip(".'") for w in re.split(r"[\s\-]+", low) if w.strip(".'")]
    ordinary = all(w in COMMON_WORDS or w in FIRST_NAMES for w in words)
    if not ordinary:
        return 0
    if len(words) > 1 and " ".join(words) not in _PHRASE_NAMES:
        return 0
    if name in {"Springfield", "Columbia"}:
        return 0  # written with a capital (cased): the cities ads mean
    return 1


for _n, _s, *_rest in _entries:
    _NEED[(_n, _s)] = _context_needed(_n, _s)


def _key(name: str) -> str:
    s = name.lower().replace("’", "'")
    s = re.sub(r"\bsaint\b", "st", s)
    s = re.sub(r"\bft\b", "fort", s)
    s = re.sub(r"[^a-z0-9]+", "", s)
    return s


_BY_KEY: dict[str, list[Place]] = {}
_ALIASES: list[tuple[str, Place]] = []
for _place, (_n, _s, _la, _lo, _al) in zip(PLACES, _entries, strict=True):
    for _name in (_n, *_al):
        _BY_KEY.setdefault(_key(_name), []).append(_place)
        _ALIASES.append((_name, _place))


_LEX: Lexicon[Place] = Lexicon()
_seen_phrases: set[str] = set()
for _name, _place in _ALIASES:
    # one lexicon entry per written name (its payload: the first place of that
    # name; resolve_place picks among the namesakes)
    if _name.lower() in _seen_phrases:
        continue
    _seen_phrases.add(_name.lower())
    # names that need context get it from resolve_place (in any case:
    # "in liberty"); the others that are words need a capital
    _cased = _name in _CASED and not (_NEED[(_place.name, _place.state)] > 0 and _name == _place.name)
    _LEX.add(_name, _place, cased=_cased)
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
    tokenisation.  A following state code (``Springfield, IL``) is honoured;
    names that are ordinary words need context (:func:`resolve_place`)."""
    if tokens is None:
        tokens = tokenize(text)
    out = []
    for m in _LEX.scan(tokens, lows):
        p = resolve_place(text, m.payload, m.start, m.end)
        if p is not None:
            out.append(PlaceMatch(p, (m.start, m.end), text[m.start : m.end]))
    return out


_STATE_AFTER = re.compile(r"\s*,?\s*(South Dakota|North Dakota|[A-Za-z]{2}|[A-Z][a-z]+)\b")
_CUE_BEFORE = re.compile(
    r"(?:\b(?:visiting|incall|incalls|outcall|outcalls|located|near|around|downtown|visitando|cerca\s+de|"
    r"in|at|from|to|en|de)|[@📍])\W{0,3}$",
    re.IGNORECASE,
)
_CUE_STRONG = re.compile(r"(?:\b(?:visiting|incall|incalls|outcall|outcalls|located|near|downtown|visitando)|[@📍])\W{0,3}$", re.I)
_STATE_ANYWHERE = re.compile(
    r"\b(?:Missouri|Kansas|Oklahoma|Arkansas|Illinois|Iowa|Nebraska|Tennessee|MO|KS|OK|AR|IL|IA|NE|TN)\b"
    r"(?!\s+City)"
)


def state_after(text: str, end: int) -> str:
    """The state code written right after a place name ending at ``end``, or ""."""
    m = _STATE_AFTER.match(text, end)
    if not m:
        return ""
    raw = m.group(1)
    if raw.lower() in _WORDY_CODES and not raw.isupper():
        return ""
    return normalise_state(raw)


def resolve_place(text: str, place: Place, start: int, end: int) -> Place | None:
    """The place a name found at ``text[start:end]`` stands for, or None when
    the name is an ordinary word without the context a place needs.

    Namesakes: a state code after the name wins, then a state named elsewhere
    in the text, then Missouri, then the first listed."""
    st = state_after(text, end)
    cands = _BY_KEY.get(_key(place.name), [place])
    chosen: Place | None = None
    if st:
        chosen = next((p for p in cands if p.state == st), None)
    if chosen is None and len(cands) > 1:
        states = {normalise_state(x) for x in _STATE_ANYWHERE.findall(text[:start] + " " + text[end:])}
        states.discard("MO")
        # a MO place that needs a state code cannot be meant without one
        usable = [p for p in cands if not (_NEED.get((p.name, p.state), 0) == 2 and st != p.state)]
        chosen = next((p for p in usable if p.state in states), None) or next(
            (p for p in usable if p.state == "MO"), None
        ) or (usable[0] if usable else None)
    if chosen is None:
        chosen = cands[0] if len(cands) == 1 else place
    need = _NEED.get((chosen.name, chosen.state), 0)
    if need == 0 or st == chosen.state:
        return chosen
    if need == 2:
        return None
    before = text[max(0, start - 24) : start]
    pop = _POP.get((chosen.name, chosen.state), 10**6)
    cue = _CUE_STRONG if pop < 5000 else _CUE_BEFORE
    return chosen if cue.search(before) else None


def resolve_state(text: str, place: Place, end: int) -> Place:
    """Honour a state code written right after a place name (``Springfield, IL``)."""
    st = state_after(text, end)
    if st and st != place.state:
        alt = normalise_city(place.name, st)
        if alt is not None:
            return alt
    return place


def place_lexicon() -> Lexicon[Place]:
    """The lexicon of place names (for callers that merge lexicons)."""
    return _LEX


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places."""
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))
