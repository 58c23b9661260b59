"""Ad-level indicators: codes, weights, evidence spans, risk."""

from __future__ import annotations

from beacon.adscan import AD_INDICATORS, Ad, analyse_ad


def _span_text(ad: Ad, field: str | None, span: tuple[int, int] | None) -> str:
    assert field is not None and span is not None
    return getattr(ad, field)[span[0] : span[1]]


def test_indicator_spans_point_at_evidence() -> None:
    ad = Ad(
        id="a1",
        title="Petite Latina NEW IN TOWN",
        body="Upscale and discreet. Text eight one six two three four five six seven eight. She is waiting.",
        age="17",
    )
    a = analyse_ad(ad)
    by_code = {i.code: i for i in a.indicators}
    assert set(by_code) == {
        "AD_YOUTH_LANGUAGE",
        "AD_ETHNICITY",
        "AD_MOVEMENT_LANGUAGE",
        "AD_TRUSTWORTHY",
        "AD_OBSCURED_PHONE",
        "AD_THIRD_PERSON",
        "AD_STATED_AGE_MINOR",
    }
    for ind in a.indicators:
        assert _span_text(ad, ind.field, ind.span) == ind.evidence
        assert ind.weight == AD_INDICATORS[ind.code].weight
    assert by_code["AD_YOUTH_LANGUAGE"].evidence == "Petite"
    assert by_code["AD_ETHNICITY"].evidence == "Latina"
    assert by_code["AD_MOVEMENT_LANGUAGE"].evidence == "NEW IN TOWN"
    assert by_code["AD_TRUSTWORTHY"].evidence == "Upscale"
    assert by_code["AD_OBSCURED_PHONE"].evidence.startswith("eight one six")
    assert by_code["AD_STATED_AGE_MINOR"].field == "age"
    assert a.phones == ["+18162345678"]
    assert a.risk == round(sum(i.weight for i in a.indicators), 3)


def test_movement_language_lowers_risk() -> None:
    assert AD_INDICATORS["AD_MOVEMENT_LANGUAGE"].weight < 0
    base = analyse_ad(Ad(id="b", body="Sweet companion, call 816-234-5678"))
    moved = analyse_ad(Ad(id="c", body="New in town! Sweet companion, call 816-234-5678"))
    assert moved.risk <= base.risk
    assert [i.code for i in moved.indicators] == ["AD_MOVEMENT_LANGUAGE"]


def test_plain_phone_is_not_obscured_and_benign_ad_scores_zero() -> None:
    a = analyse_ad(Ad(id="d", title="Massage", body="Relaxing massage, call (816) 234-5678, $80/hr"))
    assert a.indicators == []
    assert a.risk == 0
    assert a.prices[0].amount == 80


def test_phone_field_and_city_normalised() -> None:
    a = analyse_ad(Ad(id="e", body="hi", phone="8l6 234 5678", city="st louis", state="Missouri"))
    assert a.phones == ["+18162345678"]
    assert [i.code for i in a.indicators] == ["AD_OBSCURED_PHONE"]
    assert a.indicators[0].field == "phone"
    assert a.place is not None and a.place.name == "St. Louis"
    d = a.to_dict()
    assert d["city"] == "St. Louis" and d["state"] == "MO"
    assert d["indicators"][0]["code"] == "AD_OBSCURED_PHONE"
