"""Job ads and recruitment posts: extraction and labor-exploitation indicators (English and Spanish).

An ad whose ``kind`` is ``"job"`` is analysed with this module instead of the escort-ad
lexicon (see :func:`beacon.adscan.analyse_ad`).  It extracts what a job post can show

* pay (hourly, daily, weekly, monthly, piece rate), as posted and as an hourly equivalent;
* fees and deductions charged to the worker (recruitment, visa, transport, housing, tools);
* the employer's name and whether it is verifiable (business name, street address, registration);
* the contact channel (messaging app only, personal phone, e-mail, website);
* housing and transport provided, document and visa language;
* the industry, as a Polaris typology code (the same strings as ``beacon.cases.typology.VenueType``);

and flags the indicators of :data:`beacon.adscan.indicators.JOB_INDICATORS`.  Lawful
statements that use the same words ("no fees charged to workers", "housing at no cost",
"the employer pays visa costs") are recognised as negations and do not flag.  The catalogue,
its sources and the weights are explained in ``docs/indicators.md``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from .lexicon import Lexicon, Token
from .models import Span

__all__ = [
    "INDUSTRIES",
    "JOB_KIND",
    "KINDS",
    "JobDetails",
    "JobSignal",
    "PayMatch",
    "extract_pay",
    "job_lexicon",
    "job_signals",
]

ESCORT_KIND = "escort"
JOB_KIND = "job"
KINDS: tuple[str, ...] = (ESCORT_KIND, JOB_KIND)
"""The kinds of ad Beacon reads; an ad without a kind is an escort ad."""


@dataclass(frozen=True, slots=True)
class PayMatch:
    amount: float
    unit: str
    """``hour``, ``day``, ``week``, ``month``, ``year`` or ``piece``."""
    span: Span
    raw: str

    @property
    def hourly(self) -> float | None:
        """The hourly equivalent (8-hour day, 40-hour week), None for piece rates."""
        per = {"hour": 1.0, "day": 8.0, "week": 40.0, "month": 173.0, "year": 2080.0}.get(self.unit)
        return round(self.amount / per, 2) if per else None

    def to_dict(self) -> dict[str, Any]:
        return {"amount": self.amount, "unit": self.unit, "raw": self.raw, "hourly": self.hourly}


@dataclass(frozen=True, slots=True)
class JobSignal:
    """A phrase found in a job ad: ``what`` is an indicator code or a detail tag."""

    what: str
    span: Span
    raw: str
    negated: bool = False


@dataclass(slots=True)
class JobDetails:
    """What a job ad says about the work (stored beside the indicators)."""

    pay: list[PayMatch] = field(default_factory=list)
    fees: list[str] = field(default_factory=list)
    """Fees or deductions charged to the worker: ``recruitment``, ``visa``, ``transport``, ``housing``..."""
    no_fee_statement: bool = False
    employer: str = ""
    employer_verifiable: bool = False
    verifiable_by: list[str] = field(default_factory=list)
    """``business name``, ``address``, ``registration``, ``website``, ``e-mail``."""
    contact: list[str] = field(default_factory=list)
    """``whatsapp``, ``telegram``, ``phone``, ``email``, ``website``."""
    messaging_only: bool = False
    housing: bool = False
    transport: bool = False
    documents: list[str] = field(default_factory=list)
    industry: str = ""
    worksite: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "pay": [p.to_dict() for p in self.pay],
            "fees": self.fees,
            "no_fee_statement": self.no_fee_statement,
            "employer": self.employer,
            "employer_verifiable": self.employer_verifiable,
            "verifiable_by": self.verifiable_by,
            "contact": self.contact,
            "messaging_only": self.messaging_only,
            "housing": self.housing,
            "transport": self.transport,
            "documents": self.documents,
            "industry": self.industry,
            "worksite": self.worksite,
        }


def _phrases(block: str) -> list[str]:
    return [p.strip() for p in block.replace("\n", " ").split(";") if p.strip()]


# --- Phrase lists (English ; Spanish) ------------------------------------------------------
# Each list is matched on lower-cased word tokens (accents kept: "día" and "dia" both listed).
PHRASES: dict[str, str] = {
    # the worker pays to get the job (ILO: debt bondage / deception; 20 CFR 655.135(j), 655.20(o)-(p))
    "JOB_WORKER_PAYS_FEES": """
        recruitment fee; recruiting fee; placement fee; registration fee; processing fee; application fee;
        hiring fee; job fee; recruitment fees; recruiting fees; placement fees; registration fees;
        processing fees; hiring fees; visa fee; visa fees; visa cost; visa costs; pay for your visa; pay your visa;
        pay for the visa; fee for the visa; pay a fee; pay the fee; fee to apply; deposit required; pay a deposit;
        cuota de reclutamiento; cuota de colocación; cuota de colocacion; cuota de inscripción; cuota de inscripcion;
        pago de inscripción; pago de inscripcion; costo de la visa; costo de visa; pago de la visa; pago de visa;
        pagar la visa; pagar su visa; pagar una cuota; pagar la cuota; cobro por la visa; depósito requerido;
        deposito requerido; cuota de trámite; cuota de tramite
    """,
    # housing, transport or travel advanced and then taken from pay (ILO: debt bondage)
    "JOB_DEBT_DEDUCTIONS": """
        deducted from your pay; deducted from pay; deducted from your paycheck; deducted from wages;
        taken out of your pay; taken from your pay; paid back from your wages; pay it back; pay back;
        paid back; repay; repaid; you will repay; advance on your wages; travel advance; owe us;
        se descuenta; se descuentan; se le descuentan; se descontará; se descontara; se descontarán;
        se descontaran; descontado de su sueldo; descontado de su pago;
        descuento de su pago; descuento semanal; se le descuenta; lo paga con su trabajo; pagar después;
        pagar despues; se paga con trabajo; nos debe; deuda
    """,
    # identity or travel documents kept by the employer (ILO: retention of identity documents; 18 U.S.C. 1592)
    "JOB_DOCUMENTS_HELD": """
        we keep your passport; we hold your passport; we will hold your passport; hold your passport;
        keep your passport; surrender your passport; hand over your passport; give us your passport;
        passport will be kept; passport kept; documents will be kept; we keep your documents;
        we hold your documents; keep your id; guardamos su pasaporte; guardamos tu pasaporte;
        entregar su pasaporte; entregar tu pasaporte; entregue su pasaporte; retenemos su pasaporte;
        el patrón guarda los documentos; el patron guarda los documentos; guardamos sus documentos;
        guardamos tus documentos; nosotros guardamos
    """,
    # wages held back to the end of the season or contract (ILO: withholding of wages)
    "JOB_WITHHELD_WAGES": """
        paid at the end of the season; paid at end of season; pay at the end of the season;
        paid when the contract ends; paid at the end of the contract; pay held until; wages held;
        paid after the season; se paga al final de la temporada; pago al final de la temporada;
        pago al terminar el contrato; se paga al terminar; pago al final del contrato
    """,
    # no days off, seven days a week (ILO: excessive overtime)
    "JOB_EXCESSIVE_HOURS": """
        7 days a week; seven days a week; no days off; no day off; 16 hour days; 16 hours a day;
        14 hours a day; 7 días a la semana; 7 dias a la semana; siete días a la semana;
        siete dias a la semana; sin días libres; sin dias libres; sin descanso
    """,
    # living or leaving restricted (ILO: restriction of movement, isolation)
    "JOB_RESTRICTED_MOVEMENT": """
        cannot leave; can not leave; not allowed to leave; must stay on site; must live on site;
        no visitors; phone will be kept; no phones; no puede salir; no pueden salir; prohibido salir;
        debe vivir en el lugar; no se permiten visitas; sin celular
    """,
    # targets workers without authorization (ILO: abuse of vulnerability)
    "JOB_NO_PAPERS": """
        no papers needed; no papers required; no papers; no documents needed; no documents required;
        no ssn needed; no ssn required; no social security needed; no id needed; no id required;
        no work permit needed; no questions asked; sin papeles; no se necesitan papeles;
        no necesita papeles; no necesitas papeles; no se necesitan documentos; sin documentos;
        sin seguro social; no se requiere seguro social
    """,
    # high pay for no experience (ILO: deception)
    "_NO_EXPERIENCE": """
        no experience needed; no experience necessary; no experience required; no experience;
        easy money; quick money; fast money; sin experiencia; no se necesita experiencia;
        no necesita experiencia; dinero fácil; dinero facil; dinero rápido; dinero rapido
    """,
    # messaging-app-only contact (Polaris: recruiters who cannot be traced)
    "_MESSAGING_ONLY": """
        whatsapp only; only whatsapp; only on whatsapp; only by whatsapp; only via whatsapp;
        contact via whatsapp only; telegram only; only telegram; only on telegram; text only; no calls;
        solo whatsapp; sólo whatsapp; solo por whatsapp; sólo por whatsapp; únicamente whatsapp;
        unicamente whatsapp; solo telegram; solo por telegram; solo mensajes; no llamadas
    """,
    "_MESSAGING_APP": "whatsapp; whats app; telegram; signal app; wechat; viber",
    # housing or transport provided (lawful, and required for H-2A: low weight)
    "_HOUSING": """
        housing provided; housing included; free housing; housing available; housing; lodging; room and board;
        place to live; vivienda; vivienda incluida; vivienda gratis; alojamiento;
        hospedaje; casa incluida; cuarto incluido; donde vivir
    """,
    "_TRANSPORT": """
        transportation provided; transportation; transport provided; transport; rides provided; ride to work; shuttle;
        bus ticket; plane ticket; airfare; travel paid; transporte; transporte incluido; raite; ride;
        boleto de autobús; boleto de autobus; boleto de avión; boleto de avion; pasaje
    """,
    # documents and visas named (a detail, no weight on its own)
    "_DOCUMENTS": """
        passport; pasaporte; visa; work permit; permiso de trabajo; documents;
        documentos; papers; papeles; identificación; identificacion; ssn; seguro social
    """,
    # a statement that the worker pays nothing (negates fees in the same ad)
    "_NO_FEE": """
        no fees; no fee; no recruitment fees; no recruitment fee; no fees charged; no cost to workers;
        no cost to the worker; employer pays; paid by the employer;
        employer will pay; sin costo para el trabajador; sin cobro;
        no se cobra; no cobramos; ninguna cuota; sin cuota; el patrón paga; el patron paga;
        pagado por el empleador; el empleador paga
    """,
    # registration of the employer or the job order
    "_REGISTRATION": """
        license; licensed; license number; registration number; registered; job order; eta case number;
        case number; dol certified; certified by the department of labor; h 2a certified; farm labor contractor;
        flc; usdot; ein; licencia; número de licencia; numero de licencia; registrado; orden de trabajo;
        contratista agrícola registrado; contratista agricola registrado
    """,
}

# Polaris typology industries (codes match beacon.cases.typology.VenueType)
INDUSTRIES: dict[str, str] = {
    "agriculture": """
        farm; farms; farmworker; farm worker; farm work; harvest; harvesting; picking; pickers; crop; crops;
        field work; fieldwork; orchard; nursery; greenhouse; dairy; livestock; cattle; poultry; tomatoes; cotton;
        rice; watermelon; melons; peaches; apples; sweet potatoes; tobacco; h 2a; h2a; agricultural;
        campo; cosecha; pizca; piscar; granja; rancho; trabajador agrícola; trabajador agricola; agrícola;
        agricola; invernadero; ganado; lechería; lecheria; sandía; sandia; algodón; algodon; arroz; tomate
    """,
    "construction": """
        construction; roofing; roofers; roofer; drywall; framing; framers; concrete; masonry; carpentry;
        carpenter; carpenters; laborers; general labor; demolition; painting crew; painters; siding;
        construcción; construccion; techos; techero; techeros; tablaroca; albañil; albañiles; albanil;
        carpintero; carpinteros; concreto; pintores; obra
    """,
    "restaurants": """
        restaurant; restaurants; kitchen; cook; cooks; line cook; dishwasher; dishwashers; server; servers;
        waiter; waitress; buffet; food service; prep cook; restaurante; cocina; cocinero; cocineros;
        lavaplatos; mesero; mesera; meseros; ayudante de cocina
    """,
    "traveling_sales_crews": """
        sales crew; travel crew; traveling sales; travelling sales; door to door; door-to-door;
        magazine sales; magazine subscriptions; travel the country; travel across the country; road crew;
        ventas de puerta en puerta; puerta en puerta; equipo de ventas; viajar por el país; viajar por el pais
    """,
    "domestic_work": """
        nanny; nannies; housekeeper; housekeeping for a family; caregiver; live-in caregiver; domestic worker;
        domestic help; au pair; babysitter; niñera; ninera; empleada doméstica; empleada domestica;
        trabajadora del hogar; limpieza de casa; limpieza de casas; cuidadora; quehaceres
    """,
    "illicit_massage": """
        massage; massage therapist; masseuse; spa; body work; bodywork; masaje; masajes; masajista
    """,
    "landscaping": """
        landscaping; landscaper; landscapers; lawn care; mowing; tree trimming; jardinería; jardineria;
        jardinero; jardineros; yardas; poda
    """,
    "hotels": """
        hotel; hotels; motel; housekeepers; room attendant; hospitality; camarista; camaristas; hotelería; hoteleria
    """,
    "commercial_cleaning": """
        janitorial; janitor; janitors; commercial cleaning; cleaning crew; office cleaning; conserje; conserjes;
        limpieza de oficinas; limpieza comercial
    """,
    "factories": """
        factory; factories; warehouse; meat packing; meatpacking; poultry plant; processing plant; assembly line;
        fábrica; fabrica; empacadora; planta procesadora; almacén; almacen; bodega
    """,
}

_INDUSTRY_PREFIX = "IND:"


def job_lexicon() -> Lexicon[str]:
    """Phrase lexicon of job ads: indicator codes, detail tags (``_HOUSING``...) and ``IND:<industry>``."""
    lex: Lexicon[str] = Lexicon()
    for code, block in PHRASES.items():
        lex.add_all(_phrases(block), code)
    for industry, block in INDUSTRIES.items():
        lex.add_all(_phrases(block), _INDUSTRY_PREFIX + industry)
    return lex


_LEX = job_lexicon()

# words that negate a fee, deduction or document phrase right before it
_NEGATORS = frozenset(
    "no not never nothing without free zero none sin ningún ningun ninguna nunca nada cero nor".split()
)
_NEGATED_CODES = frozenset(
    {"JOB_WORKER_PAYS_FEES", "JOB_DEBT_DEDUCTIONS", "JOB_DOCUMENTS_HELD", "JOB_WITHHELD_WAGES",
     "JOB_RESTRICTED_MOVEMENT", "_HOUSING", "_TRANSPORT"}
)
# housing or transport provided: "free" or "zero" before them does not negate ("free employer-provided housing")
_PROVIDED = frozenset({"_HOUSING", "_TRANSPORT"})
_PROVIDED_NEGATORS = _NEGATORS - {"free", "zero", "cero"}
_OPEN_WORDS = frozenset({"open", "abierto", "abiertos", "abrimos"})
# a phone number written right after a messaging app's name is that app's contact
# (in the same sentence: "... o mande WhatsApp. Call 573-..." gives a line that answers calls)
_APP_BEFORE_RE = re.compile(
    r"(?:whats\s?app|telegram|signal|viber|wechat)[\s:,(+-]{0,4}"
    r"(?:(?:at|al|to|a|on|number|n[uú]mero|#|1)[\s:,(+-]{1,3}){0,2}$"
)
_WEBSITE_RE = re.compile(r"(?<![@\w.])(?:www\.|https?://)[\w-]+(?:\.[\w-]+)+")
_FEE_KINDS = (
    ("visa", ("visa",)),
    ("transport", ("transport", "travel", "bus", "plane", "airfare", "pasaje", "boleto", "raite")),
    ("housing", ("housing", "rent", "room", "lodging", "vivienda", "renta", "cuarto", "alojamiento")),
    ("tools", ("tools", "equipment", "herramienta", "equipo")),
)

# --- Pay ------------------------------------------------------------------------------------
_UNIT_WORDS: dict[str, str] = {
    "hr": "hour", "hrs": "hour", "hour": "hour", "hourly": "hour", "h": "hour", "hora": "hour",
    "day": "day", "daily": "day", "dia": "day", "día": "day", "diario": "day",
    "week": "week", "weekly": "week", "wk": "week", "semana": "week", "semanal": "week",
    "month": "month", "monthly": "month", "mo": "month", "mes": "month", "mensual": "month",
    "year": "year", "yr": "year", "yearly": "year", "annual": "year", "año": "year", "anual": "year",
    "diarios": "day", "diaria": "day", "diarias": "day", "semanales": "week", "mensuales": "month",
    "piece": "piece", "bucket": "piece", "bin": "piece", "box": "piece", "unit": "piece", "row": "piece",
    "tree": "piece", "pound": "piece", "lb": "piece", "sack": "piece", "pieza": "piece", "cubeta": "piece",
    "bote": "piece", "caja": "piece", "surco": "piece", "libra": "piece", "saco": "piece", "árbol": "piece",
}  # fmt: skip
_UNIT_ALT = "|".join(sorted(map(re.escape, _UNIT_WORDS), key=len, reverse=True))
_PAY_RE = re.compile(
    r"(?P<amt>\$\s*\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\$\s*\d+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?\s*(?:dólares|dolares|dollars|usd))"
    r"\s*(?:/|per|an?|a la|al|la|el|por|cada|each|every)?\s*(?:the\s+)?"
    rf"(?P<unit>{_UNIT_ALT})\b",
    re.IGNORECASE,
)
_AMOUNT_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def extract_pay(text: str) -> list[PayMatch]:
    """Pay as posted (``$15/hr``, ``$150 a day``, ``$0.50 per bucket``, ``$900 a la semana``)."""
    out: list[PayMatch] = []
    if not text or ("$" not in text and not re.search(r"d[oó]lares|dollars|usd", text, re.IGNORECASE)):
        return out
    for m in _PAY_RE.finditer(text):
        num = _AMOUNT_RE.search(m.group("amt"))
        if num is None:
            continue
        amount = float(num.group(0).replace(",", ""))
        unit = _UNIT_WORDS[m.group("unit").lower()]
        if amount <= 0 or (unit == "hour" and amount > 500):
            continue
        out.append(PayMatch(amount, unit, (m.start(), m.end()), m.group(0)))
    return out


# --- Employer ---------------------------------------------------------------------------------
_SUFFIX = r"(?:LLC|L\.L\.C\.|Inc\.?|Corp\.?|Co\.|Company|Farms?|Ranch|Orchards?|Nursery|Construction|Roofing|" \
          r"Landscaping|Services|Restaurant|Grill|Cafe|Dairy|Produce|Builders|Contractors|Group|Enterprises|Hotel|" \
          r"Lodge|Inn|Suites|Landscape|Foods|Packing|Partners|Promotions)"
_EMPLOYER_RE = re.compile(
    rf"\b((?:[A-Z][\w&'-]*,?[ \t]+){{0,4}}{_SUFFIX}(?:,?[ \t]+(?:LLC|Inc\.?|Corp\.?))?)(?![\w])"
)
_LEGAL_FORM_RE = re.compile(r"\b(?:LLC|L\.L\.C\.|Inc\.?|Corp\.?|Co\.|Company)$")
_EMPLOYER_LABEL_RE = re.compile(
    r"(?i:employer|company|hiring company|empresa|patrón|patron|empleador|compañía|compania)[ \t]*:[ \t]*"
    r"([A-Z][\w&'-]*(?:[ \t]+[A-Z][\w&'-]*){0,4}(?:[ \t]+(?:LLC|Inc\.?|Corp\.?|Co\.))?)"
)
_ADDRESS_RE = re.compile(
    r"\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9][\w.'-]*\s+){1,4}"
    r"(?:St|Street|Ave|Avenue|Rd|Road|Hwy|Highway|Blvd|Dr|Drive|Ln|Lane|Way|Pkwy|Route|Rt|County Road|CR)\b\.?"
    # numbered roads: "6008 Highway 84", "7325 Route 60", "1200 County Road 412"
    r"|\b\d{1,6}\s+(?:State\s+)?(?:Highway|Hwy|Route|Rt|County Road|CR|Farm Road)\s+[A-Z0-9]{1,4}\b",
)
_ROLE_AFTER_RE = re.compile(
    r"[ \t]+(?:workers?|hands?|attendants?|crews?|associates?|technicians?|helpers?|laborers?|staff|team|"
    r"positions?|jobs?|managers?|supervisors?|cooks?|drivers?|operators?|housekeepers?|servers?|"
    r"trabajador(?:es)?|ayudantes?|personal|puestos?|empleos?)\b",
    re.IGNORECASE,
)
_EMPLOYER_STOP = frozenset({"The", "Our", "We", "A", "An", "Your", "Call", "Text", "Great", "Good", "Local", "Busy"})


def _employer(text: str) -> str:
    m = _EMPLOYER_LABEL_RE.search(text)
    if m:
        return m.group(1).strip()
    names: list[str] = []
    for m in _EMPLOYER_RE.finditer(text):
        if _ROLE_AFTER_RE.match(text, m.end()):
            continue  # "Seasonal Nursery Worker", "Hotel Housekeeper": a job title, not a business
        words = m.group(1).split()
        while words and words[0] in _EMPLOYER_STOP:
            words = words[1:]
        if len(words) >= 2:
            names.append(" ".join(words))
    # a legal form (LLC, Inc...) names a business more surely than "Orchard" or "Services"
    legal = [n for n in names if _LEGAL_FORM_RE.search(n)]
    return (legal or names or [""])[0]


# --- Sentence rules: the indicators as concepts, not phrases ---------------------------------------
# The phrase lists above find the wordings they list. An ad says the same thing in many other ways
# ("rent comes out of each check", "the supervisor collects passports", "de lunes a domingo"), so each
# text indicator is also a rule over the *concepts* its definition names, found in one sentence:
# e.g. retention of identity documents = an identity document AND a verb of keeping or collecting,
# not negated and not said of the worker's "own" documents. Concepts are word stems (a token matches
# a stem when it starts with it; accents folded), in English and Spanish, taken from the indicator
# definitions (ILO 2012, Polaris), not from any evaluation set. Rules run only where the phrase lists
# found nothing for that indicator, so every phrase-list result is kept as it was.
def _fold(word: str) -> str:
    return word.translate(_FOLD)


_FOLD = str.maketrans("áéíóúüñ", "aeiouun")


def _stems(block: str) -> tuple[tuple[str, ...], ...]:
    """``"pay back; deduct"`` -> ``(("pay", "back"), ("deduct",))``; a stem ending in ``$`` must match whole."""
    return tuple(tuple(_fold(w) for w in p.split()) for p in _phrases(block))


def _concept_re(stems: tuple[tuple[str, ...], ...]) -> re.Pattern[str]:
    """One regex for a concept over words joined by single spaces: a stem matches a word's start
    (``"deduct"`` matches "deducted"), a stem ending in ``$`` the whole word."""
    alts = [" ".join(re.escape(w[:-1]) if w.endswith("$") else re.escape(w) + "[^ ]*" for w in stem) for stem in stems]
    return re.compile(r"(?<![^ ])(?:" + "|".join(alts) + r")(?![^ ])")


def _find(line: str, starts: list[int], concept: re.Pattern[str]) -> list[tuple[int, int]]:
    """Word ranges ``[i, j)`` where ``concept`` matches ``line`` (the sentence's words joined by spaces)."""
    return [(bisect_right(starts, m.start()) - 1, bisect_right(starts, m.end() - 1)) for m in concept.finditer(line)]


_C_STEMS = {
    # a charge to the worker: a charge named, or a payment asked for with an amount
    "charge": _stems("""fee; fees$; charged; charges$; charge$; cost; costo; cuota; cobr; a deposit; deposit of;
        deposito de; responsibility; por cuenta del trabajador; corre por cuenta"""),
    "pay_verb": _stems("""send; envi; must pay; you pay; to pay; worker pays; workers pay; debe pagar; deben pagar;
        hay que pagar; tiene que pagar; tienen que pagar; usted paga; pagar por"""),
    # what the charge is for: getting the job or the visa
    "fee_for": _stems("""recruit; visa; placement; paperwork; processing fee; processing charge; application; apply; position; spot$;
        contract; reserv; secure$; to secure; hiring; hire$; reclut; papeleo; tramit; lugar$; contrato; apartar; aparta$;
        colocacion; inscripcion; consegu; asegur; solicitud"""),
    # the employer pays (a lawful statement with the same words)
    "employer_pays": _stems("""employer pay; employer cover; employer reimburs; company pay; company cover;
        paid by the employer; covered by the employer; employer is responsible; employer takes; at no cost; no cost; free of charge; reimburs;
        empleador paga; empleador cubre; patron paga; patron cubre; compania paga; sin costo; reembols;
        gratis; no se cobra; no hay costo"""),
    # something advanced to the worker (travel, lodging, tools, a loan)
    "advanced": _stems("""ticket; airfare; plane; flight; bus$; trip$; travel; transport; rent$; lodging;
        housing; room$; advance; loan; front$; tools; equipment; boleto; pasaje; viaje; vuelo; transporte;
        renta$; hospedaje; vivienda; cuarto; adelant; prest; herramient"""),
    # taken back from pay
    "recovered": _stems("""deduct; repa; pay back; paid back; pay it back; paid off; work off; work it off;
        owe; debt; descuent; descont; rebaj; deud; adeud; quit; recuper; payroll deduction"""),
    "taken_out": _stems("""comes out; come out; taken out; taken from; withheld; withhold; recover; sale de;
        se cobra; cobra despues; se cobra despues"""),
    "pay_noun": _stems("""check$; checks$; paycheck; pay$; wages; earnings; payroll; salary; cheque; sueldo;
        pago$; nomina; salario; gane$; gana$; ganar$; ganancia"""),
    # identity documents and keeping them
    "id_doc": _stems("""passport; id$; ids$; identification; identity; documents; papers$; green card;
        pasaporte; identificacion; documento; papeles$; credencial; mica$"""),
    "keep": _stems("""keep; kept; hold; held; collect; retain; retention; safekeep; surrender; hand over;
        hand in; turn in; turned in; stays with; stay with; confiscat; guard; recog; reten; retien;
        se queda; se quedan; queda con; quedan con; quedan en; entreg"""),
    "own": _stems("""own$; their own; su propio; sus propios; propio; propios; conserva; copy; copia; bring;
        traiga; i$ 9$; orientation; orientacion"""),
    # pay held back to the end
    "wage": _stems("""pay$; paid; wages; earnings; money; paycheck; salary; sueldo; pago$; pagos$; paga$;
        dinero; salario; se le paga; se les paga"""),
    "until_end": _stems("""until; end of; season s end; at the end; after you complete; after completing;
        when the; only after; finished; is done; al final; al terminar; cuando termine; hasta que termine;
        hasta terminar; despues de completar; hasta el final; held; withheld; kept for you; se le guarda;
        retiene; retenido; se libera"""),
    "term": _stems("""season; harvest; contract; job is done; job ends; work is done; in full; everything;
        temporada; cosecha; contrato; trabajo$; todo$"""),
    "periodic": _stems("""every; each; weekly; week$; biweekly; friday; cada; semanal; semana$; quincena;
        viernes; bonus; bono"""),
    # movement restricted
    "move": _stems("""leave; leaving; go out; goes out; outside; visitor; visits; town$; salir; sale$; salen;
        salga; visita; pueblo; stay at; stays at"""),
    "restrict": _stems("""without permission; only with; not allowed; cannot; can t$; may not; must stay;
        at all times; nobody; no one; prohibit; losing your job; lose your job; sin permiso; solo con;
        solo salen con; solamente con; no se permite; nadie; en todo momento; pierde el trabajo;
        no se sale; no pueden; no puede"""),
    "phone": _stems("""phone; phones$; cell; cellphone; celular; telefono"""),
    "phone_kept": _stems("""turned in; turn in; kept; collected; taken; se entregan; se entrega; se guardan;
        se quedan; recogen; guard"""),
    "free_to": _stems("""free to; may leave; can leave; pueden salir; puede salir; libremente; libres de"""),
    # documents or status not asked for
    "status": _stems("""papers$; documents; status; immigration; ssn$; social security; work permit;
        authorization; undocumented; indocumentad; papeles$; documentos; migratori; seguro social;
        permiso de trabajo; situacion migratoria"""),
    "not_asked": _stems("""does not matter; doesn t$ matter; don t$ check; do not check; not required;
        not needed; not necessary; without; we hire without; no problem; no importa; sin$; no pedimos;
        no se piden; no se pide; no necesita; no hay problema; contratamos sin"""),
    "undocumented": _stems("undocumented; indocumentad; illegal$; ilegal$; ilegales$"),
    "welcome": _stems("welcome; accepted; we accept; we hire; aceptamos; se aceptan; contratamos; bienvenid"),
    "sponsorship": _stems("sponsorship; patrocinio; e verify"),
    # no experience asked for
    "experience": _stems("experience; experiencia"),
    "beginner": _stems("""we train; we will train; training provided; full training; paid training;
        beginners; no prior; never worked; capacitamos; le capacitamos; le ensenamos; nosotros le ensenamos;
        entrenamos; principiantes; nunca ha trabajado"""),
    "not_required": _stems("""no$; not required; not necessary; not needed; no se requiere; no se necesita;
        no requiere; no necesita; sin$; none$"""),
    # contact only through a messaging app
    "app": _stems("whatsapp; whats app; telegram; signal$; wechat; viber"),
    "no_calls": _stems("""no calls; do not answer calls; don t$ answer calls; we do not take calls;
        don t$ take calls; messages only; message only; text only; only by message; only through; only on;
        only via; nada mas; no contestamos llamadas; no se contestan llamadas; no llamadas; solo mensajes;
        solo por; unicamente; solamente"""),
    # working time
    "open": _stems("open$; abierto; abiertos"),
}
_C = {name: _concept_re(stems) for name, stems in _C_STEMS.items()}
_RULE_NEGATORS = frozenset("no not never nothing without none sin nunca nada ni ningun ninguna ningunos".split())
_SENTENCE_RE = re.compile(r"[.!?](?=\s|$)|\n")
_SEVEN_DAYS_RE = re.compile(
    r"\b(?:mon(?:day)?\.?\s*(?:-|–|to|through|thru)\s*sun(?:day)?|lunes\s+a\s+domingo|every\s+day|"
    r"todos\s+los\s+d[ií]as|(?:7|seven)\s+days|(?:7|siete)\s+d[ií]as|including\s+sundays|incluso\s+(?:los\s+)?domingos)",
    re.IGNORECASE,
)
_WORK_TIME_RE = re.compile(r"\b(?:work|shifts?|schedule|hours|trabaj\w*|turnos?|jornadas?|horario|horas)\b",
                           re.IGNORECASE)
_SHIFT_RE = re.compile(
    r"\b(\d{1,2})\s*[- ]?\s*(?:hour|hr|horas?)\b(?:\s*(?:shifts?|days?|a\s+day|per\s+day|diarias|al\s+d[ií]a))?"
    r"|\b(?:turnos?|jornadas?)\s+de\s+(\d{1,2})\s+horas",
    re.IGNORECASE,
)
_WEEKLY_RE = re.compile(
    r"\b(\d{2,3})\s*\+?\s*(?:hours|hrs|horas)\s*(?:weekly|a\s+week|per\s+week|/\s*week|por\s+semana|semanales|a\s+la\s+semana)",
    re.IGNORECASE,
)
_RANGE_RE = re.compile(
    r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s*(?:-|–|to|a|hasta)\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?",
    re.IGNORECASE,
)


def _daily_hours(m: re.Match[str]) -> float:
    h1, m1, p1, h2, m2, p2 = m.groups()
    start = int(h1) % 12 + (12 if p1 and p1.lower().startswith("p") else 0) + int(m1 or 0) / 60
    end = int(h2) % 12 + (12 if p2 and p2.lower().startswith("p") else 0) + int(m2 or 0) / 60
    if end <= start:
        end += 12
    return end - start


def _excessive_hours(sentence: str) -> tuple[int, int] | None:
    """A schedule of seven days, 12 or more hours a day, or 60 or more hours a week (span in the sentence)."""
    m = _SEVEN_DAYS_RE.search(sentence)
    if m and not re.search(r"\b(?:open|abierto)s?\b[^.]{0,20}$", sentence[: m.start()], re.IGNORECASE) and (
        # "every day" / "todos los días" is a schedule only beside work ("transport every day" is not)
        not m.group(0).lower().startswith(("every", "todos")) or _WORK_TIME_RE.search(sentence)
    ):
        return m.span()
    for m in _SHIFT_RE.finditer(sentence):
        hours = int(m.group(1) or m.group(2))
        if 12 <= hours <= 24 and not re.match(r"\s*(?:week|semana)", sentence[m.end():], re.IGNORECASE):
            return m.span()
    for m in _WEEKLY_RE.finditer(sentence):
        if int(m.group(1)) >= 60:
            return m.span()
    if re.search(r"\b(?:am|pm|a\.m\.|p\.m\.)", sentence, re.IGNORECASE) or re.search(r"\bde\s+\d", sentence):
        for m in _RANGE_RE.finditer(sentence):
            if (m.group(3) or m.group(6)) and _daily_hours(m) >= 12:
                return m.span()
    return None


def _sentences(text: str, tokens: list[Token]) -> list[tuple[int, int, list[int]]]:
    """Sentences ``(start, end, token indices)`` of ``text``."""
    bounds = [m.end() for m in _SENTENCE_RE.finditer(text)]
    out: list[tuple[int, int, list[int]]] = []
    start = 0
    k = 0
    for end in [*bounds, len(text)]:
        idx: list[int] = []
        while k < len(tokens) and tokens[k][1] < end:
            idx.append(k)
            k += 1
        if idx:
            out.append((start, end, idx))
        start = end
    return out


def _rule_hits(text: str, tokens: list[Token], lows: list[str]) -> tuple[dict[str, Span], list[Span]]:
    """Indicator code -> evidence span found by the sentence rules, and the sentences that say the
    employer pays (a fee phrase inside one is a lawful statement, not a charge to the worker)."""
    found: dict[str, Span] = {}
    employer_pays: list[Span] = []
    for s_start, s_end, idx in _sentences(text, tokens):
        words = [_fold(lows[k]) for k in idx]
        line = " ".join(words)
        wstarts = list(accumulate((len(w) + 1 for w in words[:-1]), initial=0))
        hits = {name: _find(line, wstarts, concept) for name, concept in _C.items()}
        if hits["employer_pays"]:
            employer_pays.append((s_start, s_end))

        def negated(rng: tuple[int, int], words: list[str] = words) -> bool:
            return any(w in _RULE_NEGATORS for w in words[max(0, rng[0] - 3) : rng[0]])

        def span(*ranges: tuple[int, int], idx: list[int] = idx) -> Span:
            lo = min(r[0] for r in ranges)
            hi = max(r[1] for r in ranges)
            return (tokens[idx[lo]][1], tokens[idx[hi - 1]][2])

        def add(code: str, *ranges: tuple[int, int]) -> None:
            if code not in found:
                found[code] = span(*ranges)

        def live(name: str, hits: dict[str, list[tuple[int, int]]] = hits) -> list[tuple[int, int]]:
            return [r for r in hits[name] if not negated(r)]

        # the worker pays for the job or the visa
        charge, fee_for = live("charge"), live("fee_for")
        amount = re.search(r"\$\s*\d|\d\s*(?:d[oó]lares|dollars|usd)", text[s_start:s_end], re.IGNORECASE)
        if not charge and amount:
            charge = live("pay_verb")
        if charge and fee_for and not hits["employer_pays"] and not any(
            negated(r) for r in hits["charge"] + hits["pay_verb"]
        ):
            add("JOB_WORKER_PAYS_FEES", charge[0], fee_for[0])
        # something advanced and taken back from pay
        adv = hits["advanced"]
        rec = live("recovered")
        out = live("taken_out")
        paid = hits["pay_noun"]
        if adv and (rec or (out and paid)) and not any(negated(r) for r in hits["recovered"] + hits["taken_out"]):
            add("JOB_DEBT_DEDUCTIONS", adv[0], (rec or out)[0])
        # identity documents kept by the employer
        doc, keep = hits["id_doc"], live("keep")
        if doc and keep and not hits["own"] and not any(negated(r) for r in hits["keep"]):
            add("JOB_DOCUMENTS_HELD", doc[0], keep[0])
        # wages held to the end of the season or contract
        wage, until, term = hits["wage"], live("until_end"), hits["term"]
        if wage and until and term and not hits["periodic"] and not adv and not hits["employer_pays"]:
            add("JOB_WITHHELD_WAGES", wage[0], until[0], term[0])
        # movement restricted, phones taken
        move, restrict = hits["move"], hits["restrict"]
        if move and restrict and not hits["free_to"]:
            add("JOB_RESTRICTED_MOVEMENT", move[0], restrict[0])
        elif hits["phone"] and hits["phone_kept"] and not any(negated(r) for r in hits["phone_kept"]):
            add("JOB_RESTRICTED_MOVEMENT", hits["phone"][0], hits["phone_kept"][0])
        # papers not asked for
        status, not_asked = hits["status"], hits["not_asked"]
        if status and not_asked and not hits["sponsorship"]:
            add("JOB_NO_PAPERS", status[0], not_asked[0])
        elif hits["undocumented"] and hits["welcome"]:
            add("JOB_NO_PAPERS", hits["undocumented"][0], hits["welcome"][0])
        # no experience asked for (paired with high pay in job_signals)
        exp, notreq = hits["experience"], hits["not_required"]
        if hits["beginner"]:
            add("_NO_EXPERIENCE", hits["beginner"][0])
        elif exp and notreq and any(abs(r[0] - exp[0][0]) <= 4 for r in notreq):
            add("_NO_EXPERIENCE", exp[0], next(r for r in notreq if abs(r[0] - exp[0][0]) <= 4))
        # a messaging app and no calls
        if hits["app"] and hits["no_calls"]:
            add("_MESSAGING_ONLY", hits["app"][0], hits["no_calls"][0])
        # working time
        hours = _excessive_hours(text[s_start:s_end])
        if hours is not None and "JOB_EXCESSIVE_HOURS" not in found:
            found["JOB_EXCESSIVE_HOURS"] = (s_start + hours[0], s_start + hours[1])
    return found, employer_pays


# --- Signals --------------------------------------------------------------------------------
_CLAUSE_END = re.compile(r"[.!?;:\n]")


def _negated(text: str, tokens: list[Token], lows: list[str], index: int, window: int = 3,
             negators: frozenset[str] = _NEGATORS) -> bool:
    """A negating word among the ``window`` words before token ``index``, in the same sentence."""
    start = tokens[index][1]
    ends = [m.end() for m in _CLAUSE_END.finditer(text, max(0, start - 80), start)]
    boundary = ends[-1] if ends else -1
    return any(
        lows[k] in negators and tokens[k][1] >= boundary for k in range(max(0, index - window), index)
    )


def job_signals(
    text: str,
    tokens: list[Token],
    lows: list[str],
    lowset: set[str],
    *,
    has_email: bool = False,
    has_url: bool = False,
    has_phone: bool = False,
    handle_platforms: tuple[str, ...] = (),
    phone_spans: tuple[Span, ...] = (),
) -> tuple[list[tuple[str, Span | None, str]], JobDetails]:
    """The indicators ``(code, span or None, evidence)`` and details of one job ad's text.

    ``phone_spans``: where the phone numbers are in ``text`` (a number written right after
    "WhatsApp" or "Telegram" is that app's contact, not a line that answers calls)."""
    details = JobDetails()
    hits: list[JobSignal] = []
    starts = {t[1]: k for k, t in enumerate(tokens)}
    rules, employer_pays = _rule_hits(text, tokens, lows)
    for payload, s, e in _LEX.scan_spans(tokens, lows, lowset):
        k = starts.get(s, 0)
        neg = payload in _NEGATED_CODES and _negated(
            text, tokens, lows, k, negators=_PROVIDED_NEGATORS if payload in _PROVIDED else _NEGATORS)
        if payload == "JOB_WORKER_PAYS_FEES" and any(a <= s < b for a, b in employer_pays):
            neg = True  # "the employer covers the visa fee"
        if payload == "JOB_EXCESSIVE_HOURS" and _negated(text, tokens, lows, k, negators=_OPEN_WORDS):
            neg = True  # "open 7 days a week" is the business's hours, not a worker's
        hits.append(JobSignal(payload, (s, e), text[s:e], neg))
    by: dict[str, list[JobSignal]] = {}
    for h in hits:
        by.setdefault(h.what, []).append(h)
    for code, (s, e) in rules.items():  # what the sentence rules found where the phrase lists found nothing
        if not any(not h.negated for h in by.get(code, [])):
            by.setdefault(code, []).append(JobSignal(code, (s, e), text[s:e]))
    found: list[tuple[str, Span | None, str]] = []

    def first(code: str) -> JobSignal | None:
        return next((h for h in by.get(code, []) if not h.negated), None)

    # fees charged to the worker: not when the ad says the worker pays nothing. A no-cost statement
    # about housing or transport ("housing at no cost to workers") says nothing of recruitment fees:
    # it cancels a fee only in its own sentence.
    sentence_spans = [(a, b) for a, b, _ in _sentences(text, tokens)]

    def sentence_of(pos: int) -> Span:
        return next(((a, b) for a, b in sentence_spans if a <= pos < b), (pos, pos + 1))

    provided_sentences = {sentence_of(h.span[0]) for h in hits if h.what in _PROVIDED}
    no_fee_general = False
    for h in by.get("_NO_FEE", []):
        where = sentence_of(h.span[0])
        if where not in provided_sentences:
            no_fee_general = True
        by["JOB_WORKER_PAYS_FEES"] = [
            JobSignal(f.what, f.span, f.raw, True) if sentence_of(f.span[0]) == where else f
            for f in by.get("JOB_WORKER_PAYS_FEES", [])
        ]
    details.no_fee_statement = no_fee_general
    fee = first("JOB_WORKER_PAYS_FEES")
    if fee is not None and not details.no_fee_statement:
        found.append(("JOB_WORKER_PAYS_FEES", fee.span, fee.raw))
    for h in by.get("JOB_WORKER_PAYS_FEES", []):
        if not h.negated and not details.no_fee_statement:
            kind = next((k for k, words in _FEE_KINDS if any(w in h.raw.lower() for w in words)), "recruitment")
            if kind not in details.fees:
                details.fees.append(kind)
    debt = first("JOB_DEBT_DEDUCTIONS")
    if debt is not None:
        found.append(("JOB_DEBT_DEDUCTIONS", debt.span, debt.raw))
        window = text[max(0, debt.span[0] - 120) : debt.span[1] + 60].lower()
        for kind, words in _FEE_KINDS:
            if any(w in window for w in words) and kind not in details.fees:
                details.fees.append(kind)
    for code in ("JOB_DOCUMENTS_HELD", "JOB_WITHHELD_WAGES", "JOB_EXCESSIVE_HOURS", "JOB_RESTRICTED_MOVEMENT",
                 "JOB_NO_PAPERS"):
        sig = first(code)
        if sig is not None:
            found.append((code, sig.span, sig.raw))
    # pay: high pay promised for no experience
    details.pay = extract_pay(text)
    noexp = first("_NO_EXPERIENCE")
    hourly = [p.hourly for p in details.pay if p.hourly is not None]
    if noexp is not None and hourly and max(hourly) >= HIGH_PAY_HOURLY:
        best = max(details.pay, key=lambda p: p.hourly or 0)
        found.append(("JOB_HIGH_PAY_NO_EXPERIENCE", noexp.span, f"{noexp.raw} … {best.raw}"))
    # contact channel
    apps = {h.raw.lower().replace(" ", "") for h in by.get("_MESSAGING_APP", [])}
    apps.update(p for p in handle_platforms if p in {"whatsapp", "telegram"})
    low_text = text.lower()
    app_phones = [sp for sp in phone_spans if _APP_BEFORE_RE.search(low_text[max(0, sp[0] - 40) : sp[0]])]
    if phone_spans and len(app_phones) == len(phone_spans):
        has_phone = False  # every number is a WhatsApp/Telegram contact

    for h in by.get("_MESSAGING_ONLY", []):
        apps.update(app for app in ("whatsapp", "telegram") if app in h.raw.lower())
    contact = sorted({"whatsapp" if a in {"whatsapp", "wa"} else a for a in apps})
    if has_phone:
        contact.append("phone")
    if has_email:
        contact.append("email")
    if has_url:
        contact.append("website")
    details.contact = contact
    only = first("_MESSAGING_ONLY")
    if only is not None or (apps and not has_email and not has_url and not has_phone):
        details.messaging_only = True
        if only is not None:
            found.append(("JOB_MESSAGING_ONLY", only.span, only.raw))
        else:
            app = by["_MESSAGING_APP"][0] if by.get("_MESSAGING_APP") else None
            if app is not None:  # the app named, with no phone, e-mail or website beside it
                found.append(("JOB_MESSAGING_ONLY", app.span, app.raw))
            else:
                found.append(("JOB_MESSAGING_ONLY", None, "contact only through a messaging app"))
    # housing / transport: lawful on their own (H-2A employers must provide both)
    house = first("_HOUSING")
    ride = first("_TRANSPORT")
    details.housing, details.transport = house is not None, ride is not None
    if house is not None or ride is not None:
        lawful = house if house is not None else ride
        assert lawful is not None
        found.append(("JOB_HOUSING_TRANSPORT", lawful.span, lawful.raw))
    details.documents = sorted({h.raw.lower() for h in by.get("_DOCUMENTS", [])})
    # employer and whether it can be checked
    details.employer = _employer(text)
    if details.employer:
        details.verifiable_by.append("business name")
    if _ADDRESS_RE.search(text):
        details.verifiable_by.append("address")
    if by.get("_REGISTRATION"):
        details.verifiable_by.append("registration")
    if has_url or _WEBSITE_RE.search(text):
        details.verifiable_by.append("website")
    details.employer_verifiable = bool(
        {"address", "registration", "website"}.intersection(details.verifiable_by)
        or (details.employer and has_email)
    )
    if not details.employer and not details.employer_verifiable:
        found.append(("JOB_UNVERIFIABLE_EMPLOYER", None, "no employer name, address, registration or website"))
    # industry: the most named one (first named on a tie)
    counts = Counter(h.what[len(_INDUSTRY_PREFIX):] for h in hits if h.what.startswith(_INDUSTRY_PREFIX))
    if counts:
        top = max(counts.values())
        details.industry = next(
            h.what[len(_INDUSTRY_PREFIX):] for h in hits
            if h.what.startswith(_INDUSTRY_PREFIX) and counts[h.what[len(_INDUSTRY_PREFIX):]] == top
        )
    return found, details


HIGH_PAY_HOURLY = 30.0
"""An hourly equivalent at or above this, promised for no experience, is 'too good to be true'
(about twice the Missouri agricultural and restaurant wages of 2024; Beacon's judgment)."""
