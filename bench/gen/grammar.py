"""Design A: a template grammar per operation, spun ad by ad.

Each operation (and each booking agent) writes its own "house template": an
ordered list of sentences expanded once from a phrase grammar.  Every ad it
posts re-renders that template with spinning: each content word is replaced
by a synonym with probability ``spin``, a sentence is sometimes dropped, a
new worker name (written many ways: lower-case, no "I'm") in each ad, phones
from the operation's pool in many formats.  Booking agents run several
workers, each with her own template, but share the agent's phones: one
operation.  Stock boilerplate lines are pasted into ads of unrelated posters
with probability ``boilerplate``; some ads carry a site footer with a
hotline.  One-off posters write a single ad of their own.  Aggregators
repost ads (same label as the original).
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
    name_phrase,
    new_phone,
    operations,
    phash,
    reencode,
    render_phone,
)  # fmt: skip

SYN = {
    "hot": ["hot", "sizzling", "steamy", "spicy", "fiery"],
    "pretty": ["pretty", "cute", "gorgeous", "beautiful", "lovely", "stunning"],
    "new": ["new", "fresh", "brand new", "just arrived"],
    "fun": ["fun", "playful", "wild", "flirty", "outgoing", "easygoing"],
    "relax": ["relax", "unwind", "chill", "de-stress", "escape"],
    "visit": ["visit", "session", "date", "appointment", "meet"],
    "now": ["now", "tonight", "today", "right now", "all day"],
    "girl": ["girl", "lady", "woman", "babe", "doll", "sweetheart"],
    "place": ["spot", "room", "suite", "place", "hotel"],
    "call": ["call", "text", "hit me up", "message me", "reach out"],
    "time": ["time", "company", "attention", "evening"],
    "special": ["special", "deal", "discount", "promo"],
    "body": ["curvy", "slim", "petite", "thick", "athletic", "busty"],
    "friendly": ["friendly", "sweet", "kind", "bubbly", "warm"],
    "discreet": ["discreet", "private", "low key", "quiet"],
    "clean": ["clean", "safe", "comfy", "nice"],
    # Spanish
    "es_nueva": ["nueva", "recién llegada", "nuevecita"],
    "es_linda": ["linda", "bonita", "hermosa", "preciosa", "guapa"],
    "es_dulce": ["dulce", "cariñosa", "tierna", "amable"],
    "es_ahora": ["ahora", "hoy", "esta noche", "ya mismo"],
    "es_rico": ["rico", "delicioso", "inolvidable", "especial"],
    "es_cuerpo": ["curvilínea", "delgadita", "llenita", "chiquita", "atlética"],
    "es_lugar": ["lugar", "cuarto", "depa", "hotel"],
}  # fmt: skip
GRAMMAR = {
    "S": ["{greet} {name} {intro}", "{offer}", "{looks}", "{where}", "{when}", "{contact}", "{rates}",
          "{promise}", "{vibe}"],
    "greet": ["hey guys", "hi gentlemen", "hello boys", "heyyy", "good evening", "whats up", "hola papi"],
    "intro": ["is ~new in town", "here to make u ~relax", "your ~pretty ~girl next door",
              "the ~friendly one u been looking for", "back by popular demand", "~body and ~fun"],
    "offer": ["let me help you ~relax after work", "come see a ~pretty ~girl ~now",
              "looking for some ~fun ~time", "treat yourself to a ~visit u wont forget",
              "i know how to make your day better", "lets have a ~hot ~time together"],
    "looks": ["i am ~body and ~pretty with a ~friendly smile", "5 foot 4, ~body, long hair",
              "~pretty face ~body figure", "real pics no surprises", "latina ~body and ~fun",
              "blonde and ~pretty with green eyes"],
    "where": ["~clean and ~discreet ~place near {city}", "in {city} this week only",
              "visiting {city} for a few days", "located off the highway in {city}",
              "near the airport in {city}", "staying by the mall in {city}"],
    "when": ["available ~now", "open late till 4am", "early birds welcome", "mornings and late nights",
             "only here a few days so dont wait", "weekends only"],
    "contact": ["~call {phone}", "{phone} ~call me", "my number {phone}", "~call or text {phone} ~now",
                "reach me at {phone}", "{phone}"],
    "rates": ["ask about my ~special", "{p1} qv {p2} hh", "{p2} for the hour", "roses {p1} and up",
              "generous gentlemen only", "donations {p2}"],
    "promise": ["u wont regret it", "satisfaction guaranteed", "i aim to please", "ur secret is safe with me",
                "ill make it worth ur while", "no rush ever"],
    "vibe": ["i love meeting new people", "very ~friendly and ~discreet", "laid back and ~fun",
             "sweet but a little naughty", "good vibes only"],
}  # fmt: skip
GRAMMAR_ES = {
    "S": GRAMMAR["S"],
    "greet": ["hola papi", "hola amor", "buenas noches caballeros", "hola guapo", "que tal mi rey"],
    "intro": ["~es_nueva en la ciudad", "lista para consentirte", "tu ~es_linda vecina", "la mas ~es_dulce",
              "regresé por petición"],
    "offer": ["ven a relajarte conmigo", "te espero con ganas", "déjame consentirte ~es_ahora",
              "pasemos un rato ~es_rico juntos"],
    "looks": ["soy ~es_linda y ~es_cuerpo", "piel suave y ~es_cuerpo", "ojos verdes y pelo largo",
              "fotos 100% mias sin sorpresas"],
    "where": ["~es_lugar privado cerca de {city}", "en {city} esta semana", "de visita en {city} unos dias",
              "estoy en {city}", "atiendo en {city} y alrededores"],
    "when": ["disponible ~es_ahora", "abierta hasta tarde", "solo fines de semana", "todo el dia"],
    "contact": ["llámame al {phone}", "{phone} whatsapp", "mi numero {phone}", "escribeme {phone} ~es_ahora"],
    "rates": ["pregunta por mis especiales", "{p1} media hora {p2} la hora", "donación {p2}"],
    "promise": ["no te arrepentirás", "te va a encantar", "todo con calma"],
    "vibe": ["muy ~es_dulce", "hablo poco inglés", "sin prisas y con cariño"],
}  # fmt: skip
TITLES_ES = ["{name} ~es_nueva en {city}", "latina ~es_linda {city}", "{city} ~es_ahora", "{name} en {city}"]
TITLES = ["{name} ~new in {city}", "~hot ~girl {city}", "{city} ~special ~now", "~pretty and ~fun {name}",
          "incall {city} ~now", "{name} -- ~body -- {city}", "~discreet ~visit {city}"]  # fmt: skip


_TILDE = re.compile(r"~(\w+)")


def _expand(rng: random.Random, s: str, grammar: dict[str, list[str]] = GRAMMAR) -> str:
    """Expand ``{rule}`` from the grammar once; keep ``{name}``-like slots and ~words."""
    out = []
    i = 0
    while i < len(s):
        j = s.find("{", i)
        if j < 0:
            out.append(s[i:])
            break
        k = s.index("}", j)
        key = s[j + 1 : k]
        out.append(s[i:j])
        out.append(_expand(rng, rng.choice(grammar[key]), grammar) if key in grammar and key != "S" else s[j : k + 1])
        i = k + 1
    return "".join(out)


def _render(rng: random.Random, s: str, fixed: dict[str, str], spin: float, slots: dict[str, str]) -> str:
    """Fill ``~word`` synonyms (the template's own choice, or another with
    probability ``spin``) and the ``{slot}`` values."""
    text = _TILDE.sub(lambda m: rng.choice(SYN[m.group(1)]) if rng.random() < spin else fixed[m.group(1)], s)
    for k, v in slots.items():
        text = text.replace("{" + k + "}", v)
    return text


def _template(rng: random.Random) -> tuple[list[str], str, dict[str, str]]:
    """A house template; one in seven is written in Spanish."""
    spanish = rng.random() < 0.15
    grammar, titles = (GRAMMAR_ES, TITLES_ES) if spanish else (GRAMMAR, TITLES)
    n = rng.randint(4, 8)
    sentences = [_expand(rng, s, grammar) for s in rng.sample(grammar["S"], min(n, len(grammar["S"])))]
    if not any("{phone}" in s for s in sentences):
        sentences.append(_expand(rng, "{contact}", grammar))
    fixed = {k: rng.choice(v) for k, v in SYN.items()}  # the template's own word choices
    return sentences, rng.choice(titles), fixed


def generate(seed: int, params: dict[str, Any]) -> Generated:
    rng = random.Random(seed)
    n = int(params["n"])
    spin = float(params["spin"])
    b = Builder(rng)
    boiler_pool = rng.sample(BOILERPLATE, 6)

    def post(label: str, kind: str, tpl: tuple[list[str], str, dict[str, str]], phones: list[str],
             names: list[str], imgs: list[str], place: tuple[str, str], when: Any) -> None:  # fmt: skip
        sentences, title, fixed = tpl
        ss = list(sentences)
        if len(ss) > 3 and rng.random() < 2 * spin:
            ss.pop(rng.randrange(len(ss)))
        if rng.random() < params["boilerplate"]:
            ss.insert(rng.randrange(len(ss) + 1), rng.choice(boiler_pool))
        name = rng.choice(names)
        slots = {"name": b.name(name, name_phrase(rng, name)), "city": b.place(place),
                 "p1": str(rng.choice([60, 80, 100])), "p2": str(rng.choice([150, 180, 200, 250])),
                 "phone": b.phone(rng.choice(phones), params["obfuscate"])}  # fmt: skip
        body = ". ".join(_render(rng, s, fixed, spin, slots) for s in ss)
        if rng.random() < 0.1:
            body += " " + rng.choice(FOOTERS)
        photos = [h if rng.random() < 0.7 else reencode(h, rng) for h in rng.sample(imgs, min(len(imgs), 2))]
        rec = b.add(label, kind, title=_render(rng, title, fixed, spin, {**slots, "name": b.name(name, name)}), body=body,
                    when=when, place=place, images=photos,
                    phone=render_phone(rng.choice(phones), rng, 0) if rng.random() < 0.3 else "")  # fmt: skip
        if rng.random() < params["aggregator"]:
            b.repost(rec)

    for label, kind, size, agent in operations(rng, n, params):
        phones = [new_phone(rng) for _ in range(rng.randint(1, int(params["phones_max"])))]
        workers = [[rng.choice(FIRST_NAMES)] for _ in range(rng.randint(3, 12) if agent else 1)]
        if not agent:
            workers[0] = rng.sample(FIRST_NAMES, rng.randint(1, 4))
        tpls = [_template(rng) for _ in workers]
        imgs = [phash(rng) for _ in range(rng.randint(2, 10))]
        when = START + timedelta(days=rng.uniform(0, 200))
        place = city(rng)
        posted = 0
        while posted < size:
            w = rng.randrange(len(workers))
            if rng.random() < 0.05:
                place = city(rng)
            before = len(b.records)
            post(label, kind, tpls[w], phones, workers[w], imgs, place, when)
            posted += len(b.records) - before
            when += timedelta(hours=rng.uniform(1, 30))
        # a repost may overshoot by one: drop the newest extra ad
        while posted > size:
            rec = b.records.pop()
            del b.labels[rec["id"]]
            posted -= 1
    while len(b.records) < n:
        tpl = _template(rng)
        post(f"solo-{len(b.records)}", "oneoff", tpl, [new_phone(rng)], [rng.choice(FIRST_NAMES)],
             [phash(rng)], city(rng), START + timedelta(days=rng.uniform(0, 200)))  # fmt: skip
    while len(b.records) > n:
        rec = b.records.pop()
        del b.labels[rec["id"]]
    return b.done(params)
