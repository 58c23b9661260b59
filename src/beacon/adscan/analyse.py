"""Per-ad analysis: extraction on title + body + phone field, indicators, risk."""

from __future__ import annotations

import re
from bisect import bisect_left
from operator import itemgetter
from typing import Any

from .extract import (
    ages_from_tokens,
    extract_emails,
    extract_handles,
    extract_phones,
    extract_urls,
    names_from_tokens,
    numeric_starts,
    phones_from_tokens,
    prices_from_tokens,
    tokenise,
)
from .indicators import AD_INDICATORS, ad_lexicon, ad_risk
from .jobs import JOB_KIND, job_signals
from .lexicon import Lexicon
from .models import Ad, AnalysedAd, Indicator, Place, Span
from .places import normalise_city, place_lexicon, resolve_place

__all__ = ["analyse_ad"]

_START = itemgetter(1)
_WEIGHT = {code: d.weight for code, d in AD_INDICATORS.items()}

# one scan finds indicator phrases (payload: code) and places (payload: Place)
_LEX: Lexicon[str | Place] = Lexicon()
_LEX.add_entries(ad_lexicon().entries())
_LEX.add_entries(place_lexicon().entries())
# job ads: places only here (their phrases are matched by beacon.adscan.jobs)
_PLACES: Lexicon[str | Place] = Lexicon()
_PLACES.add_entries(place_lexicon().entries())
# a URL (see extract._URL_RE) has one of these tokens, or ".tld" + a TLD token
_URL_START = frozenset({"www", "http", "https"})
_URL_TLDS = frozenset("com net org me io co us xxx ly to tv".split())


def _url_hint(text: str, lowset: set[str]) -> bool:
    if not _URL_START.isdisjoint(lowset):
        return True
    tlds = _URL_TLDS.intersection(lowset)
    if not tlds:
        return False
    low = text.lower()
    return any("." + t in low for t in tlds)


def _field_span(span: Span, title_len: int) -> tuple[str, Span]:
    if span[0] < title_len:
        return "title", span
    off = title_len + 1
    return "body", (span[0] - off, span[1] - off)


def analyse_ad(ad: Ad, region: str = "US") -> AnalysedAd:
    """Extract entities and ad-level indicators from one :class:`Ad`.

    Spans in indicators index ``ad.title``, ``ad.body`` or ``ad.phone``
    (given by the indicator's ``field``).  A job ad (``ad.kind == "job"``) is read
    with the job catalogue (:mod:`beacon.adscan.jobs`) instead of the escort one, and
    its shingle words are marked with its kind, so near-duplicate text never joins
    ads of different kinds (only a shared identifier does).
    """
    title, body = ad.title, ad.body
    text = f"{title}\n{body}" if title else body
    tlen = len(title) if title else -1
    indicators: list[Indicator] = []
    seen_codes: set[str] = set()

    def flag(code: str, span: Span, fieldname: str | None = None, evidence: str | None = None) -> None:
        if code in seen_codes:
            return
        seen_codes.add(code)
        if fieldname is None:
            ev = text[span[0] : span[1]]
            fieldname, span = _field_span(span, tlen)
        else:
            ev = evidence or ""
        indicators.append(Indicator(code, evidence or ev, _WEIGHT[code], fieldname, span))

    tokens, toks = tokenise(text)
    lows = list(map(str.lower, toks))
    lowset = set(lows)
    phones = phones_from_tokens(text, tokens, region, toks)
    phone_field = extract_phones(ad.phone, region) if ad.phone else []
    e164s: list[str] = []
    for p in (*phone_field, *phones):
        if p.e164 not in e164s:
            e164s.append(p.e164)
    for p in phones:
        if p.obfuscated:
            flag("AD_OBSCURED_PHONE", p.span)
            break
    else:
        for p in phone_field:
            if p.obfuscated:
                flag("AD_OBSCURED_PHONE", p.span, "phone", p.raw)
                break

    emails = extract_emails(text) if "@" in text or ("dot" in lowset and "at" in lowset) else []
    urls = extract_urls(text, emails) if _url_hint(text, lowset) else []
    handles = extract_handles(text, tokens, lows, emails)
    starts = numeric_starts(text, tokens)
    prices = prices_from_tokens(text, tokens, starts)
    ages_m = ages_from_tokens(text, tokens, starts, lows)
    ages = [a.age for a in ages_m]
    field_age: int | None = None
    if ad.age:
        m = re.search(r"\d{2}", ad.age)
        if m and 12 <= int(m.group(0)) <= 70:
            field_age = int(m.group(0))
            if field_age not in ages:
                ages.insert(0, field_age)
    if field_age is not None and field_age < 18:
        flag("AD_STATED_AGE_MINOR", (0, len(ad.age)), "age", ad.age)
    for a in ages_m:
        if a.age < 18:
            flag("AD_STATED_AGE_MINOR", a.span)
            break

    place: Place | None = normalise_city(ad.city, ad.state) if ad.city else None
    job: dict[str, Any] | None = None
    if ad.kind == JOB_KIND:
        found, details = job_signals(
            text, tokens, lows, lowset, has_email=bool(emails), has_url=bool(urls), has_phone=bool(e164s),
            handle_platforms=tuple(h.platform for h in handles), phone_spans=tuple(p.span for p in phones),
        )
        for code, span, evidence in found:
            if span is None:
                if code not in seen_codes:
                    seen_codes.add(code)
                    indicators.append(Indicator(code, evidence, _WEIGHT[code]))
            else:
                flag(code, span, evidence=evidence)
        job = details.to_dict()
    for payload, ls, le in (_PLACES if ad.kind == JOB_KIND else _LEX).scan_spans(tokens, lows, lowset):
        if isinstance(payload, str):
            if payload not in seen_codes:  # (flag keeps the first one only)
                flag(payload, (ls, le))
        elif place is None:
            place = resolve_place(text, payload, ls, le)  # None: an ordinary word, not a place
    if job is not None and place is not None:
        job["worksite"] = place.key

    # text used for near-duplicate detection: words minus identifiers and digits
    cut: list[Span] = [p.span for p in phones]
    cut.extend(h.span for h in handles)
    cut.extend(e.span for e in emails)
    cut.extend(u.span for u in urls)
    if cut:
        cut.sort()
        tstarts = list(map(_START, tokens))
        words: list[str] = []
        pos = 0
        for cs, ce in cut:
            lo = bisect_left(tstarts, cs, pos)
            words.extend(filter(str.isalpha, lows[pos:lo]))
            pos = max(pos, bisect_left(tstarts, ce, lo))
        words.extend(filter(str.isalpha, lows[pos:]))
    else:
        words = list(filter(str.isalpha, lows))
    if ad.kind != "escort":
        words = [f"{ad.kind}:{w}" for w in words]

    idents = [f"tel:{p}" for p in e164s]
    idents.extend(f"email:{e.value}" for e in emails)
    idents.extend(f"handle:{h.key}" for h in handles)
    idents.extend(f"img:{i}" for i in ad.images)
    risk = ad_risk([i.weight for i in indicators])
    return AnalysedAd(
        ad=ad,
        phones=e164s,
        emails=sorted({e.value for e in emails}) if emails else [],
        urls=sorted({u.value for u in urls}) if urls else [],
        handles=sorted({h.key for h in handles}) if handles else [],
        prices=prices,
        ages=ages,
        place=place,
        indicators=indicators,
        risk=risk,
        shingle_text=" ".join(words),
        identifiers=list(dict.fromkeys(idents)),
        names=names_from_tokens(text, tokens, lows, lowset),
        job=job,
    )
