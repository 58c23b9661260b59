"""Job ads: extraction, each indicator with a positive and a negative example (English and Spanish),
kind validation, and per-kind clustering (kinds only join through a shared identifier)."""

from __future__ import annotations

import json

import pytest

from beacon.adscan import Ad, analyse_ad, scan_records
from beacon.adscan.indicators import AD_INDICATORS, JOB_INDICATORS
from beacon.adscan.jobs import extract_pay
from beacon.adscan.records import iter_records, parse_record
from beacon.adscan.scan import scan_file

from .jobads_data import EVALUATED, labelled_ads

BASE_EN = "Farm workers needed in Sikeston, MO. Delta Farms LLC, 1200 County Road 4, Sikeston. Call 573-555-0101."
BASE_ES = "Se buscan trabajadores del campo en Sikeston. Delta Farms LLC, 1200 County Road 4. Llame al 573-555-0101."


def codes(body: str, title: str = "") -> set[str]:
    return {i.code for i in analyse_ad(Ad(id="1", title=title, body=body, kind="job")).indicators}


# (indicator, English positive, English negative, Spanish positive, Spanish negative)
CASES = [
    ("JOB_WORKER_PAYS_FEES",
     "Recruitment fee of $450 due before you travel.", "No fees are charged to workers.",
     "Cuota de reclutamiento de $450 antes de viajar.", "El patrón paga la visa; sin cobro al trabajador."),
    ("JOB_WORKER_PAYS_FEES",
     "You pay the visa fee of $300 up front.", "The employer pays all visa costs.",
     "Usted paga el costo de la visa.", "No se cobra ninguna cuota de reclutamiento."),
    ("JOB_DEBT_DEDUCTIONS",
     "Rent is deducted from your pay each week.", "Nothing is deducted from your pay for housing.",
     "La renta se descuenta de su pago.", "No se descuenta nada de su pago."),
    ("JOB_DOCUMENTS_HELD",
     "We keep your passport during the season.", "Workers keep their own passports.",
     "Guardamos su pasaporte durante la temporada.", "Cada trabajador conserva su pasaporte."),
    ("JOB_WITHHELD_WAGES",
     "All wages are paid at the end of the season.", "Paid every Friday by direct deposit.",
     "Se paga al final de la temporada.", "Pago cada viernes."),
    ("JOB_RESTRICTED_MOVEMENT",
     "Workers cannot leave the camp.", "Workers are free to come and go.",
     "Los trabajadores no pueden salir del campamento.", "Los trabajadores salen libremente."),
    ("JOB_EXCESSIVE_HOURS",
     "Work 7 days a week, no days off.", "Five days a week, Sundays off.",
     "Trabajo siete días a la semana.", "Cinco días a la semana, domingos libres."),
    ("JOB_NO_PAPERS",
     "No papers needed, no questions asked.", "Must be authorized to work in the United States.",
     "Sin papeles, no hay problema.", "Debe tener permiso para trabajar."),
    ("JOB_HIGH_PAY_NO_EXPERIENCE",
     "Earn $40/hr, no experience needed!", "No experience needed, $15.50/hr to start.",
     "Gane $1,800 a la semana, sin experiencia.", "Sin experiencia, $15 por hora."),
    ("JOB_HOUSING_TRANSPORT",
     "Free housing and transportation provided.", "Bring your own lunch.",
     "Vivienda y transporte incluidos.", "Traiga su almuerzo."),
]


@pytest.mark.parametrize(("code", "en_pos", "en_neg", "es_pos", "es_neg"), CASES)
def test_each_indicator_positive_and_negative_in_both_languages(code, en_pos, en_neg, es_pos, es_neg):
    assert code in codes(f"{BASE_EN} {en_pos}")
    assert code not in codes(f"{BASE_EN} {en_neg}")
    assert code in codes(f"{BASE_ES} {es_pos}")
    assert code not in codes(f"{BASE_ES} {es_neg}")


def test_messaging_only_and_unverifiable_employer():
    shady_en = "Farm work, good pay. WhatsApp only: 573-555-0199"
    shady_es = "Trabajo en el campo, buena paga. Solo por WhatsApp: 573-555-0199"
    for text in (shady_en, shady_es):
        found = codes(text)
        assert {"JOB_MESSAGING_ONLY", "JOB_UNVERIFIABLE_EMPLOYER"} <= found
    for text in (BASE_EN, BASE_ES):
        found = codes(text)
        assert "JOB_MESSAGING_ONLY" not in found
        assert "JOB_UNVERIFIABLE_EMPLOYER" not in found


def test_every_job_indicator_is_covered_by_a_test():
    covered = {c[0] for c in CASES} | {"JOB_MESSAGING_ONLY", "JOB_UNVERIFIABLE_EMPLOYER"}
    assert covered == set(JOB_INDICATORS)
    assert set(JOB_INDICATORS) <= set(AD_INDICATORS)


def test_a_negation_in_another_sentence_does_not_cancel_the_indicator():
    assert "JOB_DEBT_DEDUCTIONS" in codes("No experience. Housing is deducted from your pay.")
    assert "JOB_HOUSING_TRANSPORT" in codes("Sin experiencia. Vivienda incluida.")


@pytest.mark.parametrize(("text", "amount", "unit", "hourly"), [
    ("$15.50/hr", 15.5, "hour", 15.5),
    ("$18 per hour", 18.0, "hour", 18.0),
    ("$150 a day", 150.0, "day", 18.75),
    ("$1,200 weekly", 1200.0, "week", 30.0),
    ("$0.50 per bucket", 0.5, "piece", None),
    ("$15 la hora", 15.0, "hour", 15.0),
    ("$120 por día", 120.0, "day", 15.0),
    ("$900 a la semana", 900.0, "week", 22.5),
    ("$2 por cubeta", 2.0, "piece", None),
])
def test_pay_units_in_both_languages(text, amount, unit, hourly):
    (pay,) = extract_pay(f"Pay: {text}, start Monday.")
    assert (pay.amount, pay.unit, pay.hourly) == (amount, unit, hourly)
    assert pay.raw == text


def test_details_of_a_job_ad():
    a = analyse_ad(Ad(id="1", kind="job", city="Sikeston", state="MO", body=(
        "Tomato harvest. $14.50/hr. Housing provided, the bus ticket is deducted from your pay. "
        "Recruitment fee $300. Company: Bootheel Produce LLC. WhatsApp only +1 573 555 0199")))
    job = a.job
    assert job is not None
    assert job["industry"] == "agriculture"
    assert job["employer"] == "Bootheel Produce LLC"
    assert job["employer_verifiable"] is False  # a name alone: no address, registration or website
    assert set(job["fees"]) >= {"recruitment", "transport"}
    assert job["housing"] is True
    assert job["messaging_only"] is True
    assert "whatsapp" in job["contact"]
    assert job["worksite"] == "Sikeston, MO"
    assert [p["unit"] for p in job["pay"]] == ["hour"]
    # evidence spans point at the ad's text
    for ind in a.indicators:
        if ind.span is not None:
            assert a.ad.body[ind.span[0]:ind.span[1]].lower() == ind.evidence.lower()


@pytest.mark.parametrize(("text", "industry"), [
    ("Line cooks and dishwashers for our restaurant", "restaurants"),
    ("Se buscan techeros y albañiles", "construction"),
    ("Door to door magazine sales crew, travel the country", "traveling_sales_crews"),
    ("Live-in nanny and housekeeper for a family", "domestic_work"),
    ("Masajista para spa, vivienda incluida", "illicit_massage"),
])
def test_industry_follows_the_polaris_typology(text, industry):
    a = analyse_ad(Ad(id="1", body=text, kind="job"))
    assert a.job is not None and a.job["industry"] == industry


def test_escort_ads_are_not_read_with_the_job_catalogue():
    a = analyse_ad(Ad(id="1", body="Recruitment fee of $450. We keep your passport."))
    assert a.job is None
    assert not any(i.code.startswith("JOB_") for i in a.indicators)


# --- kind on input ------------------------------------------------------------------------------
def test_kind_per_record_and_per_feed():
    assert parse_record({"id": "1"}).kind == "escort"
    assert parse_record({"id": "1"}, kind="job").kind == "job"
    assert parse_record({"id": "1", "kind": " JOB "}).kind == "job"
    assert parse_record({"id": "1", "kind": "escort"}, kind="job").kind == "escort"
    with pytest.raises(ValueError, match="unknown kind 'labour': expected one of escort, job"):
        parse_record({"id": "1", "kind": "labour"})
    with pytest.raises(ValueError, match="'kind' must be a string"):
        parse_record({"id": "1", "kind": 3})
    with pytest.raises(ValueError, match="unknown kind"):
        list(iter_records([{"id": "1"}], kind="jobs"))


def test_bad_kind_rows_are_rejected_with_a_reason_and_the_rest_kept(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in [
        {"id": "1", "body": "Farm work. Recruitment fee $300."},
        {"id": "2", "kind": "massage", "body": "x"},
        {"id": "3", "kind": "escort", "body": "new in town"},
    ]) + "\n")
    result = scan_file(p, kind="job", min_cluster_size=1)
    assert [(r.line, r.reason) for r in result.rejected] == [(2, "unknown kind 'massage': expected one of escort, job")]
    kinds = {a.ad.id: a.ad.kind for a in result.ads}
    assert kinds == {"1": "job", "3": "escort"}


# --- operations -------------------------------------------------------------------------------
OFFER = ("Farm workers needed now. Earn $40/hr, no experience needed! Housing provided, deducted from your pay. "
         "Recruitment fee $400. {company}. WhatsApp only: 573-555-0199")


def test_one_recruiter_under_several_company_names_in_several_towns_is_one_operation():
    towns = ["Sikeston", "Kennett", "Poplar Bluff", "Cape Girardeau"]
    companies = ["Delta Farms LLC", "River Bend Farms LLC", "Ozark Produce LLC", "Cedar Farms LLC"]
    recs = [{"id": str(i), "kind": "job", "city": t, "state": "MO", "body": OFFER.format(company=c)}
            for i, (t, c) in enumerate(zip(towns, companies, strict=True))]
    result = scan_records(recs)
    (op,) = result.operations
    assert len(op.ad_ids) == 4
    assert op.kinds == ["job"]
    assert op.industry == "agriculture"
    reasons = {r.code: r for r in op.reasons}
    assert "OP_JOB_MANY_EMPLOYERS" in reasons
    assert "4 employer names" in reasons["OP_JOB_MANY_EMPLOYERS"].evidence
    assert "OP_JOB_MANY_TOWNS" in reasons
    assert "OP_RAPID_MOVEMENT" not in reasons  # escort-ad movement is not scored for job ads


def test_job_and_escort_ads_never_join_on_text_only_on_a_shared_identifier():
    text = "Sweet young girl new in town, call now for a good time with me tonight downtown"
    recs = [{"id": "e1", "body": text}, {"id": "e2", "body": text + " ok"},
            {"id": "j1", "kind": "job", "body": text}, {"id": "j2", "kind": "job", "body": text + " ok"}]
    ops = scan_records(recs).operations
    assert sorted(o.kinds for o in ops) == [["escort"], ["job"]]
    # a shared phone links them, and the operation says so
    recs[0]["body"] += " 816-555-0142"
    recs[2]["body"] += " 816-555-0142"
    (op,) = scan_records(recs).operations
    assert op.kinds == ["escort", "job"]
    cross = next(r for r in op.reasons if r.code == "OP_CROSS_KIND_LINK")
    assert "+18165550142" in cross.evidence


def test_legitimate_housing_alone_does_not_rank_high():
    ops = labelled_ads(seed=5, operations_per_cell=2)
    recs = [a.record for o in ops for a in o.ads]
    truth = {a.record["id"]: o.exploitative for o in ops for a in o.ads}
    ranked = scan_records(recs, min_cluster_size=1).operations
    housing_legit = [o for o in ranked if not truth[o.ad_ids[0]]]
    assert housing_legit, "the set has legitimate operations"
    best_exploit = min(o.risk for o in ranked if truth[o.ad_ids[0]])
    assert max(o.risk for o in housing_legit) < best_exploit
    # legitimate agricultural ads all mention housing or transport
    assert all("JOB_HOUSING_TRANSPORT" in a.expected for o in ops if o.industry == "agriculture" for a in o.ads)


def test_labelled_set_indicators_are_found():
    """Every evaluated indicator is found at least once and never on a legitimate ad's lawful wording."""
    ops = labelled_ads(seed=11, operations_per_cell=2)
    seen: set[str] = set()
    for o in ops:
        for a in o.ads:
            got = {i.code for i in analyse_ad(parse_record(a.record)).indicators}
            seen |= got & a.expected
            if not o.exploitative:
                assert got & set(EVALUATED) <= {"JOB_HOUSING_TRANSPORT"}, a.record["body"]
    assert seen == set(EVALUATED)


# --- properties -----------------------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

WORDS = st.sampled_from(["no", "fee", "recruitment", "passport", "keep", "your", "$40/hr", "sin", "cuota",
                         "experiencia", "WhatsApp", "only", "solo", "housing", "deducted", "from", "pay", ".",
                         "7", "days", "a", "week", "Farms", "LLC", "días", "semana", "\n", "😀", "$1,200"])


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, max_size=40).map(" ".join), st.text(max_size=60))
def test_job_analysis_spans_always_point_at_their_evidence(body: str, title: str) -> None:
    a = analyse_ad(Ad(id="p", title=title, body=body, kind="job"))
    assert a.job is not None
    for ind in a.indicators:
        assert ind.code in JOB_INDICATORS
        if ind.span is None:
            continue
        text = a.ad.title if ind.field == "title" else a.ad.body
        s, e = ind.span
        assert 0 <= s < e <= len(text)
        if ind.code != "JOB_HIGH_PAY_NO_EXPERIENCE":  # its evidence adds the pay it was promised with
            assert text[s:e] == ind.evidence
    for p in a.job["pay"]:
        assert p["amount"] > 0 and p["raw"] in f"{title}\n{body}"
