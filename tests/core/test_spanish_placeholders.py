"""Every Spanish string renders with its placeholders, spaced as in English (issue #14: Django's own
catalog said "…10 carácter(es) (tiene5)."), and every compiled catalog (.mo) matches its .po."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import django
import pytest
from django import forms
from django.utils import translation

SRC = Path(__file__).resolve().parents[2] / "src" / "beacon"
PO_FILES = sorted(SRC.glob("**/locale/es/LC_MESSAGES/*.po"))
DJANGO_ES = Path(django.__file__).parent / "conf" / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)([sdifr])|%([sdifr])")
SAMPLES = {"s": "Muestra", "d": 5, "i": 5, "f": 2.5, "r": "Muestra"}


@dataclass
class Entry:
    msgid: str = ""
    plural: str = ""
    context: str = ""
    strings: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (enough of the format for Beacon's and Django's catalogs)."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None
    fuzzy = False

    def finish() -> None:
        nonlocal current
        if current.msgid or current.strings:
            entries.append(current)
        current = Entry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line.startswith("#,"):
            fuzzy = "fuzzy" in line
            continue
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        value = ast.literal_eval(rest) if rest.startswith('"') else ""
        if keyword == "msgctxt":
            finish()
            target = ("context", 0)
        elif keyword == "msgid":
            if current.strings:
                finish()
            current.fuzzy, current.line, fuzzy = fuzzy, number, False
            target = ("msgid", 0)
        elif keyword == "msgid_plural":
            target = ("plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            target = ("str", index)
            current.strings.setdefault(index, "")
        if target is None:
            continue
        kind, index = target
        if kind == "context":
            current.context += value
        elif kind == "msgid":
            current.msgid += value
        elif kind == "plural":
            current.plural += value
        else:
            current.strings[index] += value
    finish()
    return [e for e in entries if e.msgid]


def names(text: str) -> list[str]:
    return [m.group(1) or f"#{i}" for i, m in enumerate(PLACEHOLDER.finditer(text))]


def render(text: str) -> str:
    named = {m.group(1): SAMPLES[m.group(2)] for m in PLACEHOLDER.finditer(text) if m.group(1)}
    positional = tuple(SAMPLES[m.group(3)] for m in PLACEHOLDER.finditer(text) if m.group(3))
    return text % (named or positional) if (named or positional) else text


def _edges(text: str) -> dict[str, tuple[str, str]]:
    """For each named placeholder, what kind of character stands right before and after it."""
    def kind(ch: str) -> str:
        return "word" if ch.isalnum() else "other"
    found = {}
    for m in PLACEHOLDER.finditer(text):
        if m.group(1):
            before = text[m.start() - 1] if m.start() else " "
            after = text[m.end()] if m.end() < len(text) else " "
            found[m.group(1)] = (kind(before), kind(after))
    return found


def problems(entry: Entry, where: str) -> list[str]:
    """Missing, extra or glued placeholders in the translations of one entry."""
    found: list[str] = []
    sources = [entry.msgid] + ([entry.plural] if entry.plural else [])
    allowed = set().union(*(names(s) for s in sources))
    english_edges = {**_edges(entry.msgid), **(_edges(entry.plural) if entry.plural else {})}
    for index, text in sorted(entry.strings.items()):
        if not text or entry.fuzzy:
            continue
        label = f"{where}:{entry.line} {entry.msgid[:60]!r} msgstr[{index}]"
        got = set(names(text))
        expected = set(names(entry.plural if entry.plural and index > 0 else entry.msgid))
        if not entry.plural and got != expected:
            found.append(f"{label}: placeholders {sorted(got)} != {sorted(expected)}")
        if entry.plural and not got <= allowed:
            found.append(f"{label}: unknown placeholders {sorted(got - allowed)}")
        if entry.plural and index > 0 and got != expected:
            found.append(f"{label}: plural placeholders {sorted(got)} != {sorted(expected)}")
        try:
            shown = render(text)
        except (KeyError, TypeError, ValueError) as exc:
            found.append(f"{label}: does not render ({exc!r})")
            continue
        for name, (before, after) in _edges(text).items():
            english = english_edges.get(name)
            if english and english[0] == "other" and before == "word":
                found.append(f"{label}: no space or mark before %({name})s: {shown!r}")
            if english and english[1] == "other" and after == "word":
                found.append(f"{label}: no space or mark after %({name})s: {shown!r}")
    return found


def test_every_catalog_is_checked() -> None:
    assert {p.parent.parent.parent.parent.name for p in PO_FILES} >= {"tips", "core", "survivors", "training", "outreach"}
    assert sum(len(parse_po(p)) for p in PO_FILES) > 500


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_spanish_strings_render_with_their_placeholders(po: Path) -> None:
    found = [msg for entry in parse_po(po) for msg in problems(entry, str(po.relative_to(SRC)))]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_compiled_catalog_matches_its_source(po: Path) -> None:
    """The committed .mo holds exactly the .po's translations (recompile with msgfmt after an edit)."""
    with po.with_suffix(".mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    for entry in parse_po(po):
        if entry.fuzzy or not any(entry.strings.values()):
            continue
        key = f"{entry.context}\x04{entry.msgid}" if entry.context else entry.msgid
        if entry.plural:
            for index, text in entry.strings.items():
                assert compiled.get((key, index)) == text, f"{po}:{entry.line} msgstr[{index}] not compiled"
        else:
            assert compiled.get(key) == entry.strings[0], f"{po}:{entry.line} {entry.msgid[:60]!r} not compiled"


def test_djangos_spanish_strings_as_beacon_shows_them() -> None:
    """Django's own catalog, through Beacon's (which override it): every form and validation message
    with placeholders renders spaced, e.g. the tip form's "at least 10 characters" error."""
    found: list[str] = []
    with translation.override("es"):
        for entry in parse_po(DJANGO_ES):
            if not PLACEHOLDER.search(entry.msgid) or entry.context:
                continue
            if entry.plural:
                strings = {i: translation.ngettext(entry.msgid, entry.plural, n) for i, n in ((0, 1), (1, 1_000_000), (2, 5))}
            else:
                strings = {0: translation.gettext(entry.msgid)}
            shown = Entry(msgid=entry.msgid, plural=entry.plural, line=entry.line,
                          strings={i: s for i, s in strings.items() if s not in (entry.msgid, entry.plural)})
            found += problems(shown, "django/conf/locale/es")
    assert not found, "\n".join(found)


def test_the_tip_forms_short_narrative_error_in_spanish() -> None:
    with translation.override("es"):
        with pytest.raises(forms.ValidationError) as refused:
            forms.CharField(min_length=10).clean("corto")
        assert refused.value.messages == ["Escriba al menos 10 caracteres (tiene 5)."]


def test_the_checker_finds_a_glued_placeholder() -> None:
    glued = Entry(msgid="at least %(n)d characters (it has %(len)d).", strings={0: "al menos %(n)d (tiene%(len)d)."})
    missing = Entry(msgid="Hello %(name)s", strings={0: "Hola"})
    assert problems(glued, "x") and problems(missing, "x")
    assert not problems(Entry(msgid="at least %(n)d", strings={0: "al menos %(n)d"}), "x")
