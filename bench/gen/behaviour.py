"""Design B: poster behaviour simulated day by day.

Operations travel along I-70 or I-44 (and across the state line), staying a
few days in each city, and post every day while active.  Each operation
holds a phone pool (1 to ``phones_max``) and rotates to the next phone every
few days; photos are re-cropped/re-encoded from time to time (small Hamming
perturbations).  Text is not a template: each day's ad is rewritten from the
operation's "habits" (a bag of favourite phrases, its sign-off, emoji and
spelling quirks), drawing a subset of habits each time, with ``spin`` the
share of phrases swapped for a phrase it has never used.  Booking agents
post for many workers (different names, photos, habits) with the agent's
phones and sign-off: one operation.  Independent posters (one-offs) post one
ad in their home town.  Stock lines shared between unrelated posters and
hotline footers are added; aggregator sites repost with a delay.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from ._common import (
    BOILERPLATE,
    FIRST_NAMES,
    FOOTERS,
    I44,
    I70,
    NEIGHBOR_CITIES,
    START,
    Builder,
    Generated,
    city,
    new_phone,
    operations,
    phash,
    reencode,
)  # fmt: skip

PHRASES = [
    "just got to town", "looking to meet some nice gentlemen", "my pics are recent", "very limited time",
    "come spend some quality time", "open minded and easy to talk to", "I love to cuddle",
    "will make your stay worth it", "leaving in a couple days", "first time in this city",
    "sweet personality", "your favorite latina", "thick in all the right places", "mature and classy",
    "small and sweet", "I have a private room", "you pick the hotel", "car dates available",
    "no pimps no drama", "ebony beauty", "blonde bombshell", "ask about two girl special",
    "college student working her way through", "travel companion available", "bachelor parties welcome",
    "I take my time with you", "clean and sweet smelling", "tattoos and piercings", "green eyes",
    "long dark hair", "short notice ok", "call me after 10", "hablo espanol", "I speak little english",
    "new pics every week", "military discount", "truckers welcome", "dont waste my time",
    "cash only", "cashapp deposit to book", "reviews on request", "best in the midwest",
]  # fmt: skip
PHRASES_ES = [
    "recién llegada a la ciudad", "busco caballeros amables", "mis fotos son recientes", "poco tiempo aqui",
    "ven a pasar un buen rato", "muy cariñosa y complaciente", "me encanta consentir", "hablo poco ingles",
    "me voy en unos dias", "primera vez en esta ciudad", "personalidad dulce", "tu latina favorita",
    "curvas en los lugares correctos", "madura y elegante", "tengo cuarto privado", "tu escoges el hotel",
    "sin chulos sin drama", "pregunta por el especial de dos", "trato de novia", "sin prisas contigo",
    "limpia y perfumada", "tatuajes y piercings", "ojos cafes", "pelo negro largo", "citas de ultimo minuto",
    "llamame despues de las 10", "fotos nuevas cada semana", "solo efectivo", "deposito para reservar",
]  # fmt: skip
EMOJI = ["\U0001f48b", "\U0001f339", "\U0001f525", "\U0001f4a6", "\u2728", "\U0001f352", "\U0001f60d", ""]


def _quirk(rng: random.Random, text: str, q: int) -> str:
    if q == 1:
        return text.lower()
    if q == 2:
        return text.upper()
    if q == 3:
        return text.replace("you", "u").replace("your", "ur").replace("for", "4")
    if q == 4:
        return text.replace(" ", "  ")
    return text


class _Poster:
    def __init__(self, rng: random.Random, phones_max: int, workers: int) -> None:
        self.phones = [new_phone(rng) for _ in range(rng.randint(1, phones_max))]
        self.rotate_every = rng.randint(1, 10)
        self.spanish = rng.random() < 0.15
        self.phrases = PHRASES_ES if self.spanish else PHRASES
        self.workers = [
            (rng.choice(FIRST_NAMES), rng.sample(self.phrases, rng.randint(5, 10)), [phash(rng) for _ in range(rng.randint(1, 5))])
            for _ in range(workers)
        ]  # fmt: skip
        self.signoff = rng.choice(["xoxo", "kisses", "mwah", "~*~", "call now", "", "-- the management"])
        self.emoji = rng.choice(EMOJI)
        self.quirk = rng.randrange(5)
        self.route = list(rng.choice([I70, I44, I70[::-1], I44[::-1]]))
        if rng.random() < 0.4:
            self.route.append(rng.choice(NEIGHBOR_CITIES)[0])
        self.stay = rng.randint(1, 6)
        self.per_day = rng.randint(1, 6)


def generate(seed: int, params: dict[str, Any]) -> Generated:
    rng = random.Random(seed)
    n = int(params["n"])
    spin = float(params["spin"])
    b = Builder(rng)
    stock = rng.sample(BOILERPLATE, 5)

    def write(p: _Poster, w: int, day: int, place: tuple[str, str]) -> str:
        name, habits, _ = p.workers[w]
        k = rng.randint(3, min(6, len(habits)))
        chosen = [h if rng.random() >= spin else rng.choice(p.phrases) for h in rng.sample(habits, k)]
        if rng.random() < params["boilerplate"]:
            chosen.insert(rng.randrange(len(chosen) + 1), rng.choice(stock))
        phone = p.phones[(day // p.rotate_every) % len(p.phones)]
        where = b.place(place)
        if p.spanish:
            name_s = rng.choice([name, name.capitalize(), f"soy {name}", f"{name} en {where}", name.upper()])
            at = f"en {where} {rng.choice(['hoy', 'esta noche', 'esta semana', ''])}".strip()
        else:
            name_s = rng.choice([name, name.capitalize(), f"im {name}", f"{name} in {where}", name.upper()])
            at = f"in {where} {rng.choice(['today', 'tonight', 'this week', ''])}".strip()
        parts = [b.name(name, name_s), *chosen, at, b.phone(phone, params["obfuscate"]), p.signoff]
        body = f" {p.emoji} ".join(x for x in parts if x)
        if rng.random() < 0.08:
            body += " " + rng.choice(FOOTERS)
        return _quirk(rng, body, p.quirk)

    for label, kind, size, agent in operations(rng, n, params):
        p = _Poster(rng, int(params["phones_max"]), rng.randint(3, 12) if agent else 1)
        day0 = rng.randint(0, 200)
        posted = 0
        day = 0
        while posted < size:
            stop = min(len(p.route) - 1, day // p.stay)
            cname = p.route[stop] if not agent else p.route[0]
            place = next(((c, s) for c, s in NEIGHBOR_CITIES if c == cname), (cname, "MO"))
            for _ in range(p.per_day):
                if posted >= size:
                    break
                w = rng.randrange(len(p.workers))
                imgs = p.workers[w][2]
                photos = [
                    h if rng.random() < 0.8 else reencode(h, rng) for h in rng.sample(imgs, min(2, len(imgs)))
                ]
                when = START + timedelta(days=day0 + day, hours=rng.uniform(0, 24))
                body = write(p, w, day, place)
                title = _quirk(rng, f"{p.workers[w][0]} {rng.choice(p.workers[w][1])}", p.quirk)
                b.name(p.workers[w][0], title.split(" ")[0])
                rec = b.add(label, kind, title=title, body=body, when=when, place=place, images=photos)
                posted += 1
                if posted < size and rng.random() < params["aggregator"]:
                    b.repost(rec)
                    posted += 1
            day += 1
    while len(b.records) < n:
        p = _Poster(rng, 1, 1)
        place = city(rng)
        body = write(p, 0, 0, place)
        title = f"{p.workers[0][0]} {rng.choice(p.workers[0][1])}"
        b.name(p.workers[0][0], p.workers[0][0])
        rec = b.add(f"solo-{len(b.records)}", "oneoff", title=title, body=body,
                    when=START + timedelta(days=rng.uniform(0, 230)), place=place, images=p.workers[0][2][:1])  # fmt: skip
        if len(b.records) < n and rng.random() < params["aggregator"]:
            b.repost(rec)
    return b.done(params)
