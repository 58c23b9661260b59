"""The Spanish catalogs are complete: no msgid without a translation, none fuzzy, and each .mo compiled
from its .po (a forgotten ``msgfmt`` would ship the old strings)."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "beacon"
CATALOGS = sorted(SRC.glob("**/locale/es/LC_MESSAGES/django.po"))
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def _entries(path: Path) -> list[dict[str, object]]:
    """The active entries of a .po file: keyword -> text, plus their flags and first line number."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {}
    key = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            if "msgid" in current:
                entries.append(current)
            current, key = {}, ""
            continue
        if line.startswith("#~"):  # obsolete: makemessages keeps them, gettext ignores them
            continue
        current.setdefault("line", number)
        if line.startswith("#,"):
            current["flags"] = {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            key = match.group(1)
            current[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            current[key] = str(current[key]) + ast.literal_eval(line)
    if "msgid" in current:
        entries.append(current)
    return entries


def test_every_app_with_templates_has_a_spanish_catalog() -> None:
    apps = {p.parts[-3] for p in SRC.glob("*/templates/*")}
    with_catalog = {p.relative_to(SRC).parts[0] for p in CATALOGS}
    assert apps <= with_catalog, f"no Spanish catalog for {sorted(apps - with_catalog)}"


@pytest.mark.parametrize("po", CATALOGS, ids=[str(p.relative_to(SRC)) for p in CATALOGS])
def test_every_msgid_has_a_spanish_msgstr_and_none_is_fuzzy(po: Path) -> None:
    problems = []
    for entry in _entries(po):
        if entry["msgid"] == "":
            continue  # the header
        strings = [v for k, v in entry.items() if k.startswith("msgstr")]
        if not strings or any(s == "" for s in strings):
            problems.append(f"line {entry['line']}: empty msgstr for {entry['msgid']!r}")
        if "fuzzy" in entry.get("flags", set()):  # type: ignore[operator]
            problems.append(f"line {entry['line']}: fuzzy msgstr for {entry['msgid']!r}")
    assert not problems, f"{po.relative_to(SRC)}:\n" + "\n".join(problems[:30])


@pytest.mark.parametrize("po", CATALOGS, ids=[str(p.relative_to(SRC)) for p in CATALOGS])
def test_compiled_catalog_matches_its_source(po: Path) -> None:
    with po.with_suffix(".mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for entry in _entries(po):
        msgid = str(entry["msgid"])
        if not msgid or "msgid_plural" in entry or "msgctxt" in entry:
            continue
        if compiled.gettext(msgid) != entry["msgstr"]:
            stale.append(msgid)
    assert not stale, f"{po.with_suffix('.mo').relative_to(SRC)} is older than its .po (run msgfmt): {stale[:5]}"


def test_the_checker_finds_an_empty_and_a_fuzzy_entry(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Cases"\nmsgstr ""\n\n#, fuzzy\nmsgid "Tips"\nmsgstr "Pistas"\n\n'
                  'msgid "%(n)s tip"\nmsgid_plural "%(n)s tips"\nmsgstr[0] "%(n)s pista"\nmsgstr[1] ""\n', encoding="utf-8")
    entries = {e["msgid"]: e for e in _entries(po)}
    assert entries["Cases"]["msgstr"] == ""
    assert "fuzzy" in entries["Tips"]["flags"]  # type: ignore[operator]
    assert entries["%(n)s tip"]["msgstr[1]"] == ""
