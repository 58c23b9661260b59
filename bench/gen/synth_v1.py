"""Synthetic ad corpora with planted operations and ground truth (the "old corpus").

Dev/benchmark only: not part of the installed package, so the clusterer cannot
lean on it.  Used by ``bench/adscan.py``, ``bench/adscan_eval.py`` and the tests.
Write a demo corpus with::

    PYTHONPATH=src .venv/bin/python bench/gen/synth_v1.py --n 2000 --seed 7 --out var/synth

(``ads.jsonl`` plus ``truth.json``, labels kept out of the ad records).  Operations post
templated ads with slot variation, rotating and obfuscated phones, shared
images and movement between Missouri cities over days; benign posters write
independent ads (a few repost 2-3 times).  Realistic noise: a hotline in a
site footer, a shared "booking service" number and a placeholder image used
by many unrelated benign ads (they must not glue operations together).
Everything is deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from beacon.adscan.extract import _validate
from beacon.adscan.places import PLACES

__all__ = ["Corpus", "generate"]

_CORRIDOR = [
    p
    for p in PLACES
    if p.name
    in {
        "Kansas City", "Independence", "Lee's Summit", "Blue Springs", "Sedalia", "Columbia",
        "Kingdom City", "Jefferson City", "Warrenton", "Wentzville", "O'Fallon", "St. Charles",
        "St. Louis", "Rolla", "St. Robert", "Lebanon", "Springfield", "Joplin", "Branson",
        "St. Joseph", "Kirksville", "Cape Girardeau", "Tulsa", "Wichita", "Overland Park",
    }
]  # fmt: skip
_AREA = ["314", "417", "573", "636", "660", "816", "913", "316", "918", "620", "785"]
_NAMES = """Candy Mia Lola Destiny Jasmine Bella Aaliyah Nikki Roxy Star Honey Kiki Luna Ruby Skye Amber
Diamond Crystal Paris Brooke Ivy Jade Layla Maya Nova Raven Sasha Tiana Violet Zoe Angel Bambi Cherry
Coco Daisy Ebony Faith Gigi Heaven Harley Jenna Kira Lexi Mimi Nina Peaches Rosa Sugar Trinity""".split()
_W = {
    "hello": ["Hey", "Hi", "Hello", "Hola", "Good evening", "Hey there", "Hi guys", "Welcome"],
    "who": ["gentlemen", "fellas", "handsome", "boys", "guys", "sweetie", "honey", "babe", "daddy"],
    "adj": ["sweet", "sexy", "fun", "bubbly", "gorgeous", "stunning", "curvy", "slim", "sassy", "classy",
            "charming", "playful", "naughty", "friendly", "lovely", "exotic", "thick", "tall", "busty"],
    "noun": ["treat", "angel", "girl", "doll", "sweetheart", "kitten", "bombshell", "beauty", "goddess",
             "princess", "companion", "vixen", "honey", "cutie"],
    "verb": ["relax", "unwind", "have fun", "escape", "enjoy yourself", "let go", "spoil yourself",
             "treat yourself", "forget your stress", "make memories", "feel amazing", "come play"],
    "place": ["my place", "a private suite", "a clean hotel", "my apartment", "a quiet room",
              "an upscale hotel", "my cozy spot", "a safe location"],
    "time": ["tonight", "all night", "this weekend", "right now", "today", "late nights", "any time",
             "early mornings", "after work", "during lunch"],
    "extra": ["no rush", "real pics", "100% real", "discreet", "upscale", "no games", "no drama",
              "satisfaction guaranteed", "verified", "reviews available", "new pics", "text only",
              "no blocked calls", "no police", "serious only", "screening required", "deposit required"],
    "youth": ["young", "petite", "barely legal", "fresh face", "new to this", "tiny", "college girl",
              "babyface", "innocent"],
    "eth": ["Latina", "Asian", "Ebony", "exotic", "Thai", "Colombian", "Puerto Rican", "Caucasian",
            "Brazilian", "mixed", "Korean"],
    "move": ["New in town", "Just arrived", "Visiting", "Leaving soon", "Limited time only",
             "Last night in town", "Only here for the weekend", "Passing through"],
    "emoji": ["💋", "🌹", "🔥", "💦", "😘", "🍑", "✨", "💕", "🍒", "👅", "🥰", ""],
}  # fmt: skip
_SENTENCE_SHAPES = [
    "{hello} {who}, I'm {name}, your {adj} {noun}.",
    "{hello} {who}! {name} here, a {adj} {noun} ready to {verb}.",
    "Come {verb} with a {adj} {noun} at {place} {time}.",
    "I am {adj} and {adj2}, the perfect {noun} to help you {verb}.",
    "Available {time} at {place}, {extra}.",
    "{extra}, {extra2} and always {adj}.",
    "Let me help you {verb} {time} {emoji}",
    "You will love my {adj} smile and {adj2} personality.",
    "Incall at {place} or outcall to your hotel {time}.",
    "Looking for a {adj} {noun} to {verb}? Call me {time}.",
    "{name} is a {adj} {noun} who loves to {verb}.",
    "Ask for {name} when you call, {extra}.",
    "I'm {age} years old, {adj} and {adj2}.",
    "Rates: ${price} hh, ${price2} hr, {extra}.",
    "{price} roses for a quick visit, {price2} for the hour.",
    "Text {phone} {time} {emoji}",
    "Call or text {phone}, {extra}.",
    "Hit me up at {phone} {emoji}",
    "In {city} {time}, {extra}.",
    "Located near {city}, easy parking at {place}.",
]
_YOUTH_SHAPES = ["{youth} and {adj}, just turned {age}.", "So {youth} {emoji}, {youth2} too."]
_ETH_SHAPES = ["{eth} {noun}, {adj} and {adj2}.", "Sexy {eth} {noun} {emoji}"]
_THIRD_SHAPES = [
    "She is {adj} and {adj2}, ask for her {time}.",
    "We have new girls {time}, our girls are {adj}.",
]
_MOVE_SHAPES = ["{move} in {city}!", "{move} {emoji} {city} {time}"]
_TITLE_SHAPES = [
    "{adj} {noun} in {city} {emoji}", "{name} - {adj} {noun} {emoji}", "{move} {city} {emoji}",
    "{adj} {eth} {noun} {time}", "{youth} {noun} available {time}", "{name} {age} {city}",
]  # fmt: skip
_HOTLINE_FOOTER = "Report trafficking: 1-888-373-7888."
_BOOKING_FOOTER = "Booked via {service}: {phone}."
_PLACEHOLDER_IMG = "0000000000000000"


def _phone(rng: random.Random) -> str:
    while True:
        d = (
            rng.choice(_AREA)
            + str(rng.randint(2, 9))
            + f"{rng.randint(0, 99):02d}"
            + f"{rng.randint(0, 9999):04d}"
        )
        if d[3:6] in {"555", "211", "311", "411", "511", "611", "711", "811", "911"}:
            continue
        if _validate(d, False, "US"):
            return d


_NUMWORD = "zero one two three four five six seven eight nine".split()
_FULLWIDTH = "０１２３４５６７８９"


def render_phone(d: str, style: str, rng: random.Random) -> str:
    """Write a 10-digit number in one of the plain or obfuscated styles."""
    a, b, c = d[:3], d[3:6], d[6:]
    if style == "dash":
        return f"{a}-{b}-{c}"
    if style == "paren":
        return f"({a}) {b}-{c}"
    if style == "dot":
        return f"{a}.{b}.{c}"
    if style == "plain":
        return d
    if style == "plus":
        return f"+1 {a} {b} {c}"
    if style == "words":
        return " ".join(_NUMWORD[int(x)] for x in d)
    if style == "mixed":
        return "".join(_NUMWORD[int(x)] if i % 3 == 1 else x for i, x in enumerate(d))
    if style == "lookalike":
        return f"{a}-{b}-{c}".replace("0", "o").replace("1", "l")
    if style == "emoji":
        e = rng.choice(["💋", "🌹", "🔥", "✨"])
        return e.join(d[:3]) + " " + e.join(d[3:6]) + " " + e.join(d[6:])
    if style == "fullwidth":
        return "".join(_FULLWIDTH[int(x)] for x in d[:3]) + "-" + b + "-" + c
    if style == "spaced":
        return " ".join(d)
    raise ValueError(style)


PLAIN_STYLES = ["dash", "paren", "dot", "plain", "plus"]
OBFUSCATED_STYLES = ["words", "mixed", "lookalike", "emoji", "fullwidth", "spaced"]


@dataclass(slots=True)
class Corpus:
    records: list[dict[str, Any]]
    truth: dict[str, str]
    """ad id -> ground-truth group (``op-N`` planted operation, ``poster-N``
    benign reposter, or ``solo-N`` for a one-off benign ad)."""
    planted: set[str]
    """Group labels of planted (trafficking-like) operations."""


def _fill(shape: str, rng: random.Random, slots: dict[str, str]) -> str:
    def pick(key: str) -> str:
        if key in slots:
            return slots[key]
        base = key.rstrip("2")
        if base in _W:
            return rng.choice(_W[base])
        return slots.get(base, "")

    out = []
    i = 0
    while i < len(shape):
        j = shape.find("{", i)
        if j < 0:
            out.append(shape[i:])
            break
        out.append(shape[i:j])
        k = shape.index("}", j)
        out.append(pick(shape[j + 1 : k]))
        i = k + 1
    return "".join(out)


def _template(rng: random.Random, risky: bool) -> tuple[list[str], str, dict[str, str]]:
    """Sentence shapes with *fixed* word choices (the template), plus title."""
    n = rng.randint(6, 9)
    shapes = rng.sample(_SENTENCE_SHAPES, n)
    if not any("{phone}" in s for s in shapes):
        shapes.append(rng.choice(["Text {phone} {time} {emoji}", "Call or text {phone}, {extra}."]))
    if risky:
        if rng.random() < 0.7:
            shapes.insert(rng.randint(0, len(shapes)), rng.choice(_YOUTH_SHAPES))
        if rng.random() < 0.6:
            shapes.insert(rng.randint(0, len(shapes)), rng.choice(_ETH_SHAPES))
        if rng.random() < 0.4:
            shapes.insert(rng.randint(0, len(shapes)), rng.choice(_THIRD_SHAPES))
    elif rng.random() < 0.5:
        shapes.insert(0, rng.choice(_MOVE_SHAPES))
    # freeze the generic words so every ad of the template shares them
    fixed = {k: rng.choice(v) for k, v in _W.items() if k not in {"emoji"}}
    fixed.update({k + "2": rng.choice(v) for k, v in _W.items() if k not in {"emoji"}})
    return shapes, rng.choice(_TITLE_SHAPES), fixed


def generate(
    n: int = 10_000,
    seed: int = 7,
    op_fraction: float = 0.45,
    reposter_fraction: float = 0.05,
    start: datetime | None = None,
) -> Corpus:
    """Generate about ``n`` ads (exactly ``n``)."""
    rng = random.Random(seed)
    start = start or datetime(2025, 3, 1, tzinfo=UTC)
    records: list[dict[str, Any]] = []
    truth: dict[str, str] = {}
    planted: set[str] = set()
    booking = [(_phone(rng), s) for s in ("EliteBookings", "VIP Line", "Concierge")]
    n_ops_ads = int(n * op_fraction)
    op = 0
    uid = 0

    def new_id() -> str:
        nonlocal uid
        uid += 1
        return f"ad{uid:08d}"

    # planted operations
    while len(records) < n_ops_ads:
        op += 1
        label = f"op-{op}"
        planted.add(label)
        size = min(n_ops_ads - len(records), max(3, int(2 + rng.paretovariate(1.2) * 4)), 400)
        if size <= 0:
            break
        n_templates = rng.choice([1, 1, 1, 2, 2, 3])
        templates = [_template(rng, True) for _ in range(n_templates)]
        phones = [_phone(rng) for _ in range(rng.choice([1, 1, 2, 3, 4]))]
        names = rng.sample(_NAMES, rng.choice([1, 1, 2, 3, 4, 5]))
        ages = [str(rng.randint(18, 24)) for _ in names]
        images = [f"{rng.getrandbits(64):016x}" for _ in range(rng.randint(2, 8))]
        route = rng.sample(_CORRIDOR, rng.randint(1, 5))
        t = start + timedelta(days=rng.uniform(0, 300))
        obf_rate = rng.choice([0.2, 0.5, 0.8])
        site = rng.choice(["siteA", "siteB", "siteC"])
        for k in range(size):
            shapes, title_shape, fixed = templates[k % n_templates]
            city = route[min(len(route) - 1, int(k * len(route) / size))]
            who = rng.randrange(len(names))
            d = rng.choice(phones)
            style = rng.choice(OBFUSCATED_STYLES if rng.random() < obf_rate else PLAIN_STYLES)
            slots = dict(fixed)
            slots.update(
                name=names[who],
                age=ages[who],
                city=city.name,
                phone=render_phone(d, style, rng),
                price=str(rng.choice([80, 100, 120, 150])),
                price2=str(rng.choice([180, 200, 250, 300])),
            )
            ss = list(shapes)
            if rng.random() < 0.3 and len(ss) > 5:
                ss.pop(rng.randrange(len(ss)))
            if rng.random() < 0.2:
                i = rng.randrange(len(ss) - 1)
                ss[i], ss[i + 1] = ss[i + 1], ss[i]
            body = " ".join(_fill(s, rng, {**slots, "emoji": rng.choice(_W["emoji"])}) for s in ss)
            t += timedelta(hours=rng.uniform(2, 30))
            rid = new_id()
            truth[rid] = label
            records.append(
                {
                    "id": rid,
                    "posted_at": t.isoformat(),
                    "site": site,
                    "url": f"https://{site}.example/ads/{rid}",
                    "title": _fill(title_shape, rng, {**slots, "emoji": rng.choice(_W["emoji"])}),
                    "body": body,
                    "city": city.name if rng.random() < 0.7 else "",
                    "state": city.state,
                    "phone": render_phone(d, "dash", rng) if rng.random() < 0.3 else "",
                    "age": slots["age"] if rng.random() < 0.5 else "",
                    "images": rng.sample(images, min(len(images), rng.randint(1, 3))),
                }
            )
    # benign posters
    poster = 0
    while len(records) < n:
        poster += 1
        reps = rng.choice([2, 2, 3]) if rng.random() < reposter_fraction / 0.4 else 1
        reps = min(reps, n - len(records))
        label = f"poster-{poster}" if reps > 1 else f"solo-{poster}"
        shapes, title_shape, fixed = _template(rng, False)
        d = _phone(rng)
        name = rng.choice(_NAMES)
        city = rng.choice(_CORRIDOR)
        img = [f"{rng.getrandbits(64):016x}"]
        t = start + timedelta(days=rng.uniform(0, 300))
        noise = rng.random()
        for _ in range(reps):
            slots = dict(fixed)
            slots.update(
                name=name, age=str(rng.randint(19, 45)), city=city.name,
                phone=render_phone(d, rng.choice(PLAIN_STYLES), rng),
                price=str(rng.choice([120, 150, 180, 200])), price2=str(rng.choice([250, 300, 350, 400])),
            )  # fmt: skip
            body = " ".join(_fill(s, rng, {**slots, "emoji": rng.choice(_W["emoji"])}) for s in shapes)
            images = list(img)
            if noise < 0.02:
                body += " " + _HOTLINE_FOOTER
            elif noise < 0.05:
                bp, svc = rng.choice(booking)
                body += " " + _BOOKING_FOOTER.format(service=svc, phone=render_phone(bp, "dash", rng))
            elif noise < 0.10:
                images.append(_PLACEHOLDER_IMG)
            t += timedelta(hours=rng.uniform(5, 72))
            rid = new_id()
            truth[rid] = label
            records.append(
                {
                    "id": rid,
                    "posted_at": t.isoformat(),
                    "site": rng.choice(["siteA", "siteB", "siteC"]),
                    "url": "",
                    "title": _fill(title_shape, rng, {**slots, "emoji": ""}),
                    "body": body,
                    "city": city.name,
                    "state": city.state,
                    "phone": "",
                    "age": "",
                    "images": images,
                }
            )
    # interleave like a real feed
    order = list(range(len(records)))
    rng.shuffle(order)
    return Corpus([records[i] for i in order], truth, planted)


def _main() -> None:
    import argparse
    import json
    from pathlib import Path

    ap = argparse.ArgumentParser(description="write the synth_v1 demo corpus")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    c = generate(a.n, seed=a.seed)
    with (a.out / "ads.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in c.records)
    (a.out / "truth.json").write_text(json.dumps({"labels": c.truth, "planted": sorted(c.planted)}))
    print(f"wrote {len(c.records):,} ads to {a.out / 'ads.jsonl'} (truth in {a.out / 'truth.json'})")


if __name__ == "__main__":
    _main()
