"""A labelled set of job ads for tests and ``bench/jobads.py`` (hand-written templates, English and Spanish).

Every ad is built from the same template for its industry and language: a legitimate ad and an
exploitative one differ only in the sentences that the indicators name (a fee, a deduction, a
held passport...).  Legitimate ads also mention housing and transport (lawful, and required for
H-2A jobs), pay, "no experience needed" with ordinary pay, and lawful statements that use the
same words as the indicators ("no fees are charged", "the employer pays the visa").

``labelled_ads(seed)`` returns operations: an exploitative recruiter posts one offer under a
different company name in each town, from one WhatsApp number; a legitimate employer posts its
offer with its own name, address and phone in several towns.  Each ad carries the set of
indicator codes it truly shows (``expected``), each operation whether it is exploitative.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

TOWNS = ["Sikeston", "Poplar Bluff", "Cape Girardeau", "Farmington", "Sedalia", "Joplin", "Springfield",
         "Columbia", "Jefferson City", "Hannibal", "Kirksville", "Chillicothe", "West Plains", "Lebanon",
         "Carthage", "Neosho", "Rolla", "Moberly", "Warrensburg", "Boonville"]
COMPANY_WORDS = ["Delta", "Bootheel", "River Bend", "Ozark", "Show Me", "Prairie", "Heartland", "Missouri Valley",
                 "Big Spring", "Cedar", "Osage", "Current River", "Mark Twain", "Gateway", "Hickory"]

# industry -> language -> (title, intro, role, company suffix)
INDUSTRY = {
    "agriculture": {
        "en": ("Farm workers needed in {town}", "Seasonal harvest work on a sweet potato and cotton farm.", "Farms"),
        "es": ("Se buscan trabajadores del campo en {town}", "Trabajo de temporada en la cosecha de camote y algodón.",
               "Farms"),
    },
    "restaurants": {
        "en": ("Line cooks and dishwashers in {town}", "Busy family restaurant hiring kitchen staff.", "Grill"),
        "es": ("Cocineros y lavaplatos en {town}", "Restaurante familiar busca personal de cocina.", "Grill"),
    },
    "construction": {
        "en": ("Roofers and laborers in {town}", "Roofing and framing crews for new homes.", "Construction"),
        "es": ("Techeros y ayudantes en {town}", "Cuadrillas de techos y construcción de casas nuevas.",
               "Construction"),
    },
}

# indicator -> language -> (positive sentences, lawful counterparts)
SENTENCES: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    "JOB_WORKER_PAYS_FEES": {
        "en": (["Recruitment fee of $450 due before you travel.", "You pay the visa fee of $300 up front.",
                "A $200 placement fee is required to hold your spot."],
               ["No fees are charged to workers.", "The employer pays all visa costs."]),
        "es": (["Cuota de reclutamiento de $450 antes de viajar.", "Usted paga el costo de la visa, $300.",
                "Pago de inscripción de $200 para apartar su lugar."],
               ["No se cobra ninguna cuota a los trabajadores.", "El patrón paga la visa y el viaje."]),
    },
    "JOB_DEBT_DEDUCTIONS": {
        "en": (["Travel and rent are deducted from your pay each week.", "We advance the bus ticket; you pay it back from your wages.",
                "Housing costs are taken out of your pay."],
               ["Nothing is deducted from your pay for housing.", "Travel costs are reimbursed after the first week."]),
        "es": (["El viaje y la renta se descuentan de su pago cada semana.",
                "Le adelantamos el pasaje y se descuenta de su sueldo.", "La vivienda se le descuenta cada semana."],
               ["No se descuenta nada de su pago por la vivienda.", "El pasaje se reembolsa la primera semana."]),
    },
    "JOB_DOCUMENTS_HELD": {
        "en": (["We keep your passport during the season for safety.", "You must hand over your passport on arrival."],
               ["Workers keep their own passports and papers.", "Bring a photo ID to the first day."]),
        "es": (["Guardamos su pasaporte durante la temporada.", "Debe entregar su pasaporte al llegar."],
               ["Cada trabajador conserva sus propios documentos.", "Traiga una identificación el primer día."]),
    },
    "JOB_WITHHELD_WAGES": {
        "en": (["All wages are paid at the end of the season.", "You are paid when the contract ends."],
               ["Paid every Friday by direct deposit.", "Weekly pay, every Friday."]),
        "es": (["Se paga al final de la temporada.", "El pago al terminar el contrato."],
               ["Pago cada viernes.", "Se paga cada semana, los viernes."]),
    },
    "JOB_RESTRICTED_MOVEMENT": {
        "en": (["Workers must live on site and cannot leave during the season.", "No visitors and no phones at the camp."],
               ["Workers are free to come and go after shifts.", "Town is ten minutes away by the free shuttle."]),
        "es": (["Los trabajadores no pueden salir durante la temporada.", "No se permiten visitas en el campamento."],
               ["Los trabajadores salen libremente después del turno.", "El pueblo está a diez minutos."]),
    },
    "JOB_EXCESSIVE_HOURS": {
        "en": (["Work 7 days a week, no days off.", "Seven days a week, 14 hours a day."],
               ["Five days a week, overtime paid.", "40 hours a week with Sundays off."]),
        "es": (["Trabajo 7 días a la semana, sin días libres.", "Siete días a la semana."],
               ["Cinco días a la semana, horas extra pagadas.", "40 horas por semana, domingos libres."]),
    },
    "JOB_NO_PAPERS": {
        "en": (["No papers needed, no questions asked.", "No SSN needed to start."],
               ["Must be authorized to work in the United States.", "E-Verify employer."]),
        "es": (["Sin papeles, no hay problema.", "No se necesitan papeles para empezar."],
               ["Debe tener permiso para trabajar en Estados Unidos.", "Empleador E-Verify."]),
    },
    "JOB_MESSAGING_ONLY": {
        # the contact line (the phone is added after it)
        "en": (["WhatsApp only:", "Contact via WhatsApp only,"], ["Call or text", "Call the office at"]),
        "es": (["Solo por WhatsApp:", "Únicamente WhatsApp,"], ["Llame al", "Llame a la oficina al"]),
    },
}
HIGH_PAY = {"en": ("Earn ${pay}/hr, no experience needed!", "No experience needed, ${pay}/hr to start."),
            "es": ("Gane ${pay} por hora, sin experiencia.", "Sin experiencia, ${pay} por hora.")}
HOUSING = {"en": ["Housing and transportation provided.", "Free housing near the work site.", "Transportation provided daily."],
           "es": ["Vivienda y transporte incluidos.", "Vivienda gratis cerca del trabajo.", "Transporte incluido todos los días."]}
# sentences above that also say housing or transport is provided (paid back or not): labelled so by hand
MENTIONS_HOUSING_OR_TRANSPORT = {
    "We advance the bus ticket; you pay it back from your wages.", "Housing costs are taken out of your pay.",
    "Nothing is deducted from your pay for housing.", "Le adelantamos el pasaje y se descuenta de su sueldo.",
    "La vivienda se le descuenta cada semana.", "No se descuenta nada de su pago por la vivienda.",
    "El pasaje se reembolsa la primera semana.",
    "Town is ten minutes away by the free shuttle.",  # a shuttle provided (left out until the issue #17 review)
}
# what makes one employer's offer its own (a near-duplicate of its other posts, not of other employers')
DETAILS = {
    "en": ("{n} openings for {a} and {b} work, ask for {name} about the {c} shift.",
           ["picking", "packing", "sorting", "loading", "weeding", "washing", "hauling", "cleaning"],
           ["morning", "evening", "night", "weekend", "early", "late"]),
    "es": ("{n} puestos para {a} y {b}, pregunte por {name} del turno de la {c}.",
           ["pizca", "empaque", "carga", "limpieza", "lavado", "acarreo", "deshierbe", "selección"],
           ["mañana", "tarde", "noche", "madrugada"]),
}
# words an employer's own posts share (crops, dishes, streets, landmarks...), drawn per operation
OWN_WORDS = ("alder birch cedar dogwood elm fir ginkgo hawthorn ivy juniper kudzu laurel maple nettle oak pecan "
             "quince redbud sassafras tupelo umber vine walnut yarrow zinnia anchor bridge canal depot ferry "
             "granary harbor junction kiln levee mill orchard quarry ridge silo tannery viaduct wharf").split()
NAMES = ["Luis", "Maria", "Jose", "Ana", "Pedro", "Rosa", "Carlos", "Elena", "Miguel", "Sofia", "Juan", "Lucia",
         "Frank", "Linda", "Mark", "Susan", "Gary", "Karen", "Dale", "Brenda"]
EXPLOIT_CODES = ["JOB_WORKER_PAYS_FEES", "JOB_DEBT_DEDUCTIONS", "JOB_DOCUMENTS_HELD", "JOB_WITHHELD_WAGES",
                 "JOB_RESTRICTED_MOVEMENT", "JOB_EXCESSIVE_HOURS", "JOB_NO_PAPERS", "JOB_MESSAGING_ONLY",
                 "JOB_HIGH_PAY_NO_EXPERIENCE", "JOB_UNVERIFIABLE_EMPLOYER"]
EVALUATED = [*EXPLOIT_CODES, "JOB_HOUSING_TRANSPORT"]


@dataclass
class LabelledAd:
    record: dict[str, Any]
    expected: set[str]
    operation: str
    exploitative: bool


@dataclass
class LabelledOperation:
    key: str
    exploitative: bool
    industry: str
    language: str
    ads: list[LabelledAd] = field(default_factory=list)


def _phone(rng: random.Random) -> str:
    return f"{rng.choice(['573', '417', '816', '314'])}-555-01{rng.randrange(100):02d}"


def build_ad(*, rng: random.Random, industry: str, lang: str, town: str, codes: set[str], company: str,
             phone: str, pay: float, housing: bool, detail: str = "") -> tuple[str, str, set[str]]:
    """Title, body and the indicator codes the ad truly shows."""
    title_t, intro, _suffix = INDUSTRY[industry][lang]
    parts = [intro, detail] if detail else [intro]
    expected: set[str] = set()
    if "JOB_HIGH_PAY_NO_EXPERIENCE" in codes:
        parts.append(rng.choice(HIGH_PAY[lang]).format(pay=rng.choice([35, 38, 40, 45])))
        expected.add("JOB_HIGH_PAY_NO_EXPERIENCE")
    else:
        parts.append(rng.choice(HIGH_PAY[lang]).format(pay=f"{pay:.2f}"))  # no experience, ordinary pay
    if housing:
        parts.append(rng.choice(HOUSING[lang]))
        expected.add("JOB_HOUSING_TRANSPORT")
    for code in EXPLOIT_CODES:
        if code not in SENTENCES or code == "JOB_MESSAGING_ONLY":
            continue
        pos, neg = SENTENCES[code][lang]
        if code in codes:
            parts.append(rng.choice(pos))
            expected.add(code)
        elif rng.random() < 0.35:
            parts.append(rng.choice(neg))  # the lawful counterpart, same words
    if "JOB_UNVERIFIABLE_EMPLOYER" in codes:
        expected.add("JOB_UNVERIFIABLE_EMPLOYER")
    elif company.endswith(("LLC", "Farms", "Grill", "Construction")) and "JOB_MESSAGING_ONLY" in codes:
        parts.append(f"{company}.")  # a name only, nothing to check it by
    else:
        street = rng.choice(["Main St", "Highway 61", "County Road 412", "Broadway Ave", "Industrial Dr"])
        parts.append(f"{company}, {rng.randrange(10, 9000)} {street}, {town}, MO.")
    if MENTIONS_HOUSING_OR_TRANSPORT.intersection(parts):
        expected.add("JOB_HOUSING_TRANSPORT")
    pos, neg = SENTENCES["JOB_MESSAGING_ONLY"][lang]
    if "JOB_MESSAGING_ONLY" in codes:
        parts.append(f"{rng.choice(pos)} {phone}")
        expected.add("JOB_MESSAGING_ONLY")
    else:
        parts.append(f"{rng.choice(neg)} {phone}.")
    return title_t.format(town=town), " ".join(parts), expected


def labelled_ads(seed: int = 17, operations_per_cell: int = 4, ads_per_operation: int = 4) -> list[LabelledOperation]:
    """Legitimate and exploitative operations for every industry and language (see the module doc)."""
    rng = random.Random(seed)
    t0 = datetime(2026, 3, 1, tzinfo=UTC)
    ops: list[LabelledOperation] = []
    n = 0
    for industry in INDUSTRY:
        for lang in ("en", "es"):
            for exploitative in (False, True):
                for _ in range(operations_per_cell):
                    n += 1
                    key = f"{'x' if exploitative else 'l'}{n:03d}"
                    op = LabelledOperation(key, exploitative, industry, lang)
                    suffix = INDUSTRY[industry][lang][2]
                    phone = f"{['573', '417', '816', '314'][n % 4]}-555-01{n:02d}"
                    pay = rng.choice([14.25, 15.5, 15.66, 16.0, 17.5])
                    housing = industry == "agriculture" or rng.random() < 0.5
                    if exploitative:
                        # two to four of the indicators an ad can show, the same across the operation
                        codes = set(rng.sample(EXPLOIT_CODES, rng.randint(2, 4)))
                    else:
                        codes = set()
                    company = f"{rng.choice(COMPANY_WORDS)} {suffix} LLC"
                    form, tasks, shifts = DETAILS[lang]
                    a, b = rng.sample(tasks, 2)
                    detail = form.format(n=rng.randint(3, 40), a=a, b=b, name=rng.choice(NAMES), c=rng.choice(shifts))
                    detail += " " + ", ".join(rng.sample(OWN_WORDS, 5)) + "."
                    towns = rng.sample(TOWNS, ads_per_operation)
                    for k, town in enumerate(towns):
                        if exploitative:  # a new company name in each town
                            company = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_WORDS)} {suffix} LLC"
                        title, body, expected = build_ad(
                            rng=rng, industry=industry, lang=lang, town=town, codes=codes, company=company,
                            phone=phone, pay=pay, housing=housing, detail=detail)
                        record = {"id": f"{key}-{k}", "site": "jobs.example", "kind": "job", "title": title,
                                  "body": body, "city": town, "state": "MO",
                                  "posted_at": (t0 + timedelta(days=n, hours=k * 5)).isoformat()}
                        op.ads.append(LabelledAd(record, expected, key, exploitative))
                    ops.append(op)
    return ops


# Paraphrases written without looking at the lexicon (how else an ad may say it): recall on these is the
# honest measure of coverage; the templates above share most of their wording with the lexicon.
HELD_OUT: dict[str, list[str]] = {
    "JOB_WORKER_PAYS_FEES": ["Workers must send $350 to cover paperwork before the job starts.",
                             "Hay que pagar $500 para el trámite de su visa H-2A.",
                             "A one-time hiring charge of $250 applies.", "Se cobra $300 por conseguirle el trabajo."],
    "JOB_DEBT_DEDUCTIONS": ["Your airfare is an advance you work off in the first month.",
                            "Rent comes out of each check.", "El boleto se le descuenta poco a poco.",
                            "La renta se rebaja del cheque."],
    "JOB_DOCUMENTS_HELD": ["The crew leader holds all passports for safekeeping.",
                           "Passports are collected at the airport.", "El mayordomo se queda con los pasaportes.",
                           "Los documentos se quedan en la oficina."],
    "JOB_WITHHELD_WAGES": ["Wages are held back until harvest is done.", "You get paid in full at season's end.",
                           "El sueldo se entrega al terminar la cosecha.", "Se les paga todo al final."],
    "JOB_RESTRICTED_MOVEMENT": ["Workers stay at the camp at all times.", "Nobody leaves the farm without the boss.",
                                "No se sale del rancho sin permiso.", "Los celulares se guardan en la oficina."],
    "JOB_EXCESSIVE_HOURS": ["Work every day of the week.", "Long shifts, Monday to Sunday.",
                            "Se trabaja de lunes a domingo.", "Jornadas de 15 horas."],
    "JOB_NO_PAPERS": ["Undocumented welcome.", "We don't check status.", "Aceptamos indocumentados.",
                      "No pedimos papeles."],
    "JOB_MESSAGING_ONLY": ["Message us on WhatsApp, no calls please.", "Reach us only through Telegram.",
                           "Escríbanos al WhatsApp, no contestamos llamadas.", "Mándenos mensaje por WhatsApp nada más."],
}

# A second batch of paraphrases, written AFTER the sentence rules of beacon.adscan.jobs were frozen
# (2026-11-29, issue #17 review) and measured once, without changing the rules afterwards: two per
# indicator and language that should flag, and one lawful sentence per indicator and language, using
# the same topic words, that should not.
HELD_OUT_2: dict[str, list[str]] = {
    "JOB_WORKER_PAYS_FEES": ["New hires cover a $275 onboarding charge before the first shift.",
                             "Placement with our farms costs applicants $400, payable upfront.",
                             "El reclutador pide $450 para meterlo en la lista de contratación.",
                             "Cada trabajador aporta $300 para los gastos de la visa."],
    "JOB_DEBT_DEDUCTIONS": ["We pay your bus fare here and recoup it from your first paychecks.",
                            "Room and board is taken weekly from what you earn.",
                            "El pasaje lo ponemos nosotros y usted lo devuelve con su trabajo.",
                            "Cobramos el cuarto cada semana de su sueldo."],
    "JOB_DOCUMENTS_HELD": ["Management secures all travel documents for the length of the contract.",
                           "Give your passport to the foreman when you arrive; it is returned at the end.",
                           "El contratista guarda los pasaportes mientras dure el contrato.",
                           "Al llegar se recogen los documentos de cada trabajador."],
    "JOB_WITHHELD_WAGES": ["Earnings are paid out in one lump sum once the season closes.",
                           "Nobody is paid until the last field is picked.",
                           "Se paga todo junto cuando se acaba la temporada.",
                           "No se entrega el dinero hasta el fin del contrato."],
    "JOB_RESTRICTED_MOVEMENT": ["Crew members are not permitted off the ranch on their own.",
                                "Trips to town are not allowed during the contract.",
                                "No se permite ir al pueblo sin el mayordomo.",
                                "Los trabajadores no salen del campo hasta el fin de la temporada."],
    "JOB_EXCESSIVE_HOURS": ["Shifts run 5am-7pm daily.", "Expect 90 hours per week during peak.",
                            "Trabajamos de domingo a domingo.",
                            "Jornada de 6 de la mañana a 8 de la noche, toda la semana."],
    "JOB_NO_PAPERS": ["No work authorization? We can still place you.", "Papers not a problem.",
                      "No importa si no tiene papeles.", "Trabajo para personas sin estatus legal."],
    "JOB_MESSAGING_ONLY": ["WhatsApp us; calls are not answered.", "Contact is by Telegram message only.",
                           "Solo atendemos por WhatsApp.", "Comuníquese por Telegram, no por teléfono."],
}
HELD_OUT_2_LAWFUL: dict[str, list[str]] = {
    "JOB_WORKER_PAYS_FEES": ["This employer does not charge any fee for hiring or visas.",
                             "El patrón cubre todos los gastos de la visa."],
    "JOB_DEBT_DEDUCTIONS": ["Bus fare is reimbursed in your first paycheck.",
                            "El cuarto es gratis, no se descuenta del sueldo."],
    "JOB_DOCUMENTS_HELD": ["Keep your passport with you; we only copy it for the I-9.",
                           "Los trabajadores guardan sus propios documentos."],
    "JOB_WITHHELD_WAGES": ["Wages paid every Friday; season-end bonus of $500.",
                           "Se paga cada semana; bono al final de la temporada."],
    "JOB_RESTRICTED_MOVEMENT": ["Workers may leave the housing whenever they like.",
                                "Los trabajadores salen al pueblo cuando quieran."],
    "JOB_EXCESSIVE_HOURS": ["Shifts run 7am-3pm, Monday to Friday.", "Trabajamos de lunes a viernes, 8 horas diarias."],
    "JOB_NO_PAPERS": ["All hires complete E-Verify; valid work authorization required.",
                      "Se requiere permiso de trabajo vigente."],
    "JOB_MESSAGING_ONLY": ["Call the office or message us on WhatsApp: either is fine.",
                           "Llame a la oficina o mande WhatsApp."],
}
