"""The identifier a mark names is checked by one pattern, read alike by the server (Python's
``re``) and by the schema's readers (ECMA regexes: API clients, schemathesis)."""

from __future__ import annotations

import re

import jsonschema_rs

from beacon.monitoring.api import IdentifierMarkSerializer


def test_the_identifier_pattern_reads_the_same_in_python_and_in_the_schema() -> None:
    [validator] = [v for v in IdentifierMarkSerializer().fields["identifier"].validators if hasattr(v, "regex")]
    python = validator.regex
    schema = jsonschema_rs.validator_for({"type": "string", "pattern": python.pattern})
    disagree = [hex(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF
                and bool(python.search(f"handle:a{chr(c)}b")) != schema.is_valid(f"handle:a{chr(c)}b")]
    assert disagree == []
    # found by the schemathesis CLI: "\x1f" is not \S for Python, but is for ECMA
    assert not schema.is_valid("handle:\x1f\xdaQ3") and not python.search("handle:\x1f\xdaQ3")
    assert re.search(python, "tel:+18162340001")
