"""A small phrase matcher over word tokens (faster than big regex alternations).

Phrases are matched on lower-cased alphanumeric tokens, so ``"new in town"``
matches ``"NEW in Town!!"`` and ``"Lee's Summit"`` matches ``"Lees Summit"``
only if listed; the returned spans index the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress, count
from typing import Generic, TypeVar

T = TypeVar("T")

Token = tuple[str, int, int]
_ALNUM_RE = re.compile(r"[^\W_]+")


def tokenize(text: str) -> list[Token]:
    """Alphanumeric tokens of ``text`` as ``(token, start, end)``."""
    return [(m.group(), m.start(), m.end()) for m in _ALNUM_RE.finditer(text)]


def phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _ALNUM_RE.findall(phrase))


@dataclass(frozen=True, slots=True)
class LexMatch(Generic[T]):
    payload: T
    start: int
    end: int


class Lexicon(Generic[T]):
    """Map phrases to payloads.

    ``cased`` phrases must start with a capital letter in the text (all-caps
    abbreviations such as ``KC`` must be written in capitals).
    """

    def __init__(self) -> None:
        self._first: dict[str, list[tuple[tuple[str, ...], T, int]]] = {}
        # first word -> the second words of its phrases, or None if it is
        # also a phrase on its own (lets scan skip "my", "in"... cheaply)
        self._second: dict[str, frozenset[str] | None] = {}
        self._keys: frozenset[str] | None = None  # first words (rebuilt after an add)

    def _index(self, first: str) -> None:
        self._keys = None
        lst = self._first[first]
        lst.sort(key=lambda e: -len(e[0]))
        single = any(len(e[0]) == 1 for e in lst)
        self._second[first] = None if single else frozenset(e[0][1] for e in lst)

    def add(self, phrase: str, payload: T, cased: bool = False) -> None:
        key = phrase_key(phrase)
        if not key:
            return
        mode = 0
        if cased:
            mode = 2 if phrase.isupper() else 1
        self._first.setdefault(key[0], []).append((key, payload, mode))
        self._index(key[0])

    def add_all(self, phrases: Iterable[str], payload: T, cased: bool = False) -> None:
        for p in phrases:
            self.add(p, payload, cased)

    def entries(self) -> list[tuple[tuple[str, ...], T, int]]:
        return [e for lst in self._first.values() for e in lst]

    def add_entries(self, entries: Iterable[tuple[tuple[str, ...], T, int]]) -> None:
        for key, payload, mode in entries:
            self._first.setdefault(key[0], []).append((key, payload, mode))
            self._index(key[0])

    def scan(
        self, tokens: list[Token], lows: list[str] | None = None, lowset: set[str] | None = None
    ) -> list[LexMatch[T]]:
        """Longest-first, non-overlapping matches in token order (``lowset``:
        the set of ``lows``, if at hand)."""
        return [LexMatch(p, s, e) for p, s, e in self.scan_spans(tokens, lows, lowset)]

    def scan_spans(
        self, tokens: list[Token], lows: list[str] | None = None, lowset: set[str] | None = None
    ) -> list[tuple[T, int, int]]:
        """:meth:`scan` as plain ``(payload, start, end)`` tuples (cheaper)."""
        if lows is None:
            lows = [t[0].lower() for t in tokens]
        out: list[tuple[T, int, int]] = []
        first = self._first
        if self._keys is None:
            self._keys = frozenset(first)
        # (set & frozenset iterates over the smaller one: the text's words)
        hit = (set(lows) if lowset is None else lowset) & self._keys
        if not hit:
            return out
        nxt = 0
        second = self._second
        last = len(lows) - 1
        for i in list(compress(count(), map(hit.__contains__, lows))):
            if i < nxt:
                continue
            low = lows[i]
            sec = second[low]
            if sec is not None and (i == last or lows[i + 1] not in sec):
                continue  # only longer phrases start here, and none goes on so
            for key, payload, mode in first[low]:
                k = len(key)
                if k > 1 and tuple(lows[i : i + k]) != key:
                    continue
                if mode:
                    tok = tokens[i][0]
                    if mode == 1 and not tok[0].isupper():
                        continue
                    if mode == 2 and not tok.isupper():
                        continue
                out.append((payload, tokens[i][1], tokens[i + k - 1][2]))
                nxt = i + k
                break
        return out
