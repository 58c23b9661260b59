"""One staff search across tips, cases, ad operations and referrals (a selector: it takes the
acting user and answers only with what they may see).

Identifiers (phone, e-mail, handle, plate) are normalised the way the tip line, cases and ad
monitoring store them (``core.identifiers.normalise``) and found through the indexed
``core.Identifier`` rows and each app's link provider; names through the case people's blind
index (``cases.services.person_match_index``); free text through the tips' narratives, the
cases' titles and summaries, ad operations' templates and referrals' services.  What the
user may not see is only counted ("N restricted matches; ask a supervisor"), as in the link
graph.  The search is audited with its terms as keyed hashes (``crypto.blind_index``), never
in clear, so the audit trail can answer "who searched for this number?" without holding it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse

from beacon.cases.models import Case, Person
from beacon.cases.services import person_match_index
from beacon.core import audit, crypto
from beacon.core import links as core_links
from beacon.core.identifiers import Kind, find_in_text, normalise
from beacon.core.links import LinkedObject
from beacon.core.models import Identifier
from beacon.core.permissions import Perm, has_perm
from beacon.monitoring.models import Operation
from beacon.survivors.models import Referral
from beacon.survivors.selectors import referrals_received, referrals_sent
from beacon.tips.models import Tip

KINDS = ("auto", "phone", "email", "handle", "plate", "name", "text")
LIMIT = 50  # results per type
MIN_TEXT = 3
MAX_QUERY = 200
PLATE_STATES = ("XX", "MO", "KS", "IL", "IA", "NE", "OK", "AR", "TN", "KY", "TX", "CO", "MN", "WI")
TYPE_LABELS = {"tip": "Tips", "case": "Cases", "operation": "Ad operations", "referral": "Referrals"}


class SearchError(ValueError):
    """The query cannot be searched (too short, not a valid phone, ...): the message says why."""


@dataclass
class Term:
    kind: str  # phone, email, handle, plate, name, text
    value: str  # normalised


@dataclass
class Hit:
    obj: LinkedObject
    matched: str  # which term kind found it


@dataclass
class SearchResult:
    terms: list[Term]
    groups: dict[str, list[Hit]] = field(default_factory=dict)  # object type -> visible hits
    restricted: int = 0
    truncated: bool = False

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.groups.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "terms": [{"kind": t.kind} for t in self.terms],
            "groups": [{"type": t, "label": TYPE_LABELS.get(t, t), "results": [
                {"type": h.obj.object_type, "id": h.obj.object_id, "label": h.obj.label, "url": h.obj.url,
                 "matched": h.matched} for h in hits]} for t, hits in self.groups.items()],
            "restricted": self.restricted,
            "restricted_message": restricted_message(self.restricted),
            "truncated": self.truncated,
        }


def restricted_message(n: int) -> str:
    if not n:
        return ""
    return f"{n} restricted match{'es' if n != 1 else ''}; ask a supervisor."


def parse(q: str, kind: str = "auto", *, dob: str = "") -> list[Term]:
    """The terms of a query: ``kind`` forces one reading, ``auto`` guesses (e-mail, handle, phone, else text)."""
    q = (q or "").strip()
    if not q:
        raise SearchError("Type something to search for.")
    if len(q) > MAX_QUERY:
        raise SearchError(f"Search for at most {MAX_QUERY} characters.")
    if kind not in KINDS:
        raise SearchError(f"Search by one of: {', '.join(KINDS)}.")
    if kind == "name":
        index = person_match_index(q, dob)
        if not index:
            raise SearchError("Give at least a first and a last name.")
        return [Term("name", index)]
    if kind in ("phone", "email", "handle", "plate"):
        value = normalise(kind, q)
        if value is None:
            raise SearchError(f"{q!r} is not a valid {dict(Kind.choices)[kind]} (check the spelling).".replace(
                "Vehicle plate", "plate"))
        return [Term(kind, value)]
    if kind == "auto":
        for guess in ("email", "phone"):
            value = normalise(guess, q)
            if value is not None and (guess != "phone" or len(re.sub(r"\D", "", q)) >= 7):
                return [Term(guess, value)]
        if q.startswith("@"):
            value = normalise("handle", q)
            if value:
                return [Term("handle", value)]
    if len(q) < MIN_TEXT:
        raise SearchError(f"Search for at least {MIN_TEXT} characters.")
    terms = [Term("text", q)]
    # Identifiers written inside free text ("plate MO ABC 1234", "call 816 555 0101") are looked up too.
    terms += [Term(f.kind, f.value) for f in find_in_text(q) if f.kind in ("phone", "email", "handle", "plate")]
    return terms


def _identifier_ids(term: Term) -> list[int]:
    if term.kind == "plate" and term.value.startswith("XX:"):
        body = term.value[3:]
        values = [f"{state}:{body}" for state in PLATE_STATES]
        return list(Identifier.objects.filter(kind="plate", value__in=values).values_list("pk", flat=True))
    return list(Identifier.objects.filter(kind=term.kind, value=term.value).values_list("pk", flat=True))


def visible_referrals(user: Any) -> QuerySet[Referral]:
    """Referrals the user's agency sent or received, for advocates: what ``access_referral`` lets
    through, read with the survivors app's own selectors."""
    if not has_perm(user, Perm.VIEW_SURVIVORS) or not user.agency_id:
        return Referral.objects.none()
    sent = referrals_sent(user=user).values("pk")
    received = referrals_received(user=user).values("pk")
    return Referral.objects.filter(Q(pk__in=sent) | Q(pk__in=received))


def _describe_referrals(ids: list[int]) -> dict[str, LinkedObject]:
    out = {}
    for r in Referral.objects.filter(pk__in=ids).select_related("service", "to_agency"):
        out[str(r.pk)] = LinkedObject("referral", str(r.pk), f"Referral #{r.pk} to {r.service.name} ({r.status})",
                                      reverse("survivors:referral", args=[r.pk]))
    return out


def _text_candidates(q: str) -> dict[str, set[str]]:
    """Objects of every type whose own text holds ``q`` (bounded: at most 10 x LIMIT per type)."""
    cap = LIMIT * 10

    def newest(qs: QuerySet[Any]) -> set[str]:  # newest first along the primary key (no sort of the matches)
        return {str(pk) for pk in qs.order_by("-pk").values_list("pk", flat=True)[:cap]}

    return {
        "tip": newest(Tip.objects.filter(narrative__icontains=q)),
        "case": newest(Case.objects.filter(Q(title__icontains=q) | Q(summary__icontains=q))),
        "operation": newest(Operation.objects.exclude(status=Operation.Status.MERGED).filter(template__icontains=q)),
        "referral": newest(Referral.objects.filter(
            Q(service__name__icontains=q) | Q(service__organization__name__icontains=q) | Q(message__icontains=q))),
    }


def search(*, user: Any, q: str, kind: str = "auto", dob: str = "", request: HttpRequest | None = None) -> SearchResult:
    """Search and audit; raises ``SearchError`` for a query that cannot be searched."""
    terms = parse(q, kind, dob=dob)
    found: dict[str, dict[str, str]] = {}  # type -> object id -> matched term kind

    def add(object_type: str, ids: Any, matched: str) -> None:
        bucket = found.setdefault(object_type, {})
        for i in ids:
            bucket.setdefault(str(i), matched)

    providers = core_links.providers()
    for term in terms:
        if term.kind == "text":
            for object_type, ids in _text_candidates(term.value).items():
                add(object_type, ids, "text")
        elif term.kind == "name":
            add("case", Person.objects.filter(match_index=term.value).values_list("case_id", flat=True).distinct(),
                "name")
        else:
            idents = _identifier_ids(term)
            if idents:
                for object_type, provider in providers.items():
                    add(object_type, provider.objects_with(idents).keys(), term.kind)

    result = SearchResult(terms=terms)
    for object_type in ("tip", "case", "operation", "referral"):
        candidates = found.get(object_type, {})
        if not candidates:
            continue
        if object_type == "referral":
            visible = {str(pk) for pk in visible_referrals(user).filter(pk__in=[int(i) for i in candidates])
                       .values_list("pk", flat=True)}
            describe = _describe_referrals
        else:
            provider = providers[object_type]
            visible = provider.visible_to(user, list(candidates))
            describe = provider.describe  # type: ignore[assignment]
        result.restricted += len(candidates) - len(visible)
        ordered = sorted(visible, key=lambda s: int(s) if s.isdigit() else 0, reverse=True)  # newest first
        if len(ordered) > LIMIT:
            result.truncated = True
            ordered = ordered[:LIMIT]
        described = describe([int(i) for i in ordered] if object_type == "referral" else ordered)  # type: ignore[arg-type]
        hits = [Hit(described[i], candidates[i]) for i in ordered if i in described]
        if hits:
            result.groups[object_type] = hits
    audit.record(
        actor=user, action=audit.Action.READ, object_type="search", summary=f"searched ({', '.join(t.kind for t in terms)})",
        request=request,
        detail={"terms": [{"kind": t.kind, "index": term_index(t.value)} for t in terms],
                "results": {t: len(h) for t, h in result.groups.items()}, "restricted": result.restricted},
    )
    return result


def term_index(value: str) -> str:
    """The audit key of a (normalised) search term: to find who searched for a value, compare this."""
    return crypto.blind_index(value.lower(), purpose="records.search")
