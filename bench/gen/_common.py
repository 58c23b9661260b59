"""Shared pieces of the evaluation generators (A grammar, B behaviour, C mutation).

Written independently of the extractor: nothing here imports
``beacon.adscan`` (no lexicon, no indicator lists, no place list).  Places
come from the 2020 Census list of Missouri places (``data/mo_places.csv``,
name and population) plus interstate cities of the neighbouring states.

Every generator returns a :class:`Generated`: the ad records (the input
columns of ``beacon ads scan``, no labels) and, separately, ``labels``
(ad id -> ground-truth group) and ``kinds`` (group -> ``op``, ``agent`` or
``oneoff``).  Aggregator reposts carry the label of the original.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import phonenumbers

START = datetime(2025, 6, 1, tzinfo=UTC)

_DATA = Path(__file__).resolve().parent / "data"


def _load_places() -> tuple[list[str], list[int]]:
    names: list[str] = []
    weights: list[int] = []
    with (_DATA / "mo_places.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            names.append(row["name"])
            weights.append(max(1, int(row["population_2020"] or 1)))
    return names, weights


MO_PLACES, MO_WEIGHTS = _load_places()
# interstate cities of the neighbouring states (I-70, I-44, I-35, I-29, I-55, I-57, I-64, I-49)
NEIGHBOR_CITIES = [
    ("Kansas City", "KS"), ("Topeka", "KS"), ("Lawrence", "KS"), ("Salina", "KS"), ("Olathe", "KS"),
    ("Wichita", "KS"), ("Emporia", "KS"), ("Tulsa", "OK"), ("Oklahoma City", "OK"), ("Miami", "OK"),
    ("Vinita", "OK"), ("Fayetteville", "AR"), ("Bentonville", "AR"), ("Rogers", "AR"),
    ("Fort Smith", "AR"), ("West Memphis", "AR"), ("Blytheville", "AR"), ("Memphis", "TN"),
    ("Dyersburg", "TN"), ("Paducah", "KY"), ("Cairo", "IL"), ("Marion", "IL"), ("Mount Vernon", "IL"),
    ("Effingham", "IL"), ("Collinsville", "IL"), ("East St. Louis", "IL"), ("Edwardsville", "IL"),
    ("Springfield", "IL"), ("Quincy", "IL"), ("Des Moines", "IA"), ("Council Bluffs", "IA"),
    ("Omaha", "NE"), ("Lincoln", "NE"),
]  # fmt: skip
I70 = ["Kansas City", "Independence", "Blue Springs", "Oak Grove", "Odessa", "Concordia", "Higginsville",
       "Sedalia", "Boonville", "Columbia", "Kingdom City", "Fulton", "Jefferson City", "Warrenton",
       "Wentzville", "O'Fallon", "St. Charles", "St. Peters", "St. Louis"]  # fmt: skip
I44 = ["St. Louis", "Kirkwood", "Eureka", "Pacific", "St. Clair", "Sullivan", "Cuba", "Rolla",
       "St. Robert", "Waynesville", "Lebanon", "Marshfield", "Springfield", "Mount Vernon", "Carthage",
       "Joplin"]  # fmt: skip
AREA_CODES = ["314", "417", "573", "636", "660", "816", "975", "557", "913", "785", "316", "620",
              "918", "479", "501", "618", "217", "901", "515", "402", "270"]  # fmt: skip


def city(rng: random.Random, neighbor_share: float = 0.15) -> tuple[str, str]:
    """A city weighted by population, sometimes across the state line."""
    if rng.random() < neighbor_share:
        return rng.choice(NEIGHBOR_CITIES)
    return rng.choices(MO_PLACES, MO_WEIGHTS)[0], "MO"


def new_phone(rng: random.Random) -> str:
    """A valid 10-digit US number (checked with phonenumbers, not the extractor)."""
    while True:
        d = (
            rng.choice(AREA_CODES)
            + str(rng.randint(2, 9))
            + f"{rng.randint(0, 99):02d}"
            + f"{rng.randint(0, 9999):04d}"
        )
        if d[3:6] == "555" or d[4:6] == "11":
            continue
        if phonenumbers.is_valid_number(phonenumbers.parse(d, "US")):
            return d


_EN = "zero one two three four five six seven eight nine".split()
_ES = "cero uno dos tres cuatro cinco seis siete ocho nueve".split()
_LOOK = {"0": "O", "1": "l", "5": "S", "8": "B", "2": "Z", "3": "E"}
_KEYCAP = {str(i): f"{i}\ufe0f\u20e3" for i in range(10)}


def render_phone(d: str, rng: random.Random, obfuscate: float) -> str:
    """Write ``d`` in a plain format, or (with probability ``obfuscate``) an
    obfuscated one: number words (English or Spanish, or both mixed into one
    word), look-alike letters (O, l, S, B, E, Z), keycap emoji, spaced digits,
    words for a single group, dots spelled out, slashes."""
    a, b, c = d[:3], d[3:6], d[6:]
    if rng.random() >= obfuscate:
        return rng.choice([f"{a}-{b}-{c}", f"({a}) {b}-{c}", f"{a}.{b}.{c}", d, f"+1 {a} {b} {c}",
                           f"1-{a}-{b}-{c}", f"{a} {b} {c}", f"({a}){b}.{c}", f"{a}/{b}-{c}",
                           f"{a}/{b}/{c}"])  # fmt: skip
    style = rng.randrange(11)
    if style == 0:
        return " ".join(_EN[int(x)] for x in d)
    if style == 1:
        return " ".join(_ES[int(x)] for x in d)
    if style == 2:
        return "".join(_LOOK.get(x, x) if rng.random() < 0.6 else x for x in f"{a}-{b}-{c}")
    if style == 3:
        return "".join(_KEYCAP[x] for x in d)
    if style == 4:
        return " ".join(d)
    if style == 5:
        return f"{a} {' '.join(_EN[int(x)] for x in b)} {c}"
    if style == 6:
        return f"{a} dot {b} dot {c}"
    if style == 7:  # "ocho1six": a group as one word of digits, Spanish and English words
        return " ".join("".join(rng.choice([x, _EN[int(x)], _ES[int(x)]]) for x in g) for g in (a, b, c))
    if style == 8:  # Spanish words for one group, digits for the rest
        return f"{' '.join(_ES[int(x)] for x in a)} {b} {c}"
    if style == 9:
        return f"{a} / {b} / {c}"
    return f"{a}*{b}*{c}"


# photo hash -> the photo it was made from (for the evaluation of image matching)
PHOTO_OF: dict[str, str] = {}


def phash(rng: random.Random) -> str:
    h = f"{rng.getrandbits(64):016x}"
    PHOTO_OF[h] = h
    return h


def reencode(h: str, rng: random.Random, max_bits: int = 6) -> str:
    """A re-encoded/re-cropped copy of a photo hash: a few bits flipped (1 to
    ``max_bits``; one copy in ten is a heavy crop of 7-10 bits, which a
    matcher with k = 6 is expected to miss)."""
    v = int(h, 16)
    flips = rng.randint(7, 10) if rng.random() < 0.1 else rng.randint(1, max_bits)
    for bit in rng.sample(range(64), flips):
        v ^= 1 << bit
    out = f"{v:016x}"
    PHOTO_OF[out] = PHOTO_OF.get(h, h)
    return out


def place_text(rng: random.Random, place: tuple[str, str]) -> str:
    """A city as ads write it: the name, sometimes with its state (always
    for the Missouri places named like better-known ones elsewhere)."""
    name, state = place
    r = rng.random()
    if state != "MO":
        return rng.choice([f"{name} {state}", f"{name}, {state}", name]) if r < 0.9 else name.lower()
    if r < 0.15:
        return f"{name}, MO"
    if r < 0.25:
        return name.lower()
    return name


# stock lines that unrelated posters copy from one another
BOILERPLATE = [
    "no blocked calls", "incall and outcall", "no law enforcement", "serious inquiries only",
    "text first please", "no explicit talk on the phone", "real photos 100%", "donations are for time only",
    "safe and discreet", "please be respectful", "independent and drama free", "upscale gentlemen only",
    "screening required for new friends", "available 24/7", "no rushed sessions",
]  # fmt: skip
FOOTERS = [
    "If you or someone you know is being forced, call the National Human Trafficking Hotline 1-888-373-7888.",
    "Posted via ClassyListings. Report abuse: 1-800-843-5678.",
    "All advertisers are 18+. Tips: 1 (888) 373-7888 or text 233733.",
]
FIRST_NAMES = """ashley brittany crystal destiny ebony faith gina heather jasmine kayla lexus mercedes nadia
paris queenie rihanna sierra tiffany unique valerie whitney xena yasmin zara amber bianca chanel
dominique esperanza fernanda gabriela isabella juanita karina lucia marisol natalia paloma rosario
selena valentina yesenia cinnamon sugar honey mocha caramel kitty bunny angel precious diamond""".split()
# the footers' numbers as written (case quirks and word swaps elsewhere in a footer leave them alone)
FOOTER_PHONES = {"1-888-373-7888": ["8883737888"], "1-800-843-5678": ["8008435678"], "1 (888) 373-7888": ["8883737888"]}
SITES = ["skipthe.example", "listcrawl.example", "eros.example", "bedpage.example", "megapersonals.example",
         "adultsearch.example", "5escorts.example"]  # fmt: skip
AGGREGATORS = ["escortaggregator.example", "adreposter.example", "cityxguide-mirror.example"]


def name_phrase(rng: random.Random, name: str) -> str:
    """A name written the many ways ads write it (lower-case, no "I'm")."""
    style = rng.randrange(7)
    if style == 0:
        return name
    if style == 1:
        return f"{name} here"
    if style == 2:
        return f"its {name}"
    if style == 3:
        return name.upper()
    if style == 4:
        return f"ask 4 {name}"
    if style == 5:
        return f"xoxo {name.capitalize()}"
    return f"{name.capitalize()}!!"


@dataclass
class Generated:
    records: list[dict[str, Any]]
    labels: dict[str, str]
    kinds: dict[str, str]
    params: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    """Per ad: what its title/body really contain, ``phones`` (10 digits),
    ``places`` ([city, state]) and ``names`` (capitalised), for measuring extraction."""
    photos: dict[str, str] = field(default_factory=dict)
    """Photo hash -> the photo it was made from."""

    def group_sizes(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for g in self.labels.values():
            out[g] = out.get(g, 0) + 1
        return out


class Builder:
    """Collects records, labels and aggregator reposts for one corpus."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.records: list[dict[str, Any]] = []
        self.labels: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self._uid = 0
        self.fields: dict[str, dict[str, list[Any]]] = {}
        self._pending: list[tuple[str, Any, str]] = []  # (field, value, as written)
        self._written: dict[str, list[tuple[str, Any, str]]] = {}

    def phone(self, d: str, obfuscate: float) -> str:
        """``render_phone`` that remembers the number for the ad being written."""
        s = render_phone(d, self.rng, obfuscate)
        self._pending.append(("phones", d, s))
        return s

    def place(self, place: tuple[str, str]) -> str:
        """``place_text`` that remembers the place for the ad being written."""
        s = place_text(self.rng, place)
        self._pending.append(("places", [place[0], place[1]], s))
        return s

    def name(self, name: str, written: str) -> str:
        """Remember that ``written`` (in the ad being written) names ``name``."""
        self._pending.append(("names", name.capitalize(), written))
        return written

    def add(self, label: str, kind: str, *, title: str, body: str, when: datetime, place: tuple[str, str],
            images: list[str], site: str | None = None, phone: str = "", age: str = "") -> dict[str, Any]:  # fmt: skip
        self._uid += 1
        rid = f"x{self.rng.getrandbits(40):010x}{self._uid:06d}"
        site = site or self.rng.choice(SITES)
        rec = {
            "id": rid, "posted_at": when.isoformat(), "site": site, "url": f"https://{site}/{rid}",
            "title": title, "body": body, "city": place[0] if self.rng.random() < 0.75 else "",
            "state": place[1], "phone": phone, "age": age, "images": images,
        }  # fmt: skip
        self.records.append(rec)
        text = " ".join(f"{title} {body}".lower().split())
        got: dict[str, list[Any]] = {"phones": [], "places": [], "names": []}
        kept = []
        for fld, value, written in self._pending:
            if " ".join(written.lower().split()) in text:
                kept.append((fld, value, written))
                if value not in got[fld]:
                    got[fld].append(value)
        self._pending = []
        self._written[rid] = kept
        for footer, nums in FOOTER_PHONES.items():  # a site footer's hotline is a phone in the text too
            if footer.lower() in text:
                got["phones"].extend(x for x in nums if x not in got["phones"])
        self.fields[rid] = got
        self.labels[rid] = label
        self.kinds.setdefault(label, kind)
        return rec

    def repost(self, rec: dict[str, Any]) -> dict[str, Any]:
        """An aggregator's copy: same ad, other site/id/time, maybe trimmed, re-encoded photos."""
        rng = self.rng
        body = str(rec["body"])
        if rng.random() < 0.4:
            body = body[: max(40, int(len(body) * rng.uniform(0.6, 0.95)))] + "..."
        when = datetime.fromisoformat(str(rec["posted_at"])) + timedelta(hours=rng.uniform(1, 96))
        imgs = [reencode(h, rng) for h in rec["images"]]
        site = rng.choice(AGGREGATORS)
        self._pending = list(self._written.get(str(rec["id"]), []))
        return self.add(self.labels[str(rec["id"])], self.kinds[self.labels[str(rec["id"])]],
                        title=str(rec["title"]), body=body, when=when, site=site,
                        place=(str(rec["city"]), str(rec["state"])), images=imgs, phone=str(rec["phone"]))  # fmt: skip

    def done(self, params: dict[str, Any]) -> Generated:
        order = list(range(len(self.records)))
        self.rng.shuffle(order)
        recs = [self.records[i] for i in order]
        fields = {str(r["id"]): self.fields[str(r["id"])] for r in recs}
        photos = {h: PHOTO_OF.get(h, h) for r in recs for h in r["images"]}
        return Generated(recs, self.labels, self.kinds, dict(params), fields, photos)


def operations(rng: random.Random, n: int, params: dict[str, float]) -> Iterator[tuple[str, str, int, bool]]:
    """The planted groups of a corpus of ``n`` ads, drawn in one order for every generator:
    (label, kind, size, is a booking agent).  The ``one_off`` share of ``n`` is left to one-off posters.
    The first group has the setting's largest size ``op_max`` (as far as the corpus holds it), so that
    a setting's ``op_max`` is the size of an operation really written, not only a bound."""
    sizes = op_sizes(rng, n - int(n * params["one_off"]), 2, int(params["op_max"]), largest_first=True)
    for k, size in enumerate(sizes):
        agent = rng.random() < params["agent_share"]
        yield (f"agent-{k}", "agent", size, True) if agent else (f"op-{k}", "op", size, False)


def op_sizes(rng: random.Random, n_op_ads: int, lo: int, hi: int, largest_first: bool = False) -> list[int]:
    """Operation sizes, log-uniform in [lo, hi], summing to about ``n_op_ads``
    (every size stays within [lo, hi]).  ``largest_first``: the first size is ``hi``
    itself (or ``n_op_ads`` when that is smaller)."""
    sizes: list[int] = []
    left = n_op_ads
    if largest_first and min(hi, left) >= lo:
        sizes.append(min(hi, left))
        left -= sizes[0]
    while left >= lo:
        s = int(round(lo * (hi / lo) ** rng.random())) if hi > lo else lo
        s = min(s, left)
        sizes.append(s)
        left -= s
    return sizes


def write_corpus(g: Generated, out: Path) -> tuple[Path, Path]:
    """``ads.jsonl`` (records only) and ``truth.json`` (labels, kinds, params)."""
    out.mkdir(parents=True, exist_ok=True)
    ads, truth = out / "ads.jsonl", out / "truth.json"
    with ads.open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in g.records)
    truth.write_text(json.dumps({"labels": g.labels, "kinds": g.kinds, "params": g.params, "fields": g.fields,
                                 "photos": g.photos}))
    return ads, truth
