"""Extraction: obfuscated phones, decoys, spans, other entities."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beacon.adscan import (
    extract,
    extract_ages,
    extract_emails,
    extract_handles,
    extract_phones,
    extract_prices,
    extract_urls,
    find_places,
    normalise_city,
    normalise_phone,
)
from beacon.adscan.extract import _validate, _validate_slow

E = "+18162345678"

PHONES = [
    ("call 816-234-5678 now", E, False),
    ("(816) 234-5678", E, False),
    ("816.234.5678", E, False),
    ("+1 816 234 5678", E, False),
    ("1-816-234-5678", E, False),
    ("Call816-234-5678now", E, False),
    ("eight one six two three four five six seven eight", E, True),
    ("eight one six 2three4 5six7eight", E, True),
    ("8l6-234-567eight", E, True),
    ("call 8l6 234 5678", E, True),
    ("8💋1💋6 2.3.4 5🌹6🌹7🌹8", E, True),
    ("８１６-２３４-５６７８", E, True),
    ("𝟖𝟏𝟔 𝟐𝟑𝟒 𝟓𝟔𝟕𝟖", E, True),
    ("8 1 6 2 3 4 5 6 7 8", E, True),
    ("8️⃣1️⃣6️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣", E, True),
    ("816*234*5678", E, True),
    ("text me at eight16 two34 five678 ok", E, True),
    ("call 816 555 O1O1", "+18165550101", True),
    ("available 24/7 816-234-5678", E, False),
    ("Dec 25, 2023 816-234-5678", E, False),
    ("Kansas City, MO 64105 8162345678", E, False),
    ("2023-12-25 10:30 call 816 234 5678 $200/hr", E, False),
    ("5'6\" 130lbs 34C-24-36 call 816-234-5678", E, False),
]

DECOYS = [
    "Posted 2023-12-25 10:30",
    "12/25/2023 and 01/02/2024",
    "Open 24/7, 24 hrs",
    "$150 hh $250 hr 300 roses overnight",
    "rates 150 200 300 400",
    "5'6\" 130 lbs 36-24-36 size 4",
    "Kansas City, MO 64105",
    "zip 63101 63102",
    "I'm 19 yrs old, 21yo",
    "call me at 10pm or 11:30 am",
    "Room 1204, floor 12, 2 girls",
    "ref #20231225103000",
    "one two three",
    "lol I love you",
    "$1,500 overnight, 2,000 weekend",
]


@pytest.mark.parametrize(("text", "e164", "obfuscated"), PHONES)
def test_phone_table(text: str, e164: str, obfuscated: bool) -> None:
    found = extract_phones(text)
    assert [p.e164 for p in found] == [e164], found
    p = found[0]
    assert text[p.span[0] : p.span[1]] == p.raw
    assert p.obfuscated is obfuscated


@pytest.mark.parametrize("text", DECOYS)
def test_decoys_are_not_phones(text: str) -> None:
    assert extract_phones(text) == []


def test_two_phones_and_spans() -> None:
    text = "Candy 816-234-5678 or Mia (314) 876-5432 😘"
    found = extract_phones(text)
    assert [p.e164 for p in found] == [E, "+13148765432"]
    assert [text[s:e] for s, e in (p.span for p in found)] == ["816-234-5678", "(314) 876-5432"]


def test_international_with_plus() -> None:
    assert [p.e164 for p in extract_phones("uk +44 20 7946 0958")] == ["+442079460958"]


def test_normalise_phone() -> None:
    assert normalise_phone("(816) 234-5678") == E
    assert normalise_phone("eight one six two three four five six seven eight") == E
    assert normalise_phone("12/25/2023") is None
    assert normalise_phone("") is None
    assert normalise_phone(None) is None


def test_nanp_fast_path_agrees_with_phonenumbers() -> None:
    import random

    rng = random.Random(5)
    for _ in range(400):
        d = f"{rng.randint(200, 999)}{rng.randint(100, 999)}{rng.randint(0, 9999):04d}"
        assert _validate(d, False, "US") == _validate_slow(d, False, "US"), d
    # a national number cannot start with 0 or 1 (phonenumbers would read "011"
    # as the international prefix): never a +1 number
    assert _validate("0114312598", False, "US") is None
    assert _validate("1234567890", False, "US") is None


def test_emails_urls_handles() -> None:
    text = "mail candy.kc (at) gmail (dot) com or x.y@mail.com, see www.candy.com; snap: candy_kc kik me sweetmia"
    emails = extract_emails(text)
    assert [e.value for e in emails] == ["candy.kc@gmail.com", "x.y@mail.com"]
    for e in emails:
        assert text[e.span[0] : e.span[1]] == e.raw
    assert [u.value for u in extract_urls(text)] == ["http://www.candy.com"]
    handles = extract_handles(text)
    assert [h.key for h in handles] == ["snapchat:candy_kc", "kik:sweetmia"]
    for h in handles:
        assert text[h.span[0] : h.span[1]] == h.raw
    assert extract_handles("lots of fun at my place") == []
    assert [h.key for h in extract_handles("ig:@lola.x and onlyfans.com/lola $CashMe")] == [
        "instagram:lola.x",
        "onlyfans:lola",
        "cashapp:cashme",
    ]


def test_prices_and_ages() -> None:
    prices = extract_prices("$150 hh, 250 roses/hr, 100 qv, 80/30min")
    assert [(p.amount, p.unit) for p in prices] == [
        (150, "half hour"),
        (250, "hour"),
        (100, "quick visit"),
        (80, "30 min"),
    ]
    ages = extract_ages("Age: 19, 21yo, I'm 22 and I'm 5 mins away")
    assert [a.age for a in ages] == [19, 21, 22]


def test_places() -> None:
    text = "New in St Louis, then saint charles, KC and Lees Summit; Springfield, IL next. liberty!"
    found = find_places(text)
    assert [(m.place.name, m.place.state) for m in found] == [
        ("St. Louis", "MO"),
        ("St. Charles", "MO"),
        ("Kansas City", "MO"),
        ("Lee's Summit", "MO"),
        ("Springfield", "IL"),
    ]
    for m in found:
        assert text[m.span[0] : m.span[1]] == m.raw
    assert normalise_city("kansas city", "KS") is not None
    assert normalise_city("kansas city", "KS").state == "KS"  # type: ignore[union-attr]
    assert normalise_city("Kansas City, MO").state == "MO"  # type: ignore[union-attr]
    assert normalise_city("O'Fallon").name == "O'Fallon"  # type: ignore[union-attr]
    assert normalise_city("Atlantis") is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_extraction_never_crashes_and_spans_index_text(text: str) -> None:
    ex = extract(text)
    for group in (ex.phones, ex.emails, ex.urls, ex.handles, ex.prices, ex.ages, ex.places):
        for m in group:
            s, e = m.span
            assert 0 <= s <= e <= len(text)
            assert text[s:e] == m.raw
    for p in ex.phones:
        assert phonenumbers.is_valid_number(phonenumbers.parse(p.e164, None))
        assert p.e164.startswith("+")


_digits = st.sampled_from(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
# "-" and "." are left out: "1-1-00" is a legitimate date decoy
_seps = st.sampled_from(["", " ", "💋", "  ", "*", " 🌹 "])


@settings(max_examples=200, deadline=None)
@given(st.lists(_digits, min_size=10, max_size=10), st.lists(_seps, min_size=9, max_size=9))
def test_separated_digits_roundtrip(digits: list[str], seps: list[str]) -> None:
    d = "".join(digits)
    text = "call " + "".join(a + b for a, b in zip(digits, [*seps, ""], strict=True)) + " now"
    found = extract_phones(text)
    valid = _validate_slow(d, False, "US")
    if valid is None:
        assert all(p.e164 != "+1" + d for p in found)
    else:
        assert [p.e164 for p in found] == [valid]
