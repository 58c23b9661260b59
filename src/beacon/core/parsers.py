"""The API's JSON parser: bounded nesting depth and body size, checked before parsing.

Python's ``json`` module recurses once per nesting level, so a small body nested about a
thousand levels deep (``[[[[...]]]]``) raises ``RecursionError``, a server error.  This parser
first walks the body's brackets with a regular expression (no recursion, strings skipped),
refuses anything nested deeper than ``BEACON_JSON_MAX_DEPTH`` (32 by default) with a 400 in the
usual ``{"error", "fields"}`` shape, and refuses a body larger than
``DATA_UPLOAD_MAX_MEMORY_SIZE`` with a 413.  It is the default parser of every DRF view
(``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``).
"""

from __future__ import annotations

import json
import re
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

DEFAULT_MAX_DEPTH = 32

# The only bytes that matter for nesting: brackets, and the quotes and backslashes that
# tell where strings are.  One match per such byte: linear time whatever the input.
_SPECIAL = re.compile(rb'[\[\]{}"\\]')


def max_depth() -> int:
    return int(getattr(settings, "BEACON_JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH))


def nesting_depth(raw: bytes, limit: int) -> int:
    """The deepest nesting of arrays and objects in ``raw``, counting at most to ``limit + 1``.

    Iterative and linear: one regular-expression match per bracket, quote or backslash,
    brackets inside strings ignored; the walk stops as soon as ``limit`` is exceeded.
    Malformed JSON is left to the parser.
    """
    depth = deepest = 0
    in_string = False
    escaped_at = -1  # the position of the byte a backslash escapes
    for match in _SPECIAL.finditer(raw):
        pos = match.start()
        if pos == escaped_at:
            continue
        byte = raw[pos]
        if in_string:
            if byte == 0x5C:  # backslash
                escaped_at = pos + 1
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def loads_limited(raw: bytes, encoding: str = "utf-8") -> Any:
    """Parse a JSON body with the depth limit (``ParseError`` on bad or too deep input)."""
    limit = max_depth()
    if nesting_depth(raw, limit) > limit:
        raise ParseError(f"The JSON body is nested too deeply (at most {limit} levels of arrays and objects).")
    try:
        data = json.loads(raw.decode(encoding), parse_constant=strict_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"JSON parse error - {exc}") from None
    if b"\\u" in raw:
        # "\ud800" parses to a lone surrogate, which no database can store: refuse it here.
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError("JSON parse error - the body has an unpaired surrogate (\\ud800-\\udfff).") from None
    return data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a nesting-depth and a size limit (see the module docstring)."""

    def parse(self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestDataTooBig(f"The request body is too large (limit {limit // 1024} KB).")
        return loads_limited(raw, encoding)
