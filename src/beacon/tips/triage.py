"""The tip triage rule set: one place, applied in order, first match wins.

P1 (immediate)
    Someone is in immediate danger, or the tip involves someone under 18, or whether a minor
    is involved is unknown and there is a sign of youth: the ``older_partner`` indicator, or
    words in the narrative such as "16-year-old", "underage", "high school", "menor de edad"
    (``youth_words``).
P2 (high)
    A force, fraud or coercion indicator was ticked (cannot leave, threatened or hurt,
    documents taken, owes a debt to the boss), or three or more indicators of any kind.
P3 (standard)
    At least one indicator, or at least one identifier to act on (a phone, account, plate,
    address, web address) found in the tip, or the danger or minor question is unknown
    ("I don't know" or left unanswered: ``None``).  Unknown is never read as No.
P4 (information)
    Everything else, and every tip marked as spam.

Every rule that matched adds a plain-language reason, so staff see *why* (a P1 tip that
also has a coercion indicator shows both reasons).  Staff may override the priority with a
reason (``services.tip_set_priority``); the computed value is kept beside the override.

Spam (``spam_reason``): the honeypot field was filled, or the text is mostly links
(five or more web addresses).  Spam is marked and kept, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Checklist shown to the public: code -> plain-language label.
INDICATORS: dict[str, object] = {
    "cannot_leave": _("Someone seems unable to leave or come and go freely"),
    "threatened": _("Someone was threatened, hurt, or shows signs of abuse"),
    "documents_taken": _("Someone else holds their ID, passport or papers"),
    "debt": _("They owe a debt to a boss or recruiter that keeps growing"),
    "controlled": _("Someone else speaks for them, watches them or takes their money"),
    "lives_at_work": _("They live where they work, or are moved around often"),
    "unpaid": _("Little or no pay, or very long hours"),
    "online_ads": _("They are advertised online for sex or 'dates'"),
    "older_partner": _("A young person with a much older 'boyfriend' or 'girlfriend'"),
    "many_visitors": _("Many visitors coming and going at odd hours"),
    "scripted": _("Answers seem rehearsed or scripted"),
}
COERCION = frozenset({"cannot_leave", "threatened", "documents_taken", "debt"})
YOUTH = frozenset({"older_partner"})  # with an unknown minor answer, the tip goes to P1
# Signs of a minor in the narrative (English and Spanish).  Only read when the reporter did not
# say whether someone is under 18; a false match can only raise a tip, never lower one.
_AGE = r"(?:1[0-7]|[1-9])"
YOUTH_WORDS = re.compile(
    rf"\b(?:{_AGE}\s*-?\s*(?:years?|yrs?)\s*-?\s*old|(?:age|aged|edad(?:\s+de)?)\s+{_AGE}|{_AGE}\s+años"
    r"|under\s*-?\s*age|under\s+18|minors?|teens?|teenagers?|high\s+school|middle\s+school|juveniles?"
    r"|menor(?:es)?\s+de\s+edad|menores|adolescentes?|secundaria|preparatoria|niñ[oa]s?)\b",
    re.IGNORECASE,
)
SPAM_URL_COUNT = 5


@dataclass(frozen=True)
class Triage:
    priority: int
    reasons: tuple[str, ...]


def youth_words(text: str) -> list[str]:
    """The words of ``text`` that suggest someone under 18 (lower case, each once, in order)."""
    found: list[str] = []
    for match in YOUTH_WORDS.finditer(text or ""):
        word = " ".join(match.group(0).lower().split())
        if word not in found:
            found.append(word)
    return found


def compute(
    *, danger: bool | None, minor: bool | None, indicators: Iterable[str], identifier_count: int, spam_reason: str = "",
    narrative: str = "",
) -> Triage:
    """Priority (1 to 4) and the reasons, for any input; ``None`` for danger or minor means unknown
    ("I don't know" or not answered), which is never read as No."""
    ticked = sorted({i for i in indicators if i in INDICATORS})
    if spam_reason:
        return Triage(4, (f"Marked as spam: {spam_reason}",))
    reasons: list[str] = []
    priority = 4
    if danger:
        reasons.append("Reporter says someone is in immediate danger")
        priority = 1
    if minor:
        reasons.append("Involves someone under 18")
        priority = 1
    youth = [i for i in ticked if i in YOUTH]
    if minor is None and youth:
        reasons.append("Unknown whether someone is under 18, with a youth indicator: " + ", ".join(youth))
        priority = 1
    words = youth_words(narrative) if minor is None else []
    if words:
        reasons.append("Unknown whether someone is under 18, the report mentions: " + ", ".join(words[:5]))
        priority = 1
    coercion = [i for i in ticked if i in COERCION]
    if coercion:
        reasons.append("Force, fraud or coercion indicator: " + ", ".join(coercion))
        priority = min(priority, 2)
    if len(ticked) >= 3:
        reasons.append(f"{len(ticked)} indicators ticked")
        priority = min(priority, 2)
    if ticked and not coercion and len(ticked) < 3:
        reasons.append("Indicator: " + ", ".join(ticked))
        priority = min(priority, 3)
    if identifier_count:
        reasons.append(f"{identifier_count} identifier(s) to follow up")
        priority = min(priority, 3)
    unknown = [name for name, answer in (("immediate danger", danger), ("under 18", minor)) if answer is None]
    if unknown and priority > 1:
        reasons.append("Reporter did not know or did not answer: " + ", ".join(unknown))
        priority = min(priority, 3)
    if not reasons:
        reasons.append("No indicators, danger, minor or identifiers: general information")
    return Triage(priority, tuple(reasons))


def spam_reason(*, honeypot: str, url_count: int) -> str:
    if honeypot.strip():
        return "hidden form field was filled (automated submission)"
    if url_count >= SPAM_URL_COUNT:
        return f"{url_count} web addresses in the text"
    return ""


def indicator_labels(codes: Sequence[str]) -> list[str]:
    return [str(INDICATORS[c]) for c in codes if c in INDICATORS]


# --- Showing the reasons to people -------------------------------------------------------
# ``compute`` stores its reasons as English sentences naming indicator codes (the API returns
# them unchanged); staff pages show them through ``reason_label``: translated, codes replaced
# by their plain-language labels.
_FIXED_REASONS: dict[str, object] = {
    "Reporter says someone is in immediate danger": _("Reporter says someone is in immediate danger"),
    "Involves someone under 18": _("Involves someone under 18"),
    "No indicators, danger, minor or identifiers: general information":
        _("No indicators, danger, minor or identifiers: general information"),
    "hidden form field was filled (automated submission)": _("hidden form field was filled (automated submission)"),
}


def _codes(text: str) -> str:
    return "; ".join(indicator_label(c.strip()) for c in text.split(",") if c.strip())


def indicator_label(code: str) -> str:
    """The plain-language label of a checklist code (the code itself when unknown)."""
    return str(INDICATORS.get(code, code))


def reason_label(reason: str) -> str:
    """One stored triage reason in the current language, with indicator codes as labels."""
    from django.utils.translation import gettext, ngettext

    if reason in _FIXED_REASONS:
        return str(_FIXED_REASONS[reason])
    prefix_codes = {
        "Force, fraud or coercion indicator: ": gettext("Force, fraud or coercion indicator: %(labels)s"),
        "Indicator: ": gettext("Indicator: %(labels)s"),
        "Unknown whether someone is under 18, with a youth indicator: ":
            gettext("Unknown whether someone is under 18, with a youth indicator: %(labels)s"),
    }
    for prefix, template in prefix_codes.items():
        if reason.startswith(prefix):
            return template % {"labels": _codes(reason[len(prefix):])}
    unknown_prefix = "Reporter did not know or did not answer: "
    if reason.startswith(unknown_prefix):
        names = {"immediate danger": gettext("immediate danger"), "under 18": gettext("under 18")}
        answers = "; ".join(names.get(n.strip(), n.strip()) for n in reason[len(unknown_prefix):].split(","))
        return gettext("Reporter did not know or did not answer: %(questions)s") % {"questions": answers}
    mentions = "Unknown whether someone is under 18, the report mentions: "
    if reason.startswith(mentions):
        return gettext("Unknown whether someone is under 18, the report mentions: %(words)s") % {
            "words": reason[len(mentions):]}
    if reason.startswith("Marked as spam: "):
        why = reason[len("Marked as spam: "):]
        if why in _FIXED_REASONS:
            why = str(_FIXED_REASONS[why])
        elif why.endswith(" web addresses in the text") and why.split(" ")[0].isdigit():
            n = int(why.split(" ")[0])
            why = ngettext("%(n)d web address in the text", "%(n)d web addresses in the text", n) % {"n": n}
        return gettext("Marked as spam: %(why)s") % {"why": why}
    head = reason.split(" ")[0]
    if head.isdigit():
        n = int(head)
        if reason == f"{n} indicators ticked":
            return ngettext("%(n)d indicator ticked", "%(n)d indicators ticked", n) % {"n": n}
        if reason == f"{n} identifier(s) to follow up":
            return ngettext("%(n)d identifier to follow up", "%(n)d identifiers to follow up", n) % {"n": n}
    return reason
