"""The indicator catalogue (ad level and cluster level) and risk scoring.

Every indicator has a code, a weight and an explanation; the full catalogue
with evidence and citations is in ``docs/indicators.md``.  Weights follow the
NIJ-funded JRSA/JIRN study (Journal of Human Trafficking, 2024,
doi:10.1080/23322705.2024.2349447): trustworthy/professional language,
obscured phone numbers, youth language and stated ethnicity predicted
trafficking; "new in town"/movement language was *less* likely to belong to a
trafficking case, so it carries a negative weight.  Cluster-level features
weigh more than any single ad-level word.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .lexicon import Lexicon

__all__ = [
    "AD_INDICATORS",
    "CLUSTER_INDICATORS",
    "ESCORT_INDICATORS",
    "JOB_INDICATORS",
    "IndicatorDef",
    "ad_lexicon",
    "ad_risk",
]


@dataclass(frozen=True, slots=True)
class IndicatorDef:
    code: str
    weight: float
    title: str


ESCORT_INDICATORS: dict[str, IndicatorDef] = {
    d.code: d
    for d in (
        IndicatorDef("AD_TRUSTWORTHY", 1.5, "Provider presented as trustworthy / professional"),
        IndicatorDef("AD_OBSCURED_PHONE", 2.0, "Phone number obscured to evade collection"),
        IndicatorDef("AD_YOUTH_LANGUAGE", 2.0, "Language suggesting youth"),
        IndicatorDef("AD_STATED_AGE_MINOR", 5.0, "Stated age under 18"),
        IndicatorDef("AD_ETHNICITY", 1.5, "Provider's ethnicity specified"),
        IndicatorDef("AD_THIRD_PERSON", 0.5, "Third-person or plural voice"),
        IndicatorDef("AD_MOVEMENT_LANGUAGE", -0.5, "'New in town' / movement language (less associated)"),
    )
}

JOB_INDICATORS: dict[str, IndicatorDef] = {
    d.code: d
    for d in (
        # job ads and recruitment posts (kind "job"): see beacon.adscan.jobs and docs/indicators.md
        IndicatorDef("JOB_WORKER_PAYS_FEES", 3.0, "Worker charged a recruitment, visa or placement fee"),
        IndicatorDef("JOB_DEBT_DEDUCTIONS", 2.5, "Travel, housing or other costs taken back from pay"),
        IndicatorDef("JOB_DOCUMENTS_HELD", 4.0, "Employer keeps passports or identity documents"),
        IndicatorDef("JOB_WITHHELD_WAGES", 2.5, "Wages held until the end of the season or contract"),
        IndicatorDef("JOB_RESTRICTED_MOVEMENT", 3.0, "Workers may not leave, receive visitors or keep phones"),
        IndicatorDef("JOB_EXCESSIVE_HOURS", 1.0, "Seven days a week or no days off"),
        IndicatorDef("JOB_NO_PAPERS", 1.5, "Targets workers without papers or work authorization"),
        IndicatorDef("JOB_HIGH_PAY_NO_EXPERIENCE", 1.5, "High pay promised for no experience"),
        IndicatorDef("JOB_MESSAGING_ONLY", 1.5, "Contact only through a messaging app"),
        IndicatorDef("JOB_UNVERIFIABLE_EMPLOYER", 1.0, "No employer name, address or registration"),
        IndicatorDef("JOB_HOUSING_TRANSPORT", 0.25, "Housing or transport provided (lawful on its own)"),
    )
}

AD_INDICATORS: dict[str, IndicatorDef] = {**ESCORT_INDICATORS, **JOB_INDICATORS}
"""Every ad-level indicator, escort and job ads (codes are unique across kinds)."""

CLUSTER_INDICATORS: dict[str, IndicatorDef] = {
    d.code: d
    for d in (
        IndicatorDef("OP_MANY_NAMES_ON_PHONE", 3.0, "Many distinct names or ages on one phone"),
        IndicatorDef("OP_MANY_PHONES_ON_TEMPLATE", 3.0, "Many phones on one ad template"),
        IndicatorDef("OP_THIRD_PERSON_VOICE", 2.0, "Ads written in third-person or plural voice"),
        IndicatorDef("OP_RAPID_MOVEMENT", 2.5, "Moves across cities in a short time"),
        IndicatorDef("OP_SHARED_IMAGES_ACROSS_PHONES", 2.0, "Same photos with different phones"),
        IndicatorDef("OP_AD_SIGNALS", 1.0, "Ad-level indicators (mean of member ads)"),
        IndicatorDef("OP_JOB_MANY_EMPLOYERS", 3.0, "One job offer posted under several employer names"),
        IndicatorDef("OP_JOB_MANY_TOWNS", 1.0, "One job offer posted in several towns"),
        IndicatorDef("OP_CROSS_KIND_LINK", 1.0, "Escort and job ads linked by a shared identifier"),
    )
}

_TRUSTWORTHY = """
professional; discreet; discrete; upscale; high class; classy; elite; verified; real pics;
real photos; 100% real; no fakes; not fake; genuine; reviewed; reviews; references;
safe and discreet; trusted; reliable; respectful; no rush; no rushing; clean and safe;
private; sophisticated; ladylike; satisfaction guaranteed; guaranteed; unrushed; well reviewed;
no games; no drama; honest; mature gentlemen only
"""
_YOUTH = """
young; youthful; barely legal; just turned; fresh face; new to this; new to the game;
teen; teens; tiny; petite; schoolgirl; school girl; daddy's girl;
daddys girl; innocent; lil; baby face; babyface; college girl; sweet young; young thing;
lolita; virgin; cheerleader; new girl; young and fresh; girl next door; spinner
"""
_ETHNICITY = """
latina; latin; asian; ebony; caucasian; exotic; thai; korean; japanese; chinese;
vietnamese; filipina; russian; ukrainian; european; colombian; colombiana; brazilian;
puerto rican; dominican; cuban; mexican; mexicana; spanish; italian; indian; arab; persian;
mixed; mulatto; redbone; snow bunny; island girl; native american; hawaiian; polynesian;
ethiopian; african
"""
_THIRD_PERSON = """
she is; she's; she will; she can; her rates; my girls; our girls; the girls; two girls;
2 girls; girls available; new girls; we are; we're; we have; our ladies; ladies available;
she likes; she loves; her name; ask for her; book her; booking her; we offer; our staff;
our girl; 3 girls; three girls; multiple girls; many girls
"""
_MOVEMENT = """
new in town; just arrived; just got in; visiting; visiting town; in town for; only here;
here for a few days; here for the weekend; leaving soon; leaving tomorrow; last night in town;
last day in town; limited time; limited time only; passing through; traveling; travelling;
on tour; touring; back in town; new to town; just landed; few days only
"""


# Spanish phrases (data only: appended to the lists above, matched by the
# same matcher; written with and without accents, as ads write both)
_TRUSTWORTHY += """;
discreta; discreción; discrecion; fotos reales; 100% real; sin engaños; sin engaños ni sorpresas;
confiable; seria; segura y discreta; limpia y segura; sin prisas; sin prisa; elegante; de clase;
verificada; lugar privado; trato amable; caballeros respetuosos
"""
_YOUTH += """;
jovencita; jovencitas; chiquita; colegiala; recién cumplidos; recien cumplidos; carita de niña;
carita de nina; inocente; virgen; pequeñita; pequenita; primeriza; nueva en esto; muy joven
"""
_ETHNICITY += """;
venezolana; dominicana; cubana; boricua; puertorriqueña; puertorriquena; hondureña; hondurena;
salvadoreña; salvadorena; guatemalteca; morena; trigueña; triguena; mulata; centroamericana;
brasileña; brasilena; peruana; paisa; latinita
"""
_THIRD_PERSON += """;
ella es; ella tiene; sus tarifas; mis chicas; nuestras chicas; las chicas; dos chicas; 2 chicas;
chicas disponibles; tenemos chicas; somos dos; ofrecemos; pregunta por ella; chicas nuevas
"""
_MOVEMENT += """;
nueva en la ciudad; nueva en el pueblo; recién llegada; recien llegada; acabo de llegar; de visita;
estoy de visita; solo por unos días; solo por unos dias; pocos días; pocos dias; me voy pronto;
de paso; de gira; por tiempo limitado
"""


def ad_risk(weights: Iterable[float]) -> float:
    """An ad's risk: the sum of its indicators' weights, never below 0, to 3 decimals."""
    return round(max(0.0, sum(weights)), 3)


def _phrases(block: str) -> list[str]:
    return [p.strip() for p in block.replace("\n", " ").split(";") if p.strip()]


def ad_lexicon() -> Lexicon[str]:
    """Phrase lexicon mapping ad-level indicator phrases to their codes."""
    lex: Lexicon[str] = Lexicon()
    lex.add_all(_phrases(_TRUSTWORTHY), "AD_TRUSTWORTHY")
    lex.add_all(_phrases(_YOUTH), "AD_YOUTH_LANGUAGE")
    lex.add_all(_phrases(_ETHNICITY), "AD_ETHNICITY")
    lex.add_all(_phrases(_THIRD_PERSON), "AD_THIRD_PERSON")
    lex.add_all(_phrases(_MOVEMENT), "AD_MOVEMENT_LANGUAGE")
    return lex


PHRASES: dict[str, list[str]] = {
    "AD_TRUSTWORTHY": _phrases(_TRUSTWORTHY),
    "AD_YOUTH_LANGUAGE": _phrases(_YOUTH),
    "AD_ETHNICITY": _phrases(_ETHNICITY),
    "AD_THIRD_PERSON": _phrases(_THIRD_PERSON),
    "AD_MOVEMENT_LANGUAGE": _phrases(_MOVEMENT),
}
