"""Summaries of operations: cities, movement, template, cluster indicators, risk."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from rapidfuzz.distance import Indel

from .indicators import CLUSTER_INDICATORS
from .models import AnalysedAd, CityVisit, Indicator, Operation, Place
from .places import distance_km, normalise_city

__all__ = ["build_operation", "movement_of", "template_of"]

MOVEMENT_WINDOW = timedelta(days=30)
_NORM = re.compile(r"[^\w]+")
_TEMPLATE_SAMPLE = 6


def _ci(code: str, evidence: str, weight: float | None = None) -> Indicator:
    w = CLUSTER_INDICATORS[code].weight if weight is None else weight
    return Indicator(code, evidence, round(w, 3))


_FAR = datetime.max.replace(tzinfo=UTC)


def _key(dt: datetime | None) -> tuple[int, datetime]:
    return (1, _FAR) if dt is None else (0, dt if dt.tzinfo else dt.replace(tzinfo=UTC))


def movement_of(ads: Sequence[AnalysedAd]) -> tuple[list[CityVisit], list[CityVisit]]:
    """(cities with first/last seen, movement path in time order).

    The path collapses consecutive ads in the same city into one stint, so a
    city visited twice appears twice."""
    dated = sorted((a for a in ads if a.place is not None), key=lambda a: _key(a.ad.posted_at))
    per_city: dict[Place, list[datetime | None]] = defaultdict(list)
    for a in dated:
        if a.place is not None:
            per_city[a.place].append(a.ad.posted_at)
    cities = []
    for place, times in per_city.items():
        known = [t for t in times if t is not None]
        cities.append(
            CityVisit(place, min(known) if known else None, max(known) if known else None, len(times))
        )
    cities.sort(key=lambda c: _key(c.first_seen))
    path: list[CityVisit] = []
    for a in dated:
        if a.place is None:
            continue
        t = a.ad.posted_at
        if path and path[-1].place == a.place:
            last = path[-1]
            path[-1] = CityVisit(last.place, last.first_seen, t or last.last_seen, last.ads + 1)
        else:
            path.append(CityVisit(a.place, t, t, 1))
    return cities, path


@lru_cache(maxsize=200_000)
def _norm_word(w: str) -> str:
    return _NORM.sub("", w.lower())


@lru_cache(maxsize=200_000)
def _slot_label(w: str) -> str:
    if normalise_city(_NORM.sub(" ", w).strip()) is not None:
        return "{city}"
    return "{num}" if any(c.isdigit() for c in w) else "{…}"


def template_of(texts: Sequence[str]) -> str:
    """Shared text of near-duplicate ads with ``{…}`` for variable slots."""
    sample = [t for t in texts if t][:_TEMPLATE_SAMPLE]
    if not sample:
        return ""
    if len(sample) == 1:
        return sample[0]
    toks = [t.split() for t in sample]
    norm = [[_norm_word(w) for w in ts] for ts in toks]
    order = sorted(range(len(toks)), key=lambda i: len(toks[i]))
    b = order[len(order) // 2]
    base, base_n = toks[b], norm[b]
    support = [0] * len(base)
    for i, other in enumerate(norm):
        if i == b:
            continue
        for op in Indel.opcodes(base_n, other):
            if op.tag == "equal":
                for k in range(op.src_start, op.src_end):
                    support[k] += 1
    need = 0.6 * (len(toks) - 1)
    out: list[str] = []
    for w, s in zip(base, support, strict=True):
        if s >= need:
            out.append(w)
        else:
            slot = _slot_label(w)
            if not out or out[-1] != slot:
                out.append(slot)
    return " ".join(out)


def build_operation(cluster_id: str, ads: Sequence[AnalysedAd], text_groups: Sequence[int]) -> Operation:
    """Summarise one operation; ``text_groups`` gives each ad's near-duplicate
    group (to count phones per template)."""
    phones = Counter(p for a in ads for p in a.phones)
    emails = sorted({e for a in ads for e in a.emails})
    handles = sorted({h for a in ads for h in a.handles})
    images = Counter(i for a in ads for i in a.ad.images)
    cities, path = movement_of(ads)
    reasons: list[Indicator] = []
    kinds = sorted({a.ad.kind for a in ads}, key=lambda k: (k != "escort", k))
    escort = [a for a in ads if a.ad.kind == "escort"]
    jobs = [a for a in ads if a.ad.kind != "escort"]

    # many distinct names / ages on one phone (escort ads)
    names: dict[str, set[str]] = defaultdict(set)
    ages: dict[str, set[int]] = defaultdict(set)
    for a in escort:
        for p in a.phones:
            names[p].update(a.names)
            ages[p].update(a.ages)
    best = None
    for p in phones:
        score = max(len(names[p]), len(ages[p]))
        if score >= 3 and (best is None or score > best[0]):
            best = (score, p)
    if best is not None:
        p = best[1]
        reasons.append(
            _ci(
                "OP_MANY_NAMES_ON_PHONE",
                f"{p} used with {len(names[p])} names ({', '.join(sorted(names[p])[:6])}) "
                f"and {len(ages[p])} ages ({', '.join(map(str, sorted(ages[p])[:6]))})",
            )
        )
    # many phones on one template
    per_group: dict[int, set[str]] = defaultdict(set)
    for a, g in zip(ads, text_groups, strict=True):
        per_group[g].update(a.phones)
    worst = max((len(v) for v in per_group.values()), default=0)
    if worst >= 3:
        reasons.append(_ci("OP_MANY_PHONES_ON_TEMPLATE", f"{worst} different phones on one ad template"))
    # third-person / plural voice
    third = sum(1 for a in escort if any(i.code == "AD_THIRD_PERSON" for i in a.indicators))
    if len(escort) >= 2 and third / len(escort) >= 0.5:
        reasons.append(
            _ci("OP_THIRD_PERSON_VOICE", f"{third} of {len(escort)} ads use third-person or plural voice")
        )
    # movement across cities in a short time (escort ads: the people advertised move)
    distinct = {c.place for c in cities}
    known = [c for c in path if c.first_seen is not None]
    if escort and not jobs and len(distinct) >= 3 and known:
        t0 = min(c.first_seen for c in known if c.first_seen is not None)
        t1 = max(c.last_seen for c in known if c.last_seen is not None)
        if t1 - t0 <= MOVEMENT_WINDOW:
            km = sum(distance_km(a.place, b.place) for a, b in zip(path, path[1:], strict=False))
            route = " → ".join(c.place.name for c in path[:8])
            days = max(1, round((t1 - t0).total_seconds() / 86400))
            reasons.append(
                _ci("OP_RAPID_MOVEMENT", f"{len(distinct)} cities in {days} days (~{km:.0f} km): {route}")
            )
    # same photos with different phones
    img_phones: dict[str, set[str]] = defaultdict(set)
    for a in ads:
        for im in a.ad.images:
            img_phones[im].update(a.phones)
    shared = [im for im, ps in img_phones.items() if len(ps) >= 2]
    if shared:
        reasons.append(
            _ci(
                "OP_SHARED_IMAGES_ACROSS_PHONES",
                f"{len(shared)} image(s) appear with {max(len(img_phones[i]) for i in shared)} different phones",
            )
        )
    industry = ""
    if jobs:
        reasons.extend(_job_reasons(jobs, cities))
        industries = Counter(a.job["industry"] for a in jobs if a.job and a.job.get("industry"))
        industry = industries.most_common(1)[0][0] if industries else ""
    if escort and jobs:
        shared = sorted(
            {i for a in escort for i in _links_of(a)} & {i for a in jobs for i in _links_of(a)}
        )
        reasons.append(
            _ci(
                "OP_CROSS_KIND_LINK",
                f"{len(escort)} escort ad(s) and {len(jobs)} job ad(s) share "
                + (", ".join(shared[:5]) if shared else "an identifier"),
            )
        )
    mean_ad = sum(a.risk for a in ads) / len(ads) if ads else 0.0
    if mean_ad > 0:
        counts = Counter(i.code for a in ads for i in a.indicators if i.weight > 0)
        top = ", ".join(f"{c} ×{n}" for c, n in counts.most_common(4))
        reasons.append(_ci("OP_AD_SIGNALS", f"mean ad-level risk {mean_ad:.2f} ({top})", mean_ad))
    risk = round(sum(r.weight for r in reasons), 3)
    times = [a.ad.posted_at for a in ads if a.ad.posted_at is not None]
    return Operation(
        cluster_id=cluster_id,
        ad_ids=[a.ad.id for a in ads],
        phones=[p for p, _ in phones.most_common()],
        emails=emails,
        handles=handles,
        images=[i for i, _ in images.most_common(20)],
        cities=cities,
        movement=path,
        template=template_of([a.ad.body or a.ad.title for a in ads]),
        risk=risk,
        reasons=reasons,
        first_seen=min(times) if times else None,
        last_seen=max(times) if times else None,
        kinds=kinds,
        industry=industry,
    )


def _links_of(a: AnalysedAd) -> list[str]:
    """The identifiers an ad links on (phones, e-mails, handles, images), as shown to analysts."""
    return [*a.phones, *a.emails, *a.handles, *(f"image {i[:12]}" for i in a.ad.images)]


_LEGAL_FORM = re.compile(r"\b(?:llc|l\.l\.c\.|inc|corp|co|company)\b\.?", re.IGNORECASE)


def _employer_key(name: str) -> str:
    """An employer name compared without case, punctuation or legal form ("Delta Farms" = "DELTA FARMS, LLC")."""
    return " ".join(_NORM.sub(" ", _LEGAL_FORM.sub(" ", name.lower())).split())


def _job_reasons(jobs: Sequence[AnalysedAd], cities: Sequence[CityVisit]) -> list[Indicator]:
    """Operation-level indicators of job ads: one offer under several employer names, in several towns."""
    out: list[Indicator] = []
    named: dict[str, str] = {}  # "river bend farms" -> "River Bend Farms LLC" (the first spelling seen)
    for a in jobs:
        name = a.job.get("employer", "") if a.job else ""
        if name:
            named.setdefault(_employer_key(name), name)
    employers = sorted(named.values())
    if len(employers) >= 2:
        out.append(
            _ci("OP_JOB_MANY_EMPLOYERS", f"{len(employers)} employer names: {', '.join(employers[:6])}")
        )
    towns = [c.place.name for c in cities]
    if len(towns) >= 3:
        out.append(_ci("OP_JOB_MANY_TOWNS", f"posted in {len(towns)} towns: {', '.join(towns[:8])}"))
    return out
