"""Fill empty msgstr entries of a .po file from a {msgid: msgstr} JSON dictionary.

    python scripts/fill_po.py path/to/django.po translations.json
"""

from __future__ import annotations

import json
import re
import sys


def unquote(lines: list[str]) -> str:
    return "".join(json.loads(line) for line in lines if line.startswith("\""))


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fill(po_text: str, table: dict[str, str]) -> tuple[str, int]:
    blocks = po_text.split("\n\n")
    filled = 0
    out = []
    for block in blocks:
        lines = block.split("\n")
        m_id = next((i for i, ln in enumerate(lines) if ln.startswith("msgid ")), None)
        m_str = next((i for i, ln in enumerate(lines) if ln.startswith("msgstr ")), None)
        plural = any(ln.startswith("msgid_plural") for ln in lines)
        if m_id is None or m_str is None or plural:
            out.append(block)
            continue
        msgid = unquote([lines[m_id][6:], *lines[m_id + 1 : m_str]])
        msgstr = unquote([lines[m_str][7:], *lines[m_str + 1 :]])
        if msgid and not msgstr and msgid in table:
            lines = [*lines[:m_str], f"msgstr {quote(table[msgid])}"]
            lines = [ln for ln in lines if ln != "#, fuzzy"]
            filled += 1
        out.append("\n".join(lines))
    return "\n\n".join(out), filled


if __name__ == "__main__":
    path, table_path = sys.argv[1], sys.argv[2]
    with open(table_path, encoding="utf-8") as fh:
        table = json.load(fh)
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    text, n = fill(text, table)
    text = re.sub(r'"Content-Type: text/plain; charset=CHARSET\\n"', '"Content-Type: text/plain; charset=UTF-8\\\\n"', text)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    print(f"filled {n} entries")
