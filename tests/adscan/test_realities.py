"""What real ads do that the first generator never did: Spanish phones and
phrases, look-alike digits, slashed numbers, lower-case names, Census places
and namesakes across the state line."""

from __future__ import annotations

import pytest

from beacon.adscan import analyse_ad, extract_names, extract_phones, find_places, normalise_city
from beacon.adscan.places import INTERSTATES, PLACES
from beacon.adscan.records import parse_record


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("llámame ocho uno seis dos tres cuatro cinco seis siete ocho", "+18162345678"),
        ("ocho1six 234 5678", "+18162345678"),
        ("Cero: no. Mi numero: tres uno cuatro, 2 9 8, cinco cinco 1 2", "+13142985512"),
        ("call 816/234/5678 now", "+18162345678"),
        ("816 / 234-5678", "+18162345678"),
        ("8l6-2E4-S678", "+18162345678"),
        ("B16 234 S678", "+18162345678"),
    ],
)
def test_spanish_and_lookalike_phones(text: str, e164: str) -> None:
    assert [p.e164 for p in extract_phones(text)] == [e164]


@pytest.mark.parametrize(
    "text",
    [
        "dos tres cuatro chicas, uno mas",  # number words that are no phone
        "in my 80s 90s and 2000s BBE",
        "today 12/25/2024 and 24/7",
        "SEE BBS 5 times",  # S/B/E without digits inside the token stay letters
        "rates 100/150/200 roses",
    ],
)
def test_no_spurious_phones(text: str) -> None:
    assert extract_phones(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("jasmine here, come see me", ["Jasmine"]),
        ("its yesenia 4 u", ["Yesenia"]),
        ("hola papi soy valentina", ["Valentina"]),
        ("ask 4 honey", ["Honey"]),  # an ordinary word, but introduced
        ("xoxo Gabriela", ["Gabriela"]),
        ("Marisol!! new pics", ["Marisol"]),
        ("I'm Candy", ["Candy"]),
        ("honey sugar angel baby, sweet and sunny", []),  # ordinary words without a cue
        ("its may and june is hot", []),
        ("linda chica latina", []),  # Spanish ad words, not names
        ("I'm new in town", []),
    ],
)
def test_names_lower_case_and_without_cue(text: str, names: list[str]) -> None:
    assert extract_names(text) == names


def _keys(text: str) -> list[str]:
    return [m.place.key for m in find_places(text)]


def test_census_places_are_known() -> None:
    mo = [p for p in PLACES if p.state == "MO"]
    assert len({p.name for p in mo}) >= 1081
    assert normalise_city("Peculiar") is not None  # a Census place the old list lacked
    assert normalise_city("tulsa").state == "OK"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Incall in Independence tonight", ["Independence, MO"]),
        ("Independence day special", []),
        ("visiting Liberty this week", ["Liberty, MO"]),
        ("give me liberty", []),
        ("pay in advance", []),
        ("Union, MO", ["Union, MO"]),
        ("florida girl visiting", []),
        ("Florida, MO", ["Florida, MO"]),
        ("Mexico MO tonight", ["Mexico, MO"]),
        ("latina from mexico", []),
    ],
)
def test_common_word_places_need_context(text: str, keys: list[str]) -> None:
    assert _keys(text) == keys


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("visiting Springfield IL this week", ["Springfield, IL"]),
        ("Springfield, Illinois", ["Springfield, IL"]),
        ("in Springfield tonight", ["Springfield, MO"]),  # default: Missouri
        ("Springfield, then Chicago, Illinois", ["Springfield, IL", "Chicago, IL"]),  # a state named in the ad
        ("new in Kansas City", ["Kansas City, MO"]),
        ("Kansas City KS incall", ["Kansas City, KS"]),
        ("Columbia", ["Columbia, MO"]),
        ("in Tulsa then Wichita then Memphis", ["Tulsa, OK", "Wichita, KS", "Memphis, TN"]),
        ("Memphis, MO", ["Memphis, MO"]),
    ],
)
def test_namesakes(text: str, keys: list[str]) -> None:
    assert _keys(text) == keys


def test_interstates_resolve() -> None:
    for road, cities in INTERSTATES.items():
        for name, state in cities:
            p = normalise_city(name, state)
            assert p is not None and p.state == state, (road, name, state)


def test_spanish_ad_analysed() -> None:
    a = analyse_ad(parse_record({
        "id": "1", "title": "Jovencita colombiana recién llegada",
        "body": "Hola papi, soy Valentina, discreta y fotos reales. Visitando Independence. "
                "Llama al ocho uno seis 2E4 S678",
    }))  # fmt: skip
    codes = {i.code for i in a.indicators}
    assert {"AD_YOUTH_LANGUAGE", "AD_ETHNICITY", "AD_MOVEMENT_LANGUAGE", "AD_TRUSTWORTHY", "AD_OBSCURED_PHONE"} <= codes
    assert a.phones == ["+18162345678"]
    assert a.names == ["Valentina"]
    assert a.place is not None and a.place.key == "Independence, MO"
