from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from beacon.tips.extract import identifiers_in_tip


def kinds(**kwargs: object) -> set[tuple[str, str]]:
    data = {"narrative": "", "place_text": "", "subjects": {}} | kwargs
    return {(c.kind, c.value) for c in identifiers_in_tip(**data)}  # type: ignore[arg-type]


def test_obfuscated_phone_and_accounts_in_text() -> None:
    found = kinds(narrative="Text eight one six 555 o1o1 and ask for Roxy, snap: candy_kc, roxy@example.com")
    assert ("phone", "+18165550101") in found
    assert ("handle", "snapchat:candy_kc") in found
    assert ("email", "roxy@example.com") in found


def test_plates_and_addresses_in_text() -> None:
    found = kinds(narrative="A white van, plate MO-ABC 1234, parks at 1200 North Main Street every night.")
    assert ("plate", "MO:ABC1234") in found
    assert ("address", "1200 n main st") in found
    assert ("plate", "MO:ABC1234") in kinds(narrative="black truck, tag mo abc1234, parked out back")
    assert ("plate", "XX:XYZ987") in kinds(narrative="license plate XYZ 987")


def test_structured_fields() -> None:
    found = kinds(subjects={
        "phones": ["(816) 555-0199", "eight one six five five five zero one zero one"],
        "accounts": ["@candy_kc", "https://www.example.com/ads/9/", "a@b.org"],
        "vehicles": [{"description": "silver sedan", "plate": "xyz 987", "state": "mo"}],
        "businesses": [{"name": "Happy Spa", "address": "44 Elm Avenue"}],
    }, place_text="300 W 5th Street, Kansas City")
    assert {("phone", "+18165550199"), ("phone", "+18165550101"), ("handle", "at:candy_kc"),
            ("url", "example.com/ads/9"), ("email", "a@b.org"), ("plate", "MO:XYZ987"),
            ("address", "44 elm ave"), ("address", "300 w 5th st kansas city")} <= found


@given(sep=st.sampled_from(["-", ".", " ", ""]), paren=st.booleans(), prefix=st.sampled_from(["", "call ", "txt: "]))
def test_every_spelling_of_a_phone_normalises_the_same(sep: str, paren: bool, prefix: str) -> None:
    area = "(816)" if paren else "816"
    text = f"{prefix}{area}{sep if not paren else ' '}555{sep}0101 tonight"
    assert ("phone", "+18165550101") in kinds(narrative=text)


def test_nothing_in_plain_text() -> None:
    assert kinds(narrative="I saw something strange near the park last week.") == set()
