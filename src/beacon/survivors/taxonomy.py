"""Beacon's two HSDS taxonomies: survivor needs, and service facets.

Their ids are UUIDv5 of fixed names, so every Beacon installation (and every export) uses
the same ids and a re-import matches them.
"""

from __future__ import annotations

import uuid

from django.utils.translation import gettext_lazy as _

from .models import Taxonomy, TaxonomyTerm

NAMESPACE = uuid.UUID("7d1f3a8e-4c52-5b1e-9d0a-6b8c2e4f1a30")
NEEDS_TAXONOMY_ID = uuid.uuid5(NAMESPACE, "taxonomy:needs")
FACETS_TAXONOMY_ID = uuid.uuid5(NAMESPACE, "taxonomy:facets")

NEEDS: dict[str, object] = {
    "hotline": _("Hotline / crisis line"),
    "shelter": _("Shelter and housing"),
    "medical": _("Medical care"),
    "counselling": _("Counseling and mental health"),
    "legal": _("Legal help"),
    "immigration": _("Immigration help (T visa)"),
    "interpreter": _("Interpreting and translation"),
    "employment": _("Jobs and training"),
    "case-management": _("Case management"),
    "substance-use": _("Substance use treatment"),
}

# Facets: Beacon's searchable facts about a service, carried as HSDS attributes.
OPEN_24_7 = "facet-24-7"
FREE = "facet-free"
NOT_PUBLIC = "facet-not-public"
CONFIDENTIAL_LOCATION = "facet-confidential-location"
GENDERS: dict[str, object] = {"women": _("Women"), "men": _("Men"), "nonbinary": _("Non-binary people")}
FACETS: dict[str, str] = {
    OPEN_24_7: "Open 24 hours, 7 days",
    FREE: "Free of charge",
    NOT_PUBLIC: "Listed for staff only (not in the public directory)",
    CONFIDENTIAL_LOCATION: "Confidential location (address never published)",
    **{f"gender-{g}": f"Serves {g}" for g in GENDERS},
}


def term_id(code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"term:{code}")


def ensure_taxonomies() -> dict[str, TaxonomyTerm]:
    """Create Beacon's taxonomies and terms when missing; returns every term by code."""
    needs, _ = Taxonomy.objects.get_or_create(
        id=NEEDS_TAXONOMY_ID,
        defaults={"name": "Beacon survivor needs", "description": "What a survivor needs: the directory's search by need.",
                  "version": "1"},
    )
    facets, _ = Taxonomy.objects.get_or_create(
        id=FACETS_TAXONOMY_ID,
        defaults={"name": "Beacon service facets", "description": "Hours, cost, genders served and visibility.",
                  "version": "1"},
    )
    existing = {t.id: t for t in TaxonomyTerm.objects.filter(taxonomy__in=[needs, facets])}
    out: dict[str, TaxonomyTerm] = {}
    for taxonomy, terms in ((needs, {k: str(v) for k, v in NEEDS.items()}), (facets, FACETS)):
        for code, name in terms.items():
            tid = term_id(code)
            term = existing.get(tid)
            if term is None:
                term = TaxonomyTerm.objects.create(id=tid, code=code, name=name, description=name, taxonomy=taxonomy)
            out[code] = term
    return out
