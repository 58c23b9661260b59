"""JSON for the scan's hot paths: orjson, with the standard library's exact output.

``loads`` and ``dumps`` give the same values and the same text as
``json.loads`` and ``json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))``
on what a scan reads and writes, at a fraction of the cost (orjson is
compiled).  Where the two could differ, the standard library decides:

* input orjson refuses (NaN, lone surrogates, a BOM, bad UTF-8, broken
  JSON) is parsed again by ``json``, so values and error messages are the
  standard library's; so is a record where orjson may have read an
  integer of 64 bits or more as a float (a float of that size, or nesting
  deeper than a list of values);
* orjson prints floats below 1e-4 or from 1e16 differently (``0.00001``,
  ``1e16``; ``json``: ``1e-05``, ``1e+16``): output that contains
  ``0.0000`` or a digit followed by ``e`` and a digit or ``-`` is written
  again by ``json`` (a text may contain them too: then it is merely
  slower); so is any value orjson refuses (lone surrogates, integers
  beyond 64 bits, non-string keys).

Not covered: NaN and infinities, which orjson writes as ``null`` (``json``:
``NaN``, ``Infinity``).  The scan never writes them (risks and weights are
finite, amounts are integers).
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

__all__ = ["dumps", "loads", "try_loads"]

_STD_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_EXP = re.compile(rb"e[-\d]")
_BIG = 9.2e18  # (integers from 2**63 on come back from orjson as floats)


def _maybe_big_int(v: Any) -> bool:
    """Could orjson have read an integer of 64 bits or more as a float here?
    (Checks a record's values and the items of its lists; anything deeper
    or not an object goes to ``json``.)"""
    if type(v) is not dict:
        return True
    for x in v.values():
        t = type(x)
        if t is float:
            if abs(x) >= _BIG:
                return True
        elif t is list:
            for y in x:
                if type(y) is float and abs(y) >= _BIG or type(y) in (dict, list):
                    return True
        elif t is dict:
            return True
    return False


def _float_forms(out: bytes) -> bool:
    """Might orjson's text print a float unlike ``json`` (below 1e-4, from 1e16)?"""
    if b"0.0000" in out:
        return True
    for m in _EXP.finditer(out):
        if 48 <= out[m.start() - 1] <= 57:  # a digit, then e and a digit or "-"
            return True
    return False


def loads(raw: bytes | str) -> Any:
    """``json.loads(raw)`` (raises :class:`json.JSONDecodeError` like it)."""
    ok, v = try_loads(raw)
    return v if ok else json.loads(raw)


def try_loads(raw: bytes | str) -> tuple[bool, Any]:
    """``(True, value)`` when orjson reads ``raw`` exactly as ``json.loads``
    would, else ``(False, None)``: then the caller asks ``json`` (for its
    value or its error message)."""
    try:
        v = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False, None
    return (False, None) if _maybe_big_int(v) else (True, v)


def dumps(obj: Any) -> str:
    """``json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode(obj)``
    for values without NaN or infinities (see the module docstring)."""
    try:
        out = orjson.dumps(obj)
    except TypeError:  # (orjson.JSONEncodeError)
        return _STD_DUMPS(obj)
    return _STD_DUMPS(obj) if _float_forms(out) else out.decode("utf-8")
