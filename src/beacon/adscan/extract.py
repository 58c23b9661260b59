"""Entity extraction from free text: phones, e-mails, URLs, handles, prices,
ages, names and places.

Reusable by the tip line and case management (no Django, no I/O)::

    >>> from beacon.adscan import extract_phones
    >>> [p.e164 for p in extract_phones("call eight one six 5five5 o1o1")]
    ['+18165550101']

Phone numbers are found by our own de-obfuscating tokenizer (number words,
letter look-alikes ``o``/``l``/``I``, any Unicode decimal digit, circled and
super/subscript digits, digits split by emoji, dots, dashes or spaces), because
``phonenumbers.PhoneNumberMatcher`` does not see through obfuscation.  Every
candidate window is then parsed with ``phonenumbers``, must be *possible*
(the POSSIBLE leniency check) and then *valid* for its region, and is
formatted as E.164.  Dates, times, prices, heights, body measurements,
``24/7`` and ZIP codes are masked first so they never become phone numbers.
All spans are ``(start, end)`` offsets into the text that was passed in.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache, partial
from itertools import accumulate, compress, count, repeat
from operator import is_, itemgetter, or_
from typing import NamedTuple, cast

import phonenumbers

from .models import AgeMatch, Extraction, HandleMatch, PhoneMatch, PriceMatch, Span, TextMatch
from .places import _POP, PLACES, find_places, place_lexicon, resolve_place

__all__ = [
    "extract",
    "extract_ages",
    "extract_emails",
    "extract_handles",
    "extract_names",
    "extract_phones",
    "extract_prices",
    "extract_urls",
    "normalise_phone",
]

# --------------------------------------------------------------------------
# Phones
# --------------------------------------------------------------------------

_WORDS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    # Spanish ("diez" and above are left out: they are two digits, and ads
    # that spell a number out do it digit by digit)
    "cero": "0", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4",
    "cinco": "5", "seis": "6", "siete": "7", "ocho": "8", "nueve": "9",
}  # fmt: skip
_LOOKALIKE = {"o": "0", "l": "1", "i": "1"}
_NUMBER_WORDS = "zero|oh|one|two|three|four|five|six|seven|eight|nine|cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve"
_PIECES_RE = re.compile(rf"(?:\d|{_NUMBER_WORDS}|[oli])+")
_PIECE_RE = re.compile(rf"\d|{_NUMBER_WORDS}|[oli]")
# upper-case letters that stand for digits, only inside a token that has a digit ("8I6-SS5-OIOI")
_SBE = str.maketrans({"S": "5", "B": "8", "E": "3", "Z": "2"})
_SBE_CHARS = frozenset("SBEZ")
_CAPS_LOOKALIKE_RE = re.compile(r"[SBEZOIl]+")
# words written between digit groups instead of punctuation ("314 dot 555 dot 0101")
_SEP_WORDS = frozenset({"dot", "dash", "punto", "guion"})
_DIGIT_EDGE_RE = re.compile(r"^\d+|\d+$")
_BREAKERS = frozenset("/$%:=@#&\n")
_MAX_GAP = 8
_PLAIN_GAP_CHARS = frozenset(" .-()+\t")
_ALNUM_RE = re.compile(r"[^\W_]+")

Token = tuple[str, int, int]
_FIRST = itemgetter(0)


_SPLIT_RE = re.compile(r"([^\W_]+)")


def tokenise(text: str) -> tuple[list[Token], list[str]]:
    """Tokens ``(token, start, end)`` and the bare token strings.

    ``re.split`` with a capturing group alternates separators and tokens;
    the offsets are the running sum of the piece lengths, so the whole
    tokenisation runs in C (no per-token Python call)."""
    parts = _SPLIT_RE.split(text)
    offs = list(accumulate(map(len, parts), initial=0))
    toks = parts[1::2]
    return list(zip(toks, offs[1::2], offs[2::2], strict=False)), toks


def tokens_of(text: str) -> list[Token]:
    """Alphanumeric tokens ``(token, start, end)`` (shared by all extractors)."""
    return tokenise(text)[0]


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_UNITS = (
    r"(?:hh|hhr|half\s?hour|half|hrs?|hours?|h|qv|qk|quickie|\d{2}\s?mins?|\d{2}\s?minutes|"
    r"overnight|ovn|bbbj|gfe)"
)
# Decoys that must never become phone numbers.  They are matched only at the
# start of tokens inside a window around a long digit run (cheap).
_DECOY_DIGIT_RE = re.compile(
    "|".join(
        [
            # dates
            r"(?:19|20)\d\d[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])\b(?![-./]\d)",
            r"(?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])[-./](?:19|20)?\d\d\b(?![-./]\d)",
            rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?:19|20)\d\d)?",
            # times, 24/7
            r"\d{1,2}:\d\d(?:\s*[ap]\.?m\b\.?)?",
            r"\d{1,2}\s*[ap]\.?m\b\.?",
            r"24\s*[/x-]\s*7\b|24\s*hrs?\b|24\s*hours\b",
            # prices and rates
            r"\d[\d,]*(?:\$|\s*(?:usd|dollars|roses?|bucks|donations?)\b)",
            r"\d{2,4}\s*(?:/|per\s*)?\s*" + _UNITS + r"\b",
            # heights and body measurements, weights, ages
            r"[4-7]\s*(?:'|’|ft\b|foot\b|feet\b)\s*\d{1,2}\s*(?:\"|”|''|in\b|inches\b)?",
            r"\d{2}\s*[a-h]{0,3}\s*[-/]\s*\d{2}\s*[-/]\s*\d{2}\b(?![-./]\d)",
            r"\d{2,3}\s*(?:lbs?|pounds|kg)\b",
            r"\d{2}\s*(?:yo|y/o|yrs?|years?)\b",
        ]
    ),
    re.IGNORECASE,
)
_DECOY_WORD_RE = re.compile(
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d\d)?\b"
    r"|(?:MO|KS|IL|OK|AR|NE|IA|TN|Missouri|Kansas|Illinois|Oklahoma|Arkansas)\s*,?\s*\d{5}(?:-\d{4})?\b",
    re.IGNORECASE,
)
_DECOY_WORDS = frozenset(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august "
    "september october november december mo ks il ok ar ne ia tn missouri kansas illinois oklahoma arkansas".split()
)
_DECOY_DOLLAR_RE = re.compile(
    r"\$\s*\d[\d,]*(?:\.\d\d)?(?:\s*(?:/|per)?\s*" + _UNITS + r"\b)?", re.IGNORECASE
)


def _decoys(text: str, sub: list[Token], ws: int, we: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    # only tokens starting with a digit or decoy words are visited (selected in C)
    toks = list(map(_FIRST, sub))
    digit = list(map(str.isdigit, map(_FIRST, toks)))
    mask = map(or_, digit, map(_DECOY_WORDS.__contains__, map(str.lower, toks)))
    for (_tok, s, _e), c in compress(zip(sub, digit, strict=True), mask):
        if c:
            if s > 0 and text[s - 1].isalnum():
                continue
            m = _DECOY_DIGIT_RE.match(text, s)
        else:
            m = _DECOY_WORD_RE.match(text, s)
        if m:
            out.append((m.start(), m.end()))
    i = text.find("$", ws, we)
    while i >= 0:
        m = _DECOY_DOLLAR_RE.match(text, i)
        if m:
            out.append((m.start(), m.end()))
        i = text.find("$", i + 1, we)
    return out


# conventional groupings of a North American number
_STANDARD_SHAPES = {(3, 3, 4), (1, 3, 3, 4), (10,), (11,), (3, 7), (1, 10), (6, 4), (1, 3, 7)}


class _Group(NamedTuple):
    """A digit-like token (or its digit edge) decoded to digits."""

    start: int
    end: int
    digits: str
    fancy: bool
    gap_fancy: bool = False
    """The gap before this group (within a run) is not plain punctuation."""
    tok: int = 0
    """Index of the token."""


# builds a _Group from a plain tuple in C (no Python-level __new__ call)
_MAKE_GROUP = partial(tuple.__new__, _Group)


def _digit_group(tok: str, s: int, e: int) -> _Group | None:
    """Decode one alphanumeric token into digits, or None if it is a word."""
    if tok.isdigit():
        if tok.isascii():
            return _Group(s, e, tok, False)
        try:
            return _Group(s, e, "".join(str(unicodedata.digit(c)) for c in tok), True)
        except ValueError:
            return None
    low = tok.lower()
    w = _WORDS.get(low)
    if w is not None:
        return _Group(s, e, w, True)
    has_digit = not tok.isalpha()
    if not _SBE_CHARS.isdisjoint(tok) and (has_digit or (len(tok) >= 3 and _CAPS_LOOKALIKE_RE.fullmatch(tok))):
        # "2E4", "S678"; an all-letter token only in capitals made of look-alikes ("SlS", "ESS")
        g = _digit_group(tok.translate(_SBE), s, e)
        if g is not None and len(g.digits) == len(tok):
            return g._replace(fancy=True)
    if (has_digit or low[0] in "zotfsencud") and _PIECES_RE.fullmatch(low):
        out = []
        for m in _PIECE_RE.finditer(low):
            p = m.group()
            if len(p) > 1:
                out.append(_WORDS[p])
            elif p.isdigit():
                out.append(str(unicodedata.digit(p)))
            else:
                out.append(_LOOKALIKE[p])
        if not has_digit and len(low) <= 2:
            return None  # "oh", "ol" on their own
        return _Group(s, e, "".join(out), True)
    if has_digit:
        # "Call816" / "0101now": keep the digit edge
        edge = _DIGIT_EDGE_RE.search(tok)
        if edge and edge.group().isascii():
            return _Group(s + edge.start(), s + edge.end(), edge.group(), False)
    return None


# token -> (digits, fancy, start offset, end offset) or False for a word
_DECODED: dict[str, tuple[str, bool, int, int] | bool] = {}


def _decode(tok: str) -> tuple[str, bool, int, int] | bool:
    g = _digit_group(tok, 0, len(tok))
    d: tuple[str, bool, int, int] | bool = False if g is None else (g.digits, g.fancy, g.start, g.end)
    if len(_DECODED) > 500_000:
        _DECODED.clear()
    _DECODED[tok] = d
    return d


def _runs(
    text: str,
    tokens: list[Token],
    blocked: list[tuple[int, int]] | None = None,
    toks: list[str] | None = None,
) -> list[list[_Group]]:
    """Runs of consecutive digit-like tokens with at least 10 digits in all.

    Each distinct token is decoded once (cached); only the digit-like tokens
    of a text are visited in Python, as plain tuples: a run becomes
    :class:`_Group` objects only if it has enough digits."""
    dec = list(map(_DECODED.get, map(_FIRST, tokens) if toks is None else toks))
    if None in dec:
        # decode the tokens not in the cache (positions selected in C: most
        # texts have a few new tokens among many cached ones)
        for k in list(compress(count(), map(is_, dec, repeat(None)))):
            dec[k] = _decode(tokens[k][0])
    runs: list[list[_Group]] = []
    cur: list[tuple[int, int, str, bool, bool, int]] = []
    ndig = 0  # digits in cur
    prev = -2
    pend = 0  # end of cur's last group
    found = cast("list[tuple[str, bool, int, int]]", list(compress(dec, dec)))
    for idx, (digits, fancy, ds, de) in zip(compress(count(), dec), found, strict=True):
        s = tokens[idx][1]
        gs, ge = s + ds, s + de
        if blocked and any(bs < ge and gs < be for bs, be in blocked):
            continue  # the next group is not adjacent: the run is cut
        gap_fancy = False
        if cur:
            gap = text[pend:gs]
            # (a gap longer than 3 * _MAX_GAP cuts the run whatever its words: not looked at)
            spelled = (
                idx != prev + 1
                and len(gap) <= 3 * _MAX_GAP
                and all(tokens[j][0].lower() in _SEP_WORDS for j in range(prev + 1, idx))
            )
            if spelled:
                gap = "."  # "dot" stands for a dot
                gap_fancy = True
            if (idx != prev + 1 and not spelled) or len(gap) > _MAX_GAP or not _BREAKERS.isdisjoint(gap):
                if ndig >= 10:
                    runs.append(list(map(_MAKE_GROUP, cur)))
                cur = []
                ndig = 0
                gap_fancy = False
            elif not gap_fancy and not _PLAIN_GAP_CHARS.issuperset(gap):
                gap_fancy = True
        cur.append((gs, ge, digits, fancy, gap_fancy, idx))
        ndig += len(digits)
        prev = idx
        pend = ge
    if ndig >= 10:
        runs.append(list(map(_MAKE_GROUP, cur)))
    return runs


_NANP_PREFIX: dict[str, bool] = {}


def _validate(digits: str, plus: bool, region: str) -> str | None:
    """E.164 for a digit string if phonenumbers says it is possible and valid.

    North American numbers take a fast path: libphonenumber decides the
    validity of a NANP number from its NPA-NXX (first six digits), so the
    verdict is cached per prefix (checked against phonenumbers in the tests).
    """
    if region in _NANP_REGIONS:
        nat = None
        if len(digits) == 10 and not plus:
            nat = digits
        elif len(digits) == 11 and digits[0] == "1":
            nat = digits[1:]
        if nat is not None and nat.isascii():
            pre = nat[:6]
            ok = _NANP_PREFIX.get(pre)
            if ok is None:
                # the same verdict as parse + is_possible + is_valid for a
                # 10-digit national number, without the parsing
                ok = phonenumbers.is_valid_number(
                    phonenumbers.PhoneNumber(country_code=1, national_number=int(nat))
                )
                if len(_NANP_PREFIX) > 1_000_000:
                    _NANP_PREFIX.clear()
                _NANP_PREFIX[pre] = ok
            return "+1" + nat if ok else None
    return _validate_slow(digits, plus, region)


_NANP_REGIONS = frozenset({"US", "CA"})


@lru_cache(maxsize=65536)
def _validate_slow(digits: str, plus: bool, region: str) -> str | None:
    try:
        num = phonenumbers.parse(("+" + digits) if plus else digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(num) or not phonenumbers.is_valid_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def phones_from_tokens(
    text: str, tokens: list[Token], region: str = "US", toks: list[str] | None = None
) -> list[PhoneMatch]:
    """:func:`extract_phones` on a pre-tokenised text (see :func:`tokenise`;
    ``toks`` are the bare token strings, if at hand)."""
    out: list[PhoneMatch] = []
    windows: list[tuple[int, int, int, int, list[list[_Group]]]] = []
    for run in _runs(text, tokens, None, toks):
        ws = max(0, run[0].start - 30)
        we = min(len(text), run[-1].end + 20)
        if windows and ws <= windows[-1][1]:
            pws, _pwe, pi0, _pi1, pruns = windows[-1]
            windows[-1] = (pws, we, pi0, run[-1].tok, [*pruns, run])
        else:
            windows.append((ws, we, run[0].tok, run[-1].tok, [run]))
    for ws, we, i0, i1, runs in windows:
        sub = [t for t in tokens[max(0, i0 - 12) : i1 + 12] if ws <= t[1] and t[2] <= we]
        blocked = _decoys(text, sub, ws, we)
        for r2 in _runs(text, sub, blocked) if blocked else runs:
            _pick(r2, text, region, out)
    if "/" in text:
        _slashed(text, region, out)
    if len(out) > 1:
        out.sort(key=lambda p: p.span)
    return out


# "816/234/5678", "816 / 234-5678": slashes cut digit runs (dates, 24/7,
# fractions), but three groups of 3, 3 and 4 digits are no date
_SLASHED_RE = re.compile(r"(?<![\d/])(\d{3})\s?/\s?(\d{3})\s?[/.-]\s?(\d{4})(?![\d/])")


def _slashed(text: str, region: str, out: list[PhoneMatch]) -> None:
    for m in _SLASHED_RE.finditer(text):
        s, e = m.span()
        if any(p.span[0] < e and s < p.span[1] for p in out):
            continue
        e164 = _validate(m.group(1) + m.group(2) + m.group(3), False, region)
        if e164 is not None:
            out.append(PhoneMatch(e164, (s, e), m.group(0), False))


def extract_phones(text: str, region: str = "US") -> list[PhoneMatch]:
    """Phone numbers in ``text`` (obfuscated or not) as E.164, in text order."""
    if not text:
        return []
    return phones_from_tokens(text, tokens_of(text), region)


def _pick(run: list[_Group], text: str, region: str, out: list[PhoneMatch]) -> None:
    cands: list[tuple[int, int, int, str, bool, bool]] = []
    n = len(run)
    digits = "".join([g.digits for g in run])
    if len(digits) == 10 or (len(digits) == 11 and digits[0] == "1"):
        # fast path: the whole run is one number
        plus = text[max(0, run[0].start - 3) : run[0].start].rstrip(" (").endswith("+")
        e164 = _validate(digits, plus, region)
        if e164 is not None:
            obf = n >= 6 or any([g.fancy or g.gap_fancy for g in run])
            _emit(run, 0, n - 1, e164, obf, plus, text, out)  # the only candidate
            return
    for i in range(n):
        total = 0
        plus = text[max(0, run[i].start - 3) : run[i].start].rstrip(" (").endswith("+")
        for j in range(i, n):
            total += len(run[j].digits)
            if total > 15:
                break
            if total < 10:
                continue
            digits = "".join(g.digits for g in run[i : j + 1])
            if not plus and (total > 11 or (total == 11 and digits[0] != "1")):
                break
            e164 = _validate(digits, plus, region)
            if e164 is None:
                continue
            window = run[i : j + 1]
            shape = tuple(len(g.digits) for g in window)
            obf = any(g.fancy for g in window) or any(g.gap_fancy for g in window[1:]) or len(shape) >= 6
            score = 2 if shape in _STANDARD_SHAPES or all(x == 1 for x in shape) else 1
            cands.append((-score, i, j, e164, obf, plus))
    cands.sort()
    used: set[int] = set()
    for _neg, i, j, e164, obf, plus in cands:
        if any(k in used for k in range(i, j + 1)):
            continue
        used.update(range(i, j + 1))
        _emit(run, i, j, e164, obf, plus, text, out)


def _emit(
    run: list[_Group], i: int, j: int, e164: str, obf: bool, plus: bool, text: str, out: list[PhoneMatch]
) -> None:
    """Append the number made of ``run[i..j]`` (with a leading ``+``/``(``)."""
    s, e = run[i].start, run[j].end
    if plus:
        s = text.rindex("+", max(0, s - 3), s)
    elif s > 0 and text[s - 1] == "(":
        s -= 1
    out.append(PhoneMatch(e164, (s, e), text[s:e], obf))


def normalise_phone(raw: str | None, region: str = "US") -> str | None:
    """Normalise one free-text phone (possibly obfuscated) to E.164, or None."""
    if not raw:
        return None
    found = extract_phones(raw, region)
    return found[0].e164 if found else None


# --------------------------------------------------------------------------
# E-mails, URLs, handles
# --------------------------------------------------------------------------

_EMAIL_RE = re.compile(
    r"(?<![\w.+-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63})\s*(?:@|\s[\[(]?\s*at\s*[\])]?\s|[\[(]\s*at\s*[\])])\s*"
    r"([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*)\s*(?:\.|\s[\[(]?\s*dot\s*[\])]?\s*|[\[(]\s*dot\s*[\])])\s*"
    r"(com|net|org|edu|gov|us|io|me|co|info|biz|xxx|[a-z]{2,6}(?=[^\w]|$))\b",
    re.IGNORECASE,
)
_URL_RE = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"'()]+|\b[a-z0-9][a-z0-9-]{1,62}\.(?:com|net|org|me|io|co|us|xxx|ly|to|tv)"
    r"(?:/[^\s<>\"'()]*)?(?![\w@])",
    re.IGNORECASE,
)
_HANDLE_PLATFORMS = {
    "snap": "snapchat", "snapchat": "snapchat", "sc": "snapchat", "kik": "kik",
    "ig": "instagram", "insta": "instagram", "instagram": "instagram",
    "telegram": "telegram", "tg": "telegram", "twitter": "twitter", "x": "twitter",
    "onlyfans": "onlyfans", "of": "onlyfans", "cashapp": "cashapp", "cash app": "cashapp",
    "venmo": "venmo", "tiktok": "tiktok", "wickr": "wickr", "discord": "discord",
    "whatsapp": "whatsapp", "fansly": "fansly",
}  # fmt: skip
_LONG_KW = (
    r"snapchat|snap|kik|insta(?:gram)?|telegram|twitter|onlyfans|cash\s?app|venmo|tiktok|wickr|discord|fansly"
)
_SHORT_KW = r"sc|ig|tg|x|of"
_HANDLE_RE = re.compile(
    rf"\b(?:(?P<lk>{_LONG_KW})(?:\s*(?:[:=\-]|\bme\b|\bis\b|\bat\b|\bid\b|👻)\s*)*\s*@?"
    rf"|(?P<sk>{_SHORT_KW})\s*[:=@]\s*@?)"
    r"(?P<h>[A-Za-z][A-Za-z0-9._]{2,29})",
    re.IGNORECASE,
)
_URL_HANDLE_RE = re.compile(
    r"(?:onlyfans\.com|instagram\.com|t\.me|twitter\.com|x\.com|snapchat\.com/add|tiktok\.com/@?|fansly\.com)"
    r"/@?([A-Za-z0-9._]{3,30})",
    re.IGNORECASE,
)
_AT_RE = re.compile(r"(?<![\w.@])@([A-Za-z][A-Za-z0-9._]{2,29})")
_CASHTAG_RE = re.compile(r"(?<![\w$])\$([A-Za-z][A-Za-z0-9_]{1,19})\b")
_HANDLE_STOP = frozenset(
    "me is at the and for you only now here add text call hit my her him with our".split()
)


def _emails_and_spans(text: str) -> list[TextMatch]:
    out = []
    for m in _EMAIL_RE.finditer(text):
        local, domain, tld = m.group(1), m.group(2), m.group(3)
        raw = m.group(0)
        if "@" not in raw and local.lower() in _HANDLE_STOP:
            continue
        out.append(TextMatch(f"{local}@{domain}.{tld}".lower(), (m.start(), m.end()), raw))
    return out


def extract_emails(text: str) -> list[TextMatch]:
    """E-mail addresses, including ``name (at) gmail (dot) com`` forms."""
    if not text or ("@" not in text and not _AT_DOT.search(text)):
        return []
    return _emails_and_spans(text)


_AT_DOT = re.compile(r"\bat\b.{1,80}?\bdot\b", re.IGNORECASE | re.DOTALL)


def _inside(span: Span, spans: list[Span]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


def extract_urls(text: str, emails: list[TextMatch] | None = None) -> list[TextMatch]:
    """URLs and bare domains (``www.x.com``, ``mysite.com/page``)."""
    if not text or "." not in text:
        return []
    if emails is None:
        emails = extract_emails(text)
    email_spans = [e.span for e in emails]
    out = []
    for m in _URL_RE.finditer(text):
        raw = m.group(0).rstrip(".,;:!?")
        span = (m.start(), m.start() + len(raw))
        if _inside(span, email_spans):
            continue
        val = raw.lower()
        if not val.startswith(("http://", "https://")):
            val = "http://" + val
        out.append(TextMatch(val, span, raw))
    return out


_HANDLE_KW = frozenset(
    "snap snapchat sc kik ig insta instagram telegram tg twitter x onlyfans of cash cashapp "
    "venmo tiktok wickr discord fansly whatsapp".split()
)


def extract_handles(
    text: str,
    tokens: list[Token] | None = None,
    lows: list[str] | None = None,
    emails: list[TextMatch] | None = None,
) -> list[HandleMatch]:
    """Social / messaging / payment handles, lower-cased, with platform.

    ``tokens``/``lows``/``emails`` may be passed to reuse earlier work.
    """
    if not text:
        return []
    if tokens is None:
        tokens = tokens_of(text)
    if lows is None:
        lows = [t[0].lower() for t in tokens]
    if emails is None:
        emails = extract_emails(text)
    email_spans = [e.span for e in emails]
    out: list[HandleMatch] = []
    seen: set[Span] = set()
    kw_tokens = (
        [] if _HANDLE_KW.isdisjoint(lows) else list(compress(tokens, map(_HANDLE_KW.__contains__, lows)))
    )
    for _tok, start, _end in kw_tokens:
        m = _HANDLE_RE.match(text, start)
        if m is None:
            continue
        kw = _SPACES_RE.sub(" ", (m.group("lk") or m.group("sk") or "").lower())
        h = m.group("h").rstrip("._").lower()
        if h in _HANDLE_STOP or len(h) < 3:
            continue
        out.append(HandleMatch(_HANDLE_PLATFORMS.get(kw, kw), h, (m.start(), m.end()), m.group(0)))
        seen.add((m.start("h"), m.end("h")))
    if "/" in text:
        for m in _URL_HANDLE_RE.finditer(text):
            site = m.group(0).split("/")[0].lower()
            plat = {"t.me": "telegram", "x.com": "twitter"}.get(site, site.split(".")[0])
            out.append(HandleMatch(plat, m.group(1).rstrip("._").lower(), (m.start(), m.end()), m.group(0)))
            seen.add((m.start(1), m.end(1)))
    if "@" in text:
        for m in _AT_RE.finditer(text):
            if (m.start(1), m.end(1)) in seen or _inside((m.start(), m.end()), email_spans):
                continue
            h = m.group(1).rstrip("._").lower()
            if h in _HANDLE_STOP:
                continue
            out.append(HandleMatch("at", h, (m.start(), m.end()), m.group(0)))
    if "$" in text:
        for m in _CASHTAG_RE.finditer(text):
            out.append(HandleMatch("cashapp", m.group(1).lower(), (m.start(), m.end()), m.group(0)))
    out.sort(key=lambda h: h.span)
    return out


# --------------------------------------------------------------------------
# Prices, ages, names
# --------------------------------------------------------------------------

_PRICE_RE = re.compile(
    rf"\$\s*(?P<a1>\d{{2,4}})(?:\.\d\d)?(?:\s*(?:/|per|an?)?\s*(?P<u1>{_UNITS})\b)?"
    rf"|\b(?P<a2>\d{{2,4}})(?:\$|\s*(?:roses?|dollars|usd|bucks|donations?)\b)"
    rf"(?:\s*(?:/|per|an?)?\s*(?P<u2>{_UNITS})\b)?"
    rf"|\b(?P<a3>\d{{2,4}})\s*(?:/|per\s*)?\s*(?P<u3>{_UNITS})\b",
    re.IGNORECASE,
)
_UNIT_NORMAL = {
    "hh": "half hour", "hhr": "half hour", "half": "half hour", "half hour": "half hour",
    "halfhour": "half hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
    "h": "hour", "qv": "quick visit", "qk": "quick visit", "quickie": "quick visit",
    "overnight": "overnight", "ovn": "overnight",
}  # fmt: skip


_SPACES_RE = re.compile(r"\s+")
_MINUTES_RE = re.compile(r"\d{2} ?min(?:ute)?s?")


def numeric_starts(text: str, tokens: list[Token]) -> list[int]:
    """Positions where a price or age may start: digit tokens at a word
    boundary and ``$`` signs, in text order."""
    # tokens whose first character is a digit (selected in C), then the
    # word-boundary check on those few
    firsts = map(_FIRST, map(_FIRST, tokens))
    out = [
        t[1] for t in compress(tokens, map(str.isdigit, firsts)) if t[1] == 0 or not text[t[1] - 1].isalnum()
    ]
    if "$" in text:
        i = text.find("$")
        while i >= 0:
            out.append(i)
            i = text.find("$", i + 1)
        out.sort()
    return out


def prices_from_tokens(text: str, tokens: list[Token], starts: list[int] | None = None) -> list[PriceMatch]:
    """:func:`extract_prices` on a pre-tokenised text."""
    out: list[PriceMatch] = []
    last = -1
    for st in numeric_starts(text, tokens) if starts is None else starts:
        if st < last:
            continue
        m = _PRICE_RE.match(text, st)
        if m is None:
            continue
        amount = int(m.group("a1") or m.group("a2") or m.group("a3"))
        if not 20 <= amount <= 5000:
            continue
        last = m.end()
        unit_raw = m.group("u1") or m.group("u2") or m.group("u3")
        unit = None
        if unit_raw:
            u = _SPACES_RE.sub(" ", unit_raw.lower())
            unit = _UNIT_NORMAL.get(u, u)
            if _MINUTES_RE.fullmatch(u):
                unit = f"{u[:2]} min"
            if unit in {"bbbj", "gfe"}:
                unit = None
        out.append(PriceMatch(amount, unit, (m.start(), m.end()), m.group(0)))
    return out


def extract_prices(text: str) -> list[PriceMatch]:
    """Prices and rates (``$200``, ``150 roses hh``, ``200/hr``)."""
    return prices_from_tokens(text, tokens_of(text)) if text else []


_AGE_RE = re.compile(
    r"\b(?:age|aged)\s*[:\-]?\s*(?P<a1>\d{2})\b"
    r"|\b(?P<a2>\d{2})\s*(?:yo|y/o|y\.o\.|yrs?(?:\s*old)?|years?(?:\s*old)?)\b"
    r"|\b(?:i'?m|i am)\s+(?:only\s+|just\s+)?(?P<a3>\d{2})\b(?!\s*(?:mins?|\$|hrs?|roses|/|%|lbs?))",
    re.IGNORECASE,
)


_AGE_WORDS = frozenset({"age", "aged", "i", "im"})


def ages_from_tokens(
    text: str, tokens: list[Token], starts: list[int] | None = None, lows: list[str] | None = None
) -> list[AgeMatch]:
    """:func:`extract_ages` on a pre-tokenised text."""
    out: list[AgeMatch] = []
    last = -1
    if starts is None:
        starts = numeric_starts(text, tokens)
    if lows is None:
        lows = [t[0].lower() for t in tokens]
    if not _AGE_WORDS.isdisjoint(lows):
        # "i"/"im" can only start an age when a number follows within 3 tokens
        words = [
            tokens[k][1]
            for k in compress(count(), map(_AGE_WORDS.__contains__, lows))  # (selected in C)
            if lows[k][0] == "a" or any(map(str.isdigit, map(_FIRST, map(_FIRST, tokens[k + 1 : k + 4]))))
        ]
        if words:
            starts = sorted([*starts, *words])
    for st in starts:
        c = text[st]
        if st < last or c == "$" or (c.isdigit() and "y" not in text[st : st + 12].lower()):
            continue  # a numeric age needs "yo"/"yrs"/"years" right after it
        m = _AGE_RE.match(text, st)
        if m is None:
            continue
        age = int(m.group("a1") or m.group("a2") or m.group("a3"))
        if 12 <= age <= 70:
            last = m.end()
            out.append(AgeMatch(age, (m.start(), m.end()), m.group(0)))
    return out


def extract_ages(text: str) -> list[AgeMatch]:
    """Stated ages (``age 19``, ``19yo``, ``I'm 21``)."""
    return ages_from_tokens(text, tokens_of(text)) if text else []


_NAME_RE = re.compile(
    r"(?:[Ii]'?m|[Ii] am|[Mm]y name is|[Nn]ame'?s|[Aa]sk for|[Cc]all me|[Ii]t'?s|[Tt]his is)\s+"
    r"([A-Z][a-z]{2,12})\b"
)
_NAME_STOP = frozenset(
    """New Back Available Here Your The Sweet Real Visiting Ready Not Only Just Now Open Fun
    Young Independent Waiting Located Discreet Petite Always Very Sexy Down Out Up Upscale
    Professional Safe Clean Free Today Tonight Hot Busy Sorry Available Girl Baby Yours Looking
    Incall Outcall Friendly Easy Available Good Bored Lonely Exotic""".split()
)
_NAME_STOP_LOW = frozenset(w.lower() for w in _NAME_STOP)
# cue words before a name, any case (English and Spanish); "strong" cues
# introduce a name for sure, so a first name that is also a word counts
# after them ("ask for honey"), and after the weak ones ("its", "i'm") only
# names that are no ordinary word do ("its yesenia", not "its may")
_CUE_RE = re.compile(
    r"(?P<strong>my\s+name\s+is|name'?s|ask\s+(?:for|4)|call\s+me|call|text|me\s+llamo|mi\s+nombre\s+es|pregunta\s+por|"
    r"pregunten\s+por|soy)"
    r"|(?P<weak>i'?m|i\s+am|it'?s|this\s+is|xoxo|xo|love|kisses|besos)",
    re.IGNORECASE,
)
_CUE_AFTER = frozenset({"here", "aqui", "aquí", "speaking"})


def _first_names() -> tuple[frozenset[str], frozenset[str]]:
    """US Census 1990 frequent first names (lower case) and those that are
    also ordinary English words (see ``data/first_names.csv``)."""
    import csv
    from pathlib import Path

    names: set[str] = set()
    words: set[str] = set()
    with (Path(__file__).resolve().parent / "data" / "first_names.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            names.add(row["name"])
            if row["word"] == "1":
                words.add(row["name"])
    return frozenset(names), frozenset(words)


FIRST_NAMES, NAME_WORDS = _first_names()
_PLAIN_NAMES = FIRST_NAMES - NAME_WORDS  # names that are no ordinary word
# ad vocabulary (Spanish and English) and well-known places that are also
# Census first names: names only after a cue
_AD_WORDS = frozenset(
    """latina latino linda bella chica mami mamacita chula nena reina amor morena dulce bonita hermosa
    princess asia india china america paris april june august carolina virginia georgia dakota
    tennessee memphis houston dallas austin denver phoenix sky skye esta este chiquita mas todo dia noche
    sol luz mar cielo una uno zona para por con sin muy las los del nueva nuevo toda hola mee""".split()
)
_PLACE_WORDS = frozenset(w.lower() for p in PLACES for w in re.findall(r"[^\W_]+", p.name))
_UNCUED_NAMES = _PLAIN_NAMES - _AD_WORDS - frozenset(
    p.name.lower() for p in PLACES if " " not in p.name and (p.state != "MO" or _POP.get((p.name, p.state), 0) >= 2000)
)


_NAME_WORDS = frozenset(
    {"i", "im", "my", "name", "names", "ask", "call", "text", "it", "its", "this", "me", "mi", "pregunta", "pregunten", "soy",
     "xoxo", "xo", "love", "kisses", "besos"}
)  # fmt: skip


def names_from_tokens(
    text: str, tokens: list[Token], lows: list[str] | None = None, lowset: set[str] | None = None
) -> list[str]:
    """:func:`extract_names` on a pre-tokenised text.

    A name counts when (1) a cue introduces it ("I'm Candy", "ask 4 mia",
    "soy Valentina", "xoxo Gabriela"): capitalised and not a stop word, or a
    Census first name in any case; (2) it is followed by "here" ("mia
    here"); or (3) without any cue, when it is a Census first name that is
    no ordinary English word, in any case ("JASMINE", "yesenia!!").  Names
    are returned capitalised ("Jasmine"), in text order, each once."""
    if lows is None:
        lows = [t[0].lower() for t in tokens]
    if lowset is None:
        lowset = set(lows)
    found: dict[int, str] = {}  # token index -> name
    if not _NAME_WORDS.isdisjoint(lowset):
        for i in compress(count(), map(_NAME_WORDS.__contains__, lows)):
            if i in found:
                continue
            m = _CUE_RE.match(text, tokens[i][1])
            if m is None:
                continue
            j = i + 1
            while j < len(tokens) and tokens[j][1] < m.end():
                j += 1
            if j >= len(tokens) or not text[m.end() : tokens[j][1]].isspace():
                continue
            tok, low = tokens[j][0], lows[j]
            if not (3 <= len(tok) <= 13) or not tok.isalpha() or low in _NAME_STOP_LOW:
                continue
            strong = m.group("strong") is not None
            if low in _PLAIN_NAMES or (strong and low in FIRST_NAMES):
                found[j] = low.capitalize()
            elif tok[0].isupper() and tok[1:].islower() and low not in _AD_WORDS:
                found[j] = tok  # "I'm Candy", "ask for Mimi": any capitalised word
    for j in compress(count(), map(_UNCUED_NAMES.__contains__, lows)):
        if j in found:
            continue
        tok = tokens[j][0]
        if len(tok) >= 3 and tok.isalpha():
            found[j] = lows[j].capitalize()
    if not _CUE_AFTER.isdisjoint(lowset):
        for j in compress(count(), map(_CUE_AFTER.__contains__, lows)):
            k = j - 1
            if k >= 0 and k not in found and lows[k] in FIRST_NAMES and lows[k] not in _NAME_STOP_LOW:
                found[k] = lows[k].capitalize()
    if found and not _PLACE_WORDS.isdisjoint(lows[j] for j in found):
        # "Louis" in "St. Louis", "Fallon" in "O'Fallon", "Weston": part of a place name
        # (what find_places finds; a match is resolved only when it covers a name)
        for payload, ps, pe in place_lexicon().scan_spans(tokens, lows, lowset):
            inside = [j for j in found if ps <= tokens[j][1] < pe]
            if inside and resolve_place(text, payload, ps, pe) is not None:
                for j in inside:
                    del found[j]
    out: list[str] = []
    for j in sorted(found):
        if found[j] not in out:
            out.append(found[j])
    return out


def extract_names(text: str) -> list[str]:
    """Self-introduced names (``I'm Candy``, ``ask for Mia``, ``yesenia here``), in text order."""
    return names_from_tokens(text, tokens_of(text)) if text else []


def extract(text: str, region: str = "US") -> Extraction:
    """Run every extractor on ``text`` (tokenising it once)."""
    if not text:
        return Extraction()
    tokens = tokens_of(text)
    lows = [t[0].lower() for t in tokens]
    emails = extract_emails(text)
    return Extraction(
        phones=tuple(phones_from_tokens(text, tokens, region)),
        emails=tuple(emails),
        urls=tuple(extract_urls(text, emails)),
        handles=tuple(extract_handles(text, tokens, lows, emails)),
        prices=tuple(prices_from_tokens(text, tokens)),
        ages=tuple(ages_from_tokens(text, tokens)),
        places=tuple(find_places(text, tokens, lows)),
    )
