"""Design C: mutate a pool of seed ads with edit operations.

A pool of seed ads is written first (free-form sentences assembled from
fragments, different lengths and punctuation).  Each operation takes one
seed ad as its master copy and produces every ad by applying a random chain
of edits to the *previous* ad it posted (a random walk, so far-apart ads of
one operation can differ a lot): character noise (typos, doubled letters,
dropped vowels), sentence reorder, sentence drop, synonym swap at rate
``spin``, inserted boilerplate, name/city/phone-format replacement.  Booking
agents keep one master per worker and one phone pool.  One-off posters take
a seed ad nobody else uses and mutate it heavily.  Aggregators repost.
"""

from __future__ import annotations

import random
import re
from datetime import timedelta
from typing import Any

from ._common import (
    BOILERPLATE,
    FIRST_NAMES,
    FOOTERS,
    START,
    Builder,
    Generated,
    city,
    new_phone,
    operations,
    phash,
    reencode,
)  # fmt: skip

FRAGMENTS = [
    "sweet and sexy", "ready to play", "available for incall", "outcall to hotels only",
    "the girl of your dreams", "come get a taste", "let me take care of you", "you deserve a break",
    "no games", "pictures are really me", "treat me like a lady", "fully clean upscale apartment",
    "in a quiet neighborhood", "parking right outside", "walk in welcome", "appointments preferred",
    "I am a bit shy at first", "outgoing and talkative", "massage and more", "body rubs",
    "dinner dates", "overnight available", "two hour minimum for outcall", "gentlemen over 30 preferred",
    "new face in the area", "returning for one week", "spoil me and I will spoil you",
    "my specials change daily", "cute smile and soft skin", "ask me about my friend",
]  # fmt: skip
SWAP = {
    "sweet": "sugary", "sexy": "hot", "ready": "eager", "play": "have fun", "girl": "lady",
    "dreams": "fantasies", "take care of": "pamper", "break": "treat", "clean": "tidy", "quiet": "calm",
    "welcome": "ok", "preferred": "please", "shy": "timid", "talkative": "chatty", "new": "fresh",
    "week": "few days", "cute": "pretty", "soft": "smooth", "apartment": "condo", "hotels": "motels",
}  # fmt: skip
FRAGMENTS_ES = [
    "dulce y sensual", "lista para jugar", "atiendo en mi lugar", "salidas a hoteles solamente",
    "la chica de tus sueños", "ven a probar", "déjame cuidarte", "te mereces un descanso", "sin juegos",
    "las fotos son mias", "trátame como una dama", "departamento limpio y elegante", "zona tranquila",
    "estacionamiento enfrente", "con cita previa", "un poco timida al principio", "platicadora y alegre",
    "masajes y mas", "cenas y salidas", "toda la noche disponible", "nueva en el area",
    "regreso por una semana", "consiénteme y te consiento", "sonrisa bonita y piel suave",
]  # fmt: skip
_SWAP_RE = re.compile(r"\b(" + "|".join(map(re.escape, SWAP)) + r")\b")


def _seed_ad(rng: random.Random) -> list[str]:
    out = []
    frags = FRAGMENTS_ES if rng.random() < 0.15 else FRAGMENTS  # one seed ad in seven is Spanish
    for _ in range(rng.randint(3, 7)):
        s = ", ".join(rng.sample(frags, rng.randint(1, 3)))
        out.append(s[0].upper() + s[1:] + rng.choice([".", "!", "!!", " ...", ""]))
    return out


def _noise(rng: random.Random, s: str, rate: float) -> str:
    chars = list(s)
    for _ in range(int(len(chars) * rate)):
        i = rng.randrange(len(chars))
        op = rng.randrange(3)
        if op == 0:
            chars[i] = chars[i] * 2
        elif op == 1 and chars[i] in "aeiou":
            chars[i] = ""
        elif i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def _edit(rng: random.Random, sents: list[str], spin: float, stock: list[str]) -> list[str]:
    s = list(sents)
    if rng.random() < spin * 2 and len(s) > 2:
        s.pop(rng.randrange(len(s)))
    if rng.random() < spin * 2 and len(s) < 8:
        s.insert(rng.randrange(len(s) + 1), ", ".join(rng.sample(FRAGMENTS, 2)).capitalize() + ".")
    if rng.random() < 0.3 and len(s) > 1:
        i = rng.randrange(len(s) - 1)
        s[i], s[i + 1] = s[i + 1], s[i]
    s = [_SWAP_RE.sub(lambda m: SWAP[m.group(1)] if rng.random() < spin else m.group(1), x) for x in s]
    return s


def generate(seed: int, params: dict[str, Any]) -> Generated:
    rng = random.Random(seed)
    n = int(params["n"])
    spin = float(params["spin"])
    b = Builder(rng)
    stock = rng.sample(BOILERPLATE, 6)

    def emit(label: str, kind: str, sents: list[str], name: str, phones: list[str], imgs: list[str],
             place: tuple[str, str], when: Any, noise: float) -> None:  # fmt: skip
        lines = list(sents)
        if rng.random() < params["boilerplate"]:
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(stock).capitalize() + ".")
        where = b.place(place)
        who = rng.choice([f"{name}.", f"{name.lower()} here.", f"Call {name}.", f"{name} in {where}."])
        lines.insert(rng.randrange(len(lines) + 1), b.name(name, who.rstrip(".")))
        body = _noise(rng, " ".join(lines), noise)  # typos in the text, not in the phone or footer
        body += " " + b.phone(rng.choice(phones), params["obfuscate"])
        if rng.random() < 0.1:
            body += " " + rng.choice(FOOTERS)
        photos = [h if rng.random() < 0.75 else reencode(h, rng) for h in rng.sample(imgs, min(2, len(imgs)))]
        b.name(name, name)
        title = f"{name} {b.place(place)} {rng.choice(['', 'incall', 'new', 'tonight'])}".strip()
        rec = b.add(label, kind, title=title,
                    body=body, when=when, place=place, images=photos)  # fmt: skip
        if rng.random() < params["aggregator"]:
            b.repost(rec)

    for label, kind, size, agent in operations(rng, n, params):
        phones = [new_phone(rng) for _ in range(rng.randint(1, int(params["phones_max"])))]
        masters = [_seed_ad(rng) for _ in range(rng.randint(3, 10) if agent else 1)]
        names = [rng.choice(FIRST_NAMES) for _ in masters]
        imgs = [[phash(rng) for _ in range(rng.randint(1, 6))] for _ in masters]
        when = START + timedelta(days=rng.uniform(0, 200))
        place = city(rng)
        noise = rng.uniform(0, 0.03)
        start = len(b.records)
        while len(b.records) - start < size:
            w = rng.randrange(len(masters))
            masters[w] = _edit(rng, masters[w], spin, stock)
            if rng.random() < 0.1:
                place = city(rng)
            nm = names[w] if rng.random() > spin else rng.choice(FIRST_NAMES)
            emit(label, kind, masters[w], nm, phones, imgs[w], place, when, noise)
            when += timedelta(hours=rng.uniform(1, 40))
        while len(b.records) - start > size:
            rec = b.records.pop()
            del b.labels[rec["id"]]
    while len(b.records) < n:
        sents = _edit(rng, _seed_ad(rng), 0.3, stock)
        emit(f"solo-{len(b.records)}", "oneoff", sents, rng.choice(FIRST_NAMES), [new_phone(rng)], [phash(rng)],
             city(rng), START + timedelta(days=rng.uniform(0, 230)), rng.uniform(0, 0.05))  # fmt: skip
    while len(b.records) > n:
        rec = b.records.pop()
        del b.labels[rec["id"]]
    return b.done(params)
