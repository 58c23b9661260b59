from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from beacon.tips import triage

codes = st.lists(st.sampled_from(sorted(triage.INDICATORS) + ["bogus"]), max_size=8)


@given(danger=st.booleans(), minor=st.booleans(), indicators=codes, ids=st.integers(0, 20))
def test_priority_is_always_1_to_4_with_a_reason(danger: bool, minor: bool, indicators: list[str], ids: int) -> None:
    result = triage.compute(danger=danger, minor=minor, indicators=indicators, identifier_count=ids)
    assert result.priority in (1, 2, 3, 4)
    assert result.reasons
    # Danger or a minor is always P1; P1 never happens otherwise.
    assert (result.priority == 1) == (danger or minor)


@given(indicators=codes, ids=st.integers(0, 5))
def test_coercion_is_at_least_p2(indicators: list[str], ids: int) -> None:
    result = triage.compute(danger=False, minor=False, indicators=indicators, identifier_count=ids)
    if set(indicators) & triage.COERCION:
        assert result.priority == 2
    elif not set(indicators) & set(triage.INDICATORS) and not ids:
        assert result.priority == 4


def test_rules_in_order() -> None:
    assert triage.compute(danger=False, minor=True, indicators=[], identifier_count=0).reasons == ("Involves someone under 18",)
    both = triage.compute(danger=True, minor=False, indicators=["threatened"], identifier_count=0)
    assert both.priority == 1 and len(both.reasons) == 2
    assert triage.compute(danger=False, minor=False, indicators=["unpaid", "scripted", "lives_at_work"],
                          identifier_count=0).priority == 2
    assert triage.compute(danger=False, minor=False, indicators=["unpaid"], identifier_count=0).priority == 3
    assert triage.compute(danger=False, minor=False, indicators=[], identifier_count=1).priority == 3
    assert triage.compute(danger=False, minor=False, indicators=[], identifier_count=0).priority == 4


def test_spam_is_p4_even_when_it_claims_danger() -> None:
    reason = triage.spam_reason(honeypot="http://spam", url_count=0)
    assert reason
    result = triage.compute(danger=True, minor=True, indicators=[], identifier_count=3, spam_reason=reason)
    assert result.priority == 4 and result.reasons[0].startswith("Marked as spam")
    assert triage.spam_reason(honeypot="", url_count=5)
    assert triage.spam_reason(honeypot="  ", url_count=4) == ""
