"""The outreach gap score: where need is high and awareness, training and services are thin.

    gap = sum over terms of  weight x normalised value          (0 = no gap, 100 = largest)

Need terms (higher = more need):

=====================  ===================================================  ======
term                   normalised value                                     weight
=====================  ===================================================  ======
rurality               (RUCC 2023 - 1) / 8                                  20
poverty                min(poverty rate / 25 %, 1)  (no data: 0)            15
interstates            min(interstates crossing / 2, 1)                     10
shelter distance       min(km to nearest shelter / 80, 1)  (none known: 1)  15
service distance       min(km to nearest service / 50, 1)  (none known: 1)  10
=====================  ===================================================  ======

Reach terms (low reach = gap):

=====================  ===================================================  ======
training gap           1 - min(people trained per 10k / 20, 1)              15
workshop gap           1 - min(workshops per 10k / 1, 1)                    5
tip-awareness gap      1 - min(tips per 10k / 5, 1)                         10
=====================  ===================================================  ======

Every term's contribution (weight x normalised value) is shown beside the score, so the
ranking can be explained county by county.  The scales are the constants below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .metrics import CountyMetrics

POVERTY_FULL = 25.0  # percent
INTERSTATES_FULL = 2
SHELTER_FULL_KM = 80.0
SERVICE_FULL_KM = 50.0
TRAINED_TARGET_PER_10K = 20.0
WORKSHOPS_TARGET_PER_10K = 1.0
TIPS_TARGET_PER_10K = 5.0


def _cap(x: float) -> float:
    return max(0.0, min(1.0, x))


@dataclass(frozen=True)
class TermSpec:
    key: str
    label: str | Promise
    kind: str  # "need" or "reach"
    weight: float
    formula: str
    value: Callable[[CountyMetrics], float | None]  # the raw figure shown
    normalise: Callable[[CountyMetrics], float]


TERMS: tuple[TermSpec, ...] = (
    TermSpec("rurality", _("Rurality"), "need", 20, "(RUCC - 1) / 8",
             lambda m: m.rucc_2023, lambda m: _cap((m.rucc_2023 - 1) / 8)),
    TermSpec("poverty", _("Poverty"), "need", 15, f"min(poverty % / {POVERTY_FULL:g}, 1)",
             lambda m: m.poverty_rate, lambda m: _cap((m.poverty_rate or 0) / POVERTY_FULL)),
    TermSpec("interstates", _("Interstate exposure"), "need", 10, f"min(interstates / {INTERSTATES_FULL}, 1)",
             lambda m: m.interstate_count, lambda m: _cap(m.interstate_count / INTERSTATES_FULL)),
    TermSpec("shelter_distance", _("Distance to shelter"), "need", 15, f"min(km / {SHELTER_FULL_KM:g}, 1)",
             lambda m: m.shelter_km,
             lambda m: 1.0 if m.shelter_km is None else _cap(m.shelter_km / SHELTER_FULL_KM)),
    TermSpec("service_distance", _("Distance to any service"), "need", 10, f"min(km / {SERVICE_FULL_KM:g}, 1)",
             lambda m: m.nearest_service_km,
             lambda m: 1.0 if m.nearest_service_km is None else _cap(m.nearest_service_km / SERVICE_FULL_KM)),
    TermSpec("training_gap", _("Few people trained"), "reach", 15,
             f"1 - min(trained per 10k / {TRAINED_TARGET_PER_10K:g}, 1)",
             lambda m: m.trained_per_10k, lambda m: 1 - _cap((m.trained_per_10k or 0) / TRAINED_TARGET_PER_10K)),
    TermSpec("workshop_gap", _("Few workshops"), "reach", 5,
             f"1 - min(workshops per 10k / {WORKSHOPS_TARGET_PER_10K:g}, 1)",
             lambda m: m.workshops_per_10k,
             lambda m: 1 - _cap((m.workshops_per_10k or 0) / WORKSHOPS_TARGET_PER_10K)),
    TermSpec("tip_gap", _("Few tips"), "reach", 10, f"1 - min(tips per 10k / {TIPS_TARGET_PER_10K:g}, 1)",
             lambda m: m.tips_per_10k, lambda m: 1 - _cap((m.tips_per_10k or 0) / TIPS_TARGET_PER_10K)),
)
assert sum(t.weight for t in TERMS) == 100


@dataclass(frozen=True)
class Term:
    key: str
    label: str
    kind: str
    weight: float
    formula: str
    value: float | None
    normalised: float
    contribution: float


@dataclass(frozen=True)
class GapScore:
    metrics: CountyMetrics
    score: float
    terms: tuple[Term, ...]
    rank: int = 0

    def contribution(self, key: str) -> float:
        return next(t.contribution for t in self.terms if t.key == key)


def score(m: CountyMetrics) -> GapScore:
    terms = []
    for spec in TERMS:
        norm = round(spec.normalise(m), 4)
        terms.append(Term(spec.key, str(spec.label), spec.kind, spec.weight, spec.formula, spec.value(m), norm,
                          round(spec.weight * norm, 2)))
    return GapScore(metrics=m, score=round(sum(t.contribution for t in terms), 1), terms=tuple(terms))


def rank(metrics: Iterable[CountyMetrics]) -> list[GapScore]:
    """Scores, largest gap first (ties by county name), numbered 1..n."""
    scored = sorted((score(m) for m in metrics), key=lambda g: (-g.score, g.metrics.name))
    return [GapScore(g.metrics, g.score, g.terms, rank=i) for i, g in enumerate(scored, 1)]
