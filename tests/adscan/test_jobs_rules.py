"""Job ads, issue #17 review: the sentence rules (indicators found as concepts, not listed phrases),
and the extraction fixes that the second labelled set (tests/adscan/jobads_board.py) showed.

Each test here failed before the rules and fixes of beacon.adscan.jobs it covers."""

from __future__ import annotations

from statistics import median

import pytest

from beacon.adscan import Ad, analyse_ad, scan_records
from beacon.adscan.indicators import JOB_INDICATORS
from beacon.adscan.jobs import extract_pay
from beacon.adscan.records import parse_record

from .jobads_board import SETTINGS, board_ads
from .jobads_data import EVALUATED

BASE = "Farm workers in Kennett. $15.50/hr. Delta Farms LLC, 1200 County Road 4, Kennett, MO. {s} Call 573-555-0101."


def codes(body: str) -> set[str]:
    return {i.code for i in analyse_ad(Ad(id="1", kind="job", body=body)).indicators}


# (indicator, wording none of the phrase lists holds, lawful wording with the same topic words), EN and ES
RULES = [
    ("JOB_WORKER_PAYS_FEES", "Each recruit owes a $500 charge for the contract paperwork.",
     "There is no charge for the contract paperwork."),
    ("JOB_WORKER_PAYS_FEES", "Se cobran $400 por el trámite del contrato.", "El empleador cubre el trámite del contrato."),
    ("JOB_DEBT_DEDUCTIONS", "The bus ticket is recovered from your earnings over four weeks.",
     "The bus ticket is reimbursed with your first earnings."),
    ("JOB_DEBT_DEDUCTIONS", "El boleto se le rebaja del cheque.", "El boleto se reembolsa con el primer cheque."),
    ("JOB_DOCUMENTS_HELD", "The foreman collects every ID on day one.", "Workers keep their own ID at all times."),
    ("JOB_DOCUMENTS_HELD", "El encargado recoge los pasaportes al llegar.",
     "Cada quien conserva su propio pasaporte."),
    ("JOB_WITHHELD_WAGES", "Wages are held until the contract is finished.", "Wages are paid every week of the contract."),
    ("JOB_WITHHELD_WAGES", "El sueldo se entrega al terminar la temporada.", "El sueldo se entrega cada semana de la temporada."),
    ("JOB_RESTRICTED_MOVEMENT", "Nobody leaves the ranch on weekends.", "Workers are free to leave the ranch on weekends."),
    ("JOB_RESTRICTED_MOVEMENT", "Nadie sale del rancho sin permiso del patrón.", "Los trabajadores pueden salir del rancho."),
    ("JOB_EXCESSIVE_HOURS", "Schedule: Monday through Sunday, 5am to 8pm.", "Schedule: Monday to Friday, 7am to 3pm."),
    ("JOB_EXCESSIVE_HOURS", "Turnos de 14 horas.", "Turnos de 8 horas, de lunes a viernes."),
    ("JOB_NO_PAPERS", "Social security number not required.", "Social security number required for payroll."),
    ("JOB_NO_PAPERS", "No importa si no tiene seguro social.", "Se requiere número de seguro social."),
    ("JOB_MESSAGING_ONLY", "Questions by Telegram, we do not take calls.", "Questions by Telegram or call the office."),
    ("JOB_MESSAGING_ONLY", "Escriba por WhatsApp, no contestamos llamadas.", "Escriba por WhatsApp o llame a la oficina."),
]


@pytest.mark.parametrize(("code", "positive", "lawful"), RULES)
def test_sentence_rules_find_what_the_phrase_lists_do_not(code: str, positive: str, lawful: str) -> None:
    assert code in codes(BASE.format(s=positive)), positive
    assert code not in codes(BASE.format(s=lawful)), lawful


def test_rule_evidence_is_highlighted_where_it_is():
    body = BASE.format(s="The foreman collects every ID on day one.")
    (ind,) = [i for i in analyse_ad(Ad(id="1", kind="job", body=body)).indicators if i.code == "JOB_DOCUMENTS_HELD"]
    assert ind.evidence == "collects every ID" and body[ind.span[0]:ind.span[1]] == ind.evidence


def test_high_pay_for_beginners_in_other_words():
    assert "JOB_HIGH_PAY_NO_EXPERIENCE" in codes("Beginners welcome, we train you. $1,600 per week. Call 573-555-0101.")
    assert "JOB_HIGH_PAY_NO_EXPERIENCE" in codes("Aceptamos principiantes. $300 diarios. Llame al 573-555-0101.")
    assert "JOB_HIGH_PAY_NO_EXPERIENCE" not in codes("Beginners welcome, we train you. $16 per hour. Call 573-555-0101.")


def test_pay_written_as_diarios_and_semanales():
    assert [(p.amount, p.unit) for p in extract_pay("Gane $300 diarios o $1,500 semanales.")] == [
        (300.0, "day"), (1500.0, "week")]


def test_free_housing_is_housing_provided():
    assert "JOB_HOUSING_TRANSPORT" in codes(BASE.format(s="Free employer-provided housing."))
    assert "JOB_HOUSING_TRANSPORT" in codes(BASE.format(s="Free weekly shuttle to town."))
    assert "JOB_HOUSING_TRANSPORT" not in codes(BASE.format(s="No housing available."))


def test_a_no_cost_housing_sentence_does_not_cancel_a_recruitment_fee():
    body = BASE.format(s="Housing at no cost to workers. A $350 recruitment fee is due on arrival.")
    assert "JOB_WORKER_PAYS_FEES" in codes(body)
    # a statement about fees still cancels them anywhere in the ad
    assert "JOB_WORKER_PAYS_FEES" not in codes(BASE.format(s="No fees charged to workers. Visa fee paid by us."))


def test_the_employer_covering_the_visa_fee_is_not_a_fee():
    assert "JOB_WORKER_PAYS_FEES" not in codes(BASE.format(s="The employer covers the visa fee."))
    assert "JOB_WORKER_PAYS_FEES" in codes(BASE.format(s="You cover the visa fee."))


def test_a_number_given_only_as_a_whatsapp_contact_is_messaging_only():
    assert "JOB_MESSAGING_ONLY" in codes("Hotel housekeepers. Stone Creek Lodge. Send your name by WhatsApp: (573) 555-0102")
    assert "JOB_MESSAGING_ONLY" not in codes(
        "Hotel housekeepers. Stone Creek Lodge. WhatsApp (573) 555-0102 or call the front desk at (573) 555-0199")
    assert "JOB_MESSAGING_ONLY" in codes("Hotel housekeepers. Stone Creek Lodge. WhatsApp al +1 573 555 0102")
    # a number in the next sentence is not the app's
    assert "JOB_MESSAGING_ONLY" not in codes("Hotel housekeepers. Stone Creek Lodge. O mande WhatsApp. Call 573-555-0101.")


def test_a_website_and_a_numbered_highway_make_the_employer_verifiable():
    a = analyse_ad(Ad(id="1", kind="job", body="Help an elderly lady. Apply online at www.family9.com."))
    assert a.job is not None and "website" in a.job["verifiable_by"]
    assert "JOB_UNVERIFIABLE_EMPLOYER" not in {i.code for i in a.indicators}
    b = analyse_ad(Ad(id="1", kind="job", body="Farm hands. Apply in person at 6008 Highway 84, Kennett."))
    assert b.job is not None and "address" in b.job["verifiable_by"]


def test_a_job_title_is_not_an_employer_name():
    a = analyse_ad(Ad(id="1", kind="job", title="Seasonal Nursery Worker - Kennett, MO",
                      body="Employer: Stone Creek Produce, 4799 Commerce Drive, Kennett."))
    assert a.job is not None and a.job["employer"] == "Stone Creek Produce"
    b = analyse_ad(Ad(id="1", kind="job", title="Seasonal Nursery Worker - Kennett, MO", body="Call 573-555-0101."))
    assert b.job is not None and b.job["employer"] == ""


def test_every_day_is_a_schedule_only_beside_work():
    assert "JOB_EXCESSIVE_HOURS" not in codes(BASE.format(s="Transporte incluido todos los días."))
    assert "JOB_EXCESSIVE_HOURS" not in codes(BASE.format(s="Our farm stand is open 7 days a week."))
    assert "JOB_EXCESSIVE_HOURS" in codes(BASE.format(s="Se trabaja todos los días."))


def test_every_indicator_has_a_positive_and_a_negative_in_both_labelled_sets():
    from .test_jobs import CASES

    covered = {c[0] for c in CASES} | {"JOB_MESSAGING_ONLY", "JOB_UNVERIFIABLE_EMPLOYER"} | {r[0] for r in RULES}
    assert covered == set(JOB_INDICATORS)
    ads = [a for s in SETTINGS[:2] for o in board_ads(s) for a in o.ads]
    for code in EVALUATED:
        assert any(code in a.expected for a in ads), code
        assert any(code not in a.expected for a in ads), code


def test_second_labelled_set_floors():
    """Precision and recall of every indicator, and the top 20, on two draws of the second set.

    The floors are below the measured figures (docs/benchmarks.md: all 1.000 but the unverifiable
    employer, precision min 0.864 in Spanish): they catch a regression of the method, not noise."""
    tops: list[float] = []
    for setting in SETTINGS[:2]:
        ops = board_ads(setting)
        truth = {a.record["id"]: a for o in ops for a in o.ads}
        result = scan_records([a for o in ops for a in (x.record for x in o.ads)], min_cluster_size=1)
        for code in EVALUATED:
            tp = fp = fn = 0
            for analysed in result.ads:
                got = code in {i.code for i in analysed.indicators}
                want = code in truth[analysed.ad.id].expected
                tp += got and want
                fp += got and not want
                fn += want and not got
            if tp + fp:
                assert tp / (tp + fp) >= 0.8, (setting.seed, code, tp, fp, fn)
            if tp + fn:
                assert tp / (tp + fn) >= 0.8, (setting.seed, code, tp, fp, fn)
        top = result.operations[:20]
        tops.append(sum(truth[o.ad_ids[0]].exploitative for o in top) / len(top))
        # lawful agricultural employers (all of them name housing and transport) are never above an exploitative one
        k = sum(o.exploitative for o in ops)
        legit_ag = [o.key for o in ops if not o.exploitative and o.industry == "agriculture"]
        ranked_keys = [truth[o.ad_ids[0]].operation for o in result.operations]
        assert legit_ag and not set(legit_ag) & set(ranked_keys[:k])
    assert median(tops) >= 0.9


def test_board_records_parse():
    for o in board_ads(SETTINGS[0])[:5]:
        for a in o.ads:
            assert parse_record(a.record).kind == "job"


def test_the_command_line_writes_job_ads_of_an_operation_as_valid_json(tmp_path):
    """The streaming scan (``python -m beacon.adscan scan``, ``beacon ads scan``) fills each ad's
    ``cluster_id`` in at the end of its line: a job ad's ``job`` details used to come after it, and
    every job ad in an operation was written as broken JSON."""
    import json

    from beacon.adscan.cli import main

    feed = tmp_path / "feed.jsonl"
    offer = ("Se necesitan empacadores. Pagamos $260 diarios, no se necesita experiencia. La agencia se queda con "
             "su pasaporte. Mensaje al WhatsApp 573 555 0177, no contestamos llamadas. Empresa: {c}.")
    rows = [{"id": f"r{i}", "city": t, "state": "MO", "body": offer.format(c=c)}
            for i, (t, c) in enumerate([("Malden", "Bluegrass Logistics"), ("Kennett", "Delta Freight")])]
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert main(["scan", str(feed), "--kind", "job", "--out", str(tmp_path / "out")]) == 0
    ads = [json.loads(line) for line in (tmp_path / "out" / "ads.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [a["kind"] for a in ads] == ["job", "job"]
    assert ads[0]["cluster_id"] and ads[0]["cluster_id"] == ads[1]["cluster_id"]
    assert ads[0]["job"]["worksite"] == "Malden, MO" and ads[1]["job"]["employer"] == "Delta Freight"
