"""A SECOND labelled set of job ads, of a different design from ``jobads_data.py``.

``jobads_data.py`` builds every ad from one sentence template per industry, and its indicator
sentences were written beside the extractor's phrase lists. This set is built otherwise, so that
its figures say something the first set cannot:

* **Structure**: the conventions of job boards and of published H-2A/H-2B job orders: a title line,
  then labelled sections ("Pay:", "Schedule:", "Benefits:", "Requirements:", "How to apply:" /
  "Sueldo:", "Horario:", "Prestaciones:", "Requisitos:", "Cómo aplicar:"), in an order drawn per
  operation, or a short classified ad in one paragraph.
* **Vocabulary**: the exploitative sentences are paraphrases of the ILO's descriptions of its
  indicators (ILO, *Indicators of Forced Labour*, 2012: "retention of identity documents", "debt
  bondage" by advances and deductions, "withholding of wages", "restriction of movement",
  "isolation", "excessive overtime", "abuse of vulnerability", "deception") and of the recruitment
  patterns of the Polaris typology (fees, false promises, contacts that cannot be traced), put
  in the words a recruiter would post. They were written from those descriptions, not from
  ``beacon.adscan.jobs.PHRASES``, and the extractor was not changed to copy them.
* **Lawful wording**: the legitimate ads use the wording of H-2A job orders (20 CFR 655.122:
  housing at no cost, inbound transportation and subsistence reimbursed at 50 % of the contract,
  tools at no cost, the three-fourths guarantee, a job order number) and of ordinary job boards
  ("weekly direct deposit", "E-Verify participant"), which names housing, transport, passports,
  visas and deductions lawfully.
* **Industries**: hotels, landscaping, poultry processing, domestic work, traveling sales crews and
  agriculture (the Polaris venue types other than the first set's farm/restaurant/construction).

``board_ads(setting)`` draws one labelled set for a :class:`Setting` (seed, number of operations,
share of exploitative ones, indicators per exploitative ad, share of Spanish ads, how often a lawful
counterpart sentence is added). ``SETTINGS`` are the draws the benchmark reports (min and median).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .jobads_data import EVALUATED, LabelledAd, LabelledOperation

__all__ = ["SETTINGS", "Setting", "board_ads"]


@dataclass(frozen=True)
class Setting:
    seed: int
    operations: int = 40
    exploitative_share: float = 0.4
    indicators_per_ad: tuple[int, int] = (1, 3)
    spanish_share: float = 0.5
    lawful_counterpart: float = 0.5
    ads_per_operation: tuple[int, int] = (2, 5)


SETTINGS = [
    Setting(seed=101),
    Setting(seed=102, operations=60, exploitative_share=0.25),
    Setting(seed=103, indicators_per_ad=(1, 1), lawful_counterpart=0.8),
    Setting(seed=104, spanish_share=0.8, operations=50),
    Setting(seed=105, exploitative_share=0.5, indicators_per_ad=(2, 4), lawful_counterpart=0.3),
    Setting(seed=106, operations=80, exploitative_share=0.2, ads_per_operation=(3, 6)),
]

TOWNS = ["Kennett", "Malden", "Dexter", "Portageville", "Caruthersville", "Hayti", "Charleston", "New Madrid",
         "Marshall", "Carrollton", "Mexico", "Fulton", "Nevada", "Lamar", "Monett", "Aurora", "Branson",
         "Festus", "Washington", "Union", "Troy", "Wentzville", "Ozark", "Nixa", "Bolivar", "Clinton"]

# industry -> language -> (job titles, duties, employer-name endings)
JOBS: dict[str, dict[str, tuple[list[str], list[str], list[str]]]] = {
    "hotels": {
        "en": (["Housekeeping Attendant", "Room Attendant", "Laundry Attendant"],
               ["Clean and restock guest rooms to brand standards.", "Strip beds, vacuum and stock carts."],
               ["Inn & Suites", "Lodge", "Hotel Group"]),
        "es": (["Camarista de hotel", "Recamarera", "Personal de lavandería para hotel"],
               ["Limpiar y surtir habitaciones de huéspedes.", "Tender camas, aspirar y surtir carritos."],
               ["Inn & Suites", "Lodge", "Hotel Group"]),
    },
    "landscaping": {
        "en": (["Landscape Crew Member", "Lawn Care Technician", "Mowing Crew"],
               ["Mow, edge and trim commercial properties.", "Install sod, mulch beds and plant shrubs."],
               ["Lawn & Landscape", "Outdoor Services", "Turf Co."]),
        "es": (["Ayudante de jardinería", "Trabajador de paisajismo", "Cuadrilla de corte de pasto"],
               ["Cortar pasto, orillar y podar en propiedades comerciales.", "Poner pasto, mantillo y plantas."],
               ["Lawn & Landscape", "Outdoor Services", "Turf Co."]),
    },
    "factories": {
        "en": (["Poultry Processing Worker", "Production Line Worker", "Deboning Line Associate"],
               ["Work on a fast-paced deboning and packing line.", "Stand for long periods in a cold room."],
               ["Foods Inc.", "Processing Inc.", "Packing Co."]),
        "es": (["Trabajador de planta avícola", "Operario de línea de producción", "Deshuesador de pollo"],
               ["Trabajo en línea de deshuese y empaque.", "Estar de pie en cuarto frío."],
               ["Foods Inc.", "Processing Inc.", "Packing Co."]),
    },
    "domestic_work": {
        "en": (["Live-in Nanny", "Household Helper", "Caregiver for Elderly Mother"],
               ["Care for two children, cooking and light cleaning.", "Help an elderly lady with meals and errands."],
               []),
        "es": (["Niñera de planta", "Ayudante del hogar", "Cuidadora de señora mayor"],
               ["Cuidar a dos niños, cocinar y limpiar.", "Ayudar a una señora mayor con comidas y mandados."],
               []),
    },
    "traveling_sales_crews": {
        "en": (["Travel Sales Team", "Outdoor Sales Rep - Travel", "Road Sales Crew"],
               ["Sell subscriptions door to door with a fun young team.", "Travel city to city selling with our crew."],
               ["Marketing Group", "Promotions LLC", "Sales Inc."]),
        "es": (["Equipo de ventas viajando", "Vendedores que viajen", "Ventas de puerta en puerta"],
               ["Vender suscripciones de casa en casa con un equipo joven.", "Viajar de ciudad en ciudad vendiendo."],
               ["Marketing Group", "Promotions LLC", "Sales Inc."]),
    },
    "agriculture": {
        "en": (["Farmworker - Rice and Soybeans", "Seasonal Nursery Worker", "Watermelon Harvest Hand"],
               ["Hand harvest, load trailers, irrigate and weed fields.", "Pot, prune and load nursery stock."],
               ["Farms", "Ag Partners", "Produce"]),
        "es": (["Trabajador agrícola - arroz y soya", "Trabajador de vivero", "Cosecha de sandía"],
               ["Cosechar a mano, cargar tráilers, regar y deshierbar.", "Plantar en macetas, podar y cargar plantas."],
               ["Farms", "Ag Partners", "Produce"]),
    },
}
NAME_WORDS = ["Bluff", "Lakeview", "Sunrise", "Twin Rivers", "Magnolia", "Pinewood", "Red Oak", "Stone Creek",
              "Meadowlark", "Whitewater", "Bell City", "Greenway", "Cottonwood", "Three Hills", "Crossroads"]

# section labels (en, es)
LABELS = {"pay": ("Pay", "Sueldo"), "schedule": ("Schedule", "Horario"), "benefits": ("Benefits", "Prestaciones"),
          "requirements": ("Requirements", "Requisitos"), "apply": ("How to apply", "Cómo aplicar"),
          "duties": ("Duties", "Tareas"), "employer": ("Employer", "Empleador")}

# --- pay (ordinary, and too good to be true) ------------------------------------------------------------
ORDINARY_PAY = {
    "en": ["${h} per hour, paid weekly by direct deposit", "Starting at ${h}/hour plus overtime after 40 hours",
           "${h} an hour; piece rate of $0.60 per bin available", "${h}/hr (AEWR), three-fourths guarantee applies"],
    "es": ["${h} la hora, pago semanal por depósito directo", "Desde ${h} por hora más tiempo extra después de 40",
           "${h} por hora; también $0.60 por caja", "${h} la hora (AEWR), garantía de tres cuartas partes"],
}
HIGH_PAY = {
    "en": ["Make up to ${w} per week", "${d} a day cash", "Earn ${w} weekly + bonuses", "${hh} an hour to start"],
    "es": ["Gane hasta ${w} por semana", "${d} diarios en efectivo", "Gane ${w} semanales más bonos",
           "${hh} la hora para empezar"],
}
NO_EXPERIENCE = {
    "en": ["No prior experience required, we train you.", "Never worked in this field? Not a problem.",
           "Beginners welcome - full training on the job."],
    "es": ["No se requiere experiencia previa, nosotros le enseñamos.", "¿Nunca ha trabajado en esto? No importa.",
           "Aceptamos principiantes, le capacitamos."],
}

# --- indicator sentences (from the ILO descriptions and the Polaris recruitment patterns) --------------
# code -> language -> (positive, lawful counterpart)
SENTENCES: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    "JOB_WORKER_PAYS_FEES": {
        "en": (["Applicants send $600 to the agency to secure a position.",
                "A $350 processing charge covers your paperwork and visa appointment.",
                "To reserve your contract you must pay $800 up front.",
                "The cost of the H-2B visa ($190) is the worker's responsibility."],
               ["Workers are never charged for recruitment or for visa processing.",
                "The employer covers the visa fee and the consular appointment.",
                "There is no charge to apply."]),
        "es": (["Los interesados deben enviar $600 a la agencia para asegurar su lugar.",
                "Se cobran $350 por el papeleo y la cita para la visa.",
                "Para apartar su contrato debe pagar $800 por adelantado.",
                "El costo de la visa H-2B ($190) corre por cuenta del trabajador."],
               ["Al trabajador no se le cobra nada por el reclutamiento ni por la visa.",
                "El empleador cubre la visa y la cita en el consulado.",
                "No hay costo por aplicar."]),
    },
    "JOB_DEBT_DEDUCTIONS": {
        "en": (["We front your plane ticket and rent; it comes out of your checks until it is paid off.",
                "The cost of the trip is loaned to you and recovered from your earnings.",
                "Lodging is $120 a week, withheld from your check.",
                "Advance for travel, repaid through payroll deductions."],
               ["Inbound transportation and subsistence are reimbursed at 50 % of the contract period.",
                "Housing is provided at no cost to workers who cannot return home each day.",
                "No deductions except taxes required by law."]),
        "es": (["Le adelantamos el boleto de avión y la renta; se le va quitando de cada cheque hasta pagarlo.",
                "El costo del viaje se le presta y se recupera de lo que gane.",
                "El hospedaje cuesta $120 a la semana y sale de su cheque.",
                "Adelanto para el viaje, que se cobra después en la nómina."],
               ["El transporte de ida y los alimentos del viaje se reembolsan al cumplir el 50 % del contrato.",
                "Vivienda sin costo para quien no pueda regresar a su casa cada día.",
                "Sin descuentos fuera de los impuestos de ley."]),
    },
    "JOB_DOCUMENTS_HELD": {
        "en": (["On arrival the supervisor collects passports and IDs and keeps them in the office.",
                "Your passport stays with the company until the contract is over.",
                "Workers turn in their identification to management for the season."],
               ["Bring your passport and visa to orientation for the I-9 form.",
                "Workers keep their own passports at all times.",
                "A valid photo ID is required on the first day."]),
        "es": (["Al llegar, el encargado recoge pasaportes e identificaciones y los guarda en la oficina.",
                "Su pasaporte se queda con la compañía hasta que termine el contrato.",
                "Los trabajadores entregan su identificación a la administración por la temporada."],
               ["Traiga su pasaporte y visa a la orientación para el formulario I-9.",
                "Cada trabajador conserva su propio pasaporte en todo momento.",
                "Se requiere identificación con foto el primer día."]),
    },
    "JOB_WITHHELD_WAGES": {
        "en": (["Your earnings are kept for you and handed over when the harvest is finished.",
                "Pay is released only after you complete the full season.",
                "Wages are held by the crew leader until the job is done."],
               ["Paychecks every Friday.", "You are paid every two weeks by direct deposit."]),
        "es": (["Su dinero se le guarda y se le entrega cuando termine la cosecha.",
                "El sueldo se libera solo después de completar toda la temporada.",
                "El mayordomo retiene los pagos hasta terminar el trabajo."],
               ["Cheque cada viernes.", "Se le paga cada dos semanas por depósito directo."]),
    },
    "JOB_RESTRICTED_MOVEMENT": {
        "en": (["Workers live at the company house and may go out only with a supervisor.",
                "Leaving the property without permission means losing your job.",
                "Cell phones are turned in to the office during the contract."],
               ["Free weekly shuttle to town for shopping.", "Workers are free to leave the housing after work."]),
        "es": (["Los trabajadores viven en la casa de la compañía y solo salen con un encargado.",
                "Quien salga de la propiedad sin permiso pierde el trabajo.",
                "Los teléfonos celulares se entregan en la oficina durante el contrato."],
               ["Transporte gratis al pueblo cada semana para hacer compras.",
                "Los trabajadores pueden salir de la vivienda después del trabajo."]),
    },
    "JOB_EXCESSIVE_HOURS": {
        "en": (["Mon-Sun, 6am to 9pm.", "12-hour shifts every day of the week, including Sundays.",
                "Work seven days, 80+ hours weekly."],
               ["Mon-Fri, 7:00am to 3:30pm.", "40 hours a week, weekends off."]),
        "es": (["De lunes a domingo, de 6 am a 9 pm.", "Turnos de 12 horas todos los días de la semana, incluso domingos.",
                "Se trabajan los siete días, más de 80 horas por semana."],
               ["De lunes a viernes, de 7:00 a 3:30.", "40 horas por semana, fines de semana libres."]),
    },
    "JOB_NO_PAPERS": {
        "en": (["Immigration status does not matter.", "We hire without Social Security numbers.",
                "Undocumented workers accepted."],
               ["Must be able to show proof of work authorization (E-Verify participant).",
                "Applicants must be legally authorized to work in the U.S."]),
        "es": (["No importa su situación migratoria.", "Contratamos sin número de seguro social.",
                "Aceptamos trabajadores indocumentados."],
               ["Debe comprobar su permiso de trabajo (participamos en E-Verify).",
                "Los solicitantes deben tener autorización legal para trabajar en EE. UU."]),
    },
}
# the apply line: exploitative (messaging only) and lawful
MESSAGING_ONLY = {
    "en": ["Message us on WhatsApp at {phone}, we do not answer calls.", "Send your name by WhatsApp: {phone}",
           "Telegram: {handle} (messages only)"],
    "es": ["Mándenos mensaje por WhatsApp al {phone}, no contestamos llamadas.",
           "Envíe su nombre por WhatsApp: {phone}", "Telegram: {handle} (solo mensajes)"],
}
LAWFUL_APPLY = {
    "en": ["Call {phone} or apply in person at {address}.", "Apply online at www.{site}.com or email jobs@{site}.com.",
           "Apply at the nearest Missouri Job Center, job order {order}."],
    "es": ["Llame al {phone} o venga en persona a {address}.", "Aplique en www.{site}.com o escriba a jobs@{site}.com.",
           "Aplique en el Missouri Job Center más cercano, orden de trabajo {order}."],
}
PHONE_ONLY = {"en": "Call or text {phone} to start this week.", "es": "Llame o mande texto al {phone} para empezar esta semana."}
# a lawful employer always names housing/transport in agricultural job orders (and sometimes elsewhere)
LAWFUL_HOUSING = {
    "en": ["Housing provided at no cost to workers who are not reasonably able to return home.",
           "Daily transportation between housing and the fields at no cost.",
           "Free employer-provided housing; tools and equipment provided at no cost."],
    "es": ["Vivienda sin costo para los trabajadores que no puedan regresar a su casa el mismo día.",
           "Transporte diario sin costo entre la vivienda y el campo.",
           "Vivienda gratis del empleador; herramientas y equipo sin costo."],
}
# sentences that name housing or transport being provided, paid back or not (the catalogue flags them,
# weight 0.25): listed by hand
NAMES_HOUSING = {
    *LAWFUL_HOUSING["en"], *LAWFUL_HOUSING["es"],
    *SENTENCES["JOB_DEBT_DEDUCTIONS"]["en"][0], *SENTENCES["JOB_DEBT_DEDUCTIONS"]["es"][0],
    *SENTENCES["JOB_DEBT_DEDUCTIONS"]["en"][1][:2], *SENTENCES["JOB_DEBT_DEDUCTIONS"]["es"][1][:2],
    SENTENCES["JOB_RESTRICTED_MOVEMENT"]["en"][0][0], SENTENCES["JOB_RESTRICTED_MOVEMENT"]["es"][0][0],
    *SENTENCES["JOB_RESTRICTED_MOVEMENT"]["en"][1], *SENTENCES["JOB_RESTRICTED_MOVEMENT"]["es"][1],
}
CODES = ["JOB_WORKER_PAYS_FEES", "JOB_DEBT_DEDUCTIONS", "JOB_DOCUMENTS_HELD", "JOB_WITHHELD_WAGES",
         "JOB_RESTRICTED_MOVEMENT", "JOB_EXCESSIVE_HOURS", "JOB_NO_PAPERS", "JOB_MESSAGING_ONLY",
         "JOB_HIGH_PAY_NO_EXPERIENCE", "JOB_UNVERIFIABLE_EMPLOYER"]
assert [*CODES, "JOB_HOUSING_TRANSPORT"] == EVALUATED


def _phone(rng: random.Random, n: int) -> str:
    """One number per operation (555-01xx numbers are reserved for fiction): n < 400."""
    area = ["573", "417", "660", "636"][n // 100]
    return rng.choice(["({a}) 555-{n}", "{a}.555.{n}", "+1 {a} 555 {n}"]).format(a=area, n=f"01{n % 100:02d}")


def _ad(rng: random.Random, *, industry: str, lang: str, codes: set[str], employer: str, address: str,
        phone: str, handle: str, site: str, order: str, wage: float, counterpart: float,
        order_of_sections: list[str], classified: bool) -> tuple[str, str, set[str]]:
    li = 0 if lang == "en" else 1
    titles, duties, _ends = JOBS[industry][lang]
    expected: set[str] = set()
    sec: dict[str, list[str]] = {k: [] for k in LABELS}
    sec["duties"].append(rng.choice(duties))
    if "JOB_HIGH_PAY_NO_EXPERIENCE" in codes:
        sec["pay"].append(rng.choice(HIGH_PAY[lang]).format(w=f"{rng.choice([1500, 1800, 2200]):,}",
                                                            d=rng.choice([280, 300, 350]), hh=rng.choice([32, 38, 45])))
        sec["requirements"].append(rng.choice(NO_EXPERIENCE[lang]))
        expected.add("JOB_HIGH_PAY_NO_EXPERIENCE")
    else:
        sec["pay"].append(rng.choice(ORDINARY_PAY[lang]).format(h=f"{wage:.2f}"))
        if rng.random() < 0.5:
            sec["requirements"].append(rng.choice(NO_EXPERIENCE[lang]))  # ordinary pay: lawful
    where = {"JOB_WORKER_PAYS_FEES": "requirements", "JOB_DEBT_DEDUCTIONS": "benefits",
             "JOB_DOCUMENTS_HELD": "requirements", "JOB_WITHHELD_WAGES": "pay", "JOB_RESTRICTED_MOVEMENT": "benefits",
             "JOB_EXCESSIVE_HOURS": "schedule", "JOB_NO_PAPERS": "requirements"}
    for code, section in where.items():
        pos, neg = SENTENCES[code][lang]
        if code in codes:
            sec[section].append(rng.choice(pos))
            expected.add(code)
        elif rng.random() < counterpart:
            sec[section].append(rng.choice(neg))
    if not sec["schedule"]:
        sec["schedule"].append(rng.choice(SENTENCES["JOB_EXCESSIVE_HOURS"][lang][1]))
    if industry == "agriculture" and not codes:
        sec["benefits"].append(rng.choice(LAWFUL_HOUSING[lang]))
    elif rng.random() < 0.3:
        sec["benefits"].append(rng.choice(LAWFUL_HOUSING[lang]))
    if "JOB_MESSAGING_ONLY" in codes:
        sec["apply"].append(rng.choice(MESSAGING_ONLY[lang]).format(phone=phone, handle=handle))
        expected.add("JOB_MESSAGING_ONLY")
    elif "JOB_UNVERIFIABLE_EMPLOYER" in codes:  # a phone and nothing to check the employer by
        sec["apply"].append(PHONE_ONLY[lang].format(phone=phone))
    else:
        sec["apply"].append(rng.choice(LAWFUL_APPLY[lang]).format(phone=phone, address=address, site=site,
                                                                   order=order))
    if "JOB_UNVERIFIABLE_EMPLOYER" in codes:
        expected.add("JOB_UNVERIFIABLE_EMPLOYER")  # no name, no address, no registration, no website
    elif employer:
        sec["employer"].append(f"{employer}, {address}" if not codes else employer)
    sentences = [s for k in order_of_sections for s in sec[k]]
    if NAMES_HOUSING.intersection(sentences):
        expected.add("JOB_HOUSING_TRANSPORT")
    title = rng.choice(titles)
    if classified:  # one paragraph, no labels
        return title, " ".join(x if x[-1] in ".!?)" else x + "." for x in sentences), expected
    lines = []
    for k in order_of_sections:
        if sec[k]:
            label = LABELS[k][li]
            lines.append(f"{label}: {'. '.join(x.rstrip('.') for x in sec[k])}.")
    return title, "\n".join(lines), expected


def board_ads(setting: Setting) -> list[LabelledOperation]:
    """One draw of the second labelled set (see the module doc)."""
    rng = random.Random(setting.seed)
    t0 = datetime(2026, 5, 1, tzinfo=UTC)
    ops: list[LabelledOperation] = []
    industries = list(JOBS)
    for n in range(setting.operations):
        exploitative = rng.random() < setting.exploitative_share
        industry = industries[n % len(industries)]
        lang = "es" if rng.random() < setting.spanish_share else "en"
        key = f"{'x' if exploitative else 'l'}b{n:03d}"
        op = LabelledOperation(key, exploitative, industry, lang)
        codes = set(rng.sample(CODES, rng.randint(*setting.indicators_per_ad))) if exploitative else set()
        ends = JOBS[industry][lang][2]
        employer = f"{rng.choice(NAME_WORDS)} {rng.choice(ends)}" if ends else ""
        phone = _phone(rng, n)
        handle = f"@{rng.choice(['work', 'jobs', 'empleo', 'trabajo'])}_{rng.choice(['mo', 'usa', 'now'])}{n}"
        site = f"{employer.split()[0].lower()}{n}" if employer else f"family{n}"
        address = f"{rng.randrange(100, 9999)} {rng.choice(['Highway 84', 'Main Street', 'Route 60', 'Commerce Drive'])}"
        order = f"MO{rng.randrange(10**6, 10**7)}"
        wage = rng.choice([14.2, 15.0, 15.66, 16.5, 17.25])
        sections = ["duties", "pay", "schedule", "benefits", "requirements", "employer", "apply"]
        rng.shuffle(sections)
        sections.remove("apply")
        sections.append("apply")
        classified = rng.random() < 0.3
        k_ads = rng.randint(*setting.ads_per_operation)
        towns = rng.sample(TOWNS, k_ads)
        for k, town in enumerate(towns):
            if exploitative and employer:  # the recruiter renames the company in each town
                employer = f"{rng.choice(NAME_WORDS)} {rng.choice(ends)}"
            title, body, expected = _ad(
                rng, industry=industry, lang=lang, codes=codes, employer=employer, address=f"{address}, {town}",
                phone=phone, handle=handle, site=site, order=order, wage=wage, counterpart=setting.lawful_counterpart,
                order_of_sections=sections, classified=classified)
            record = {"id": f"{key}-{k}", "site": "board.example", "kind": "job", "title": f"{title} - {town}, MO",
                      "body": body, "city": town, "state": "MO",
                      "posted_at": (t0 + timedelta(days=n % 28, hours=k * 7)).isoformat()}
            op.ads.append(LabelledAd(record, expected, key, exploitative))
        ops.append(op)
    return ops
