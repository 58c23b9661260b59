"""Small-cell suppression for published tables (pure Python, no Django).

A table is a grid of counts (rows x columns) published together with its row totals, column
totals and grand total.  Rules (CMS small-cell rule, k = 11):

1. **Primary suppression**: every entry (cell or total) from 1 to 10 is hidden and shown as
   "1-10".  Zeros are published.
2. **Complementary suppression**: more entries are hidden (shown as "withheld") until no hidden
   entry can be worked out exactly from what is published.

The reader (the "attacker") knows every published number, that a "1-10" entry lies in
[1, 10], that a "withheld" entry is at least 11 (zeros are never withheld), and that every
row and column adds up to its total.

**Audit (exact).**  Write the table with its totals as an (R+1) x (C+1) grid ``y`` where the
totals carry a minus sign (the grand total a plus sign): then every row and every column of
``y`` sums to zero.  Two tables that agree on the published entries differ by a circulation on
the hidden entries, and any circulation splits into simple alternating cycles that each keep
within the bounds (conformal decomposition; bounds are intervals).  So a hidden entry can be
worked out exactly if and only if no alternating cycle of hidden entries passes through it in
a direction its bounds allow.  We build a directed graph on the row and column nodes (an edge
row -> column when ``y`` may go up by one, column -> row when it may go down by one) and a
hidden entry is safe when, for one of its edges u -> v, the other hidden entries lead back
from v to u (the entry's own reverse edge does not count: it would only undo the change).

**Choosing complementary entries.**  While the audit finds an exposed entry, we hide the
cheapest rectangle through it (three more entries; smallest total of newly hidden counts,
preferring rectangles that close a cycle the bounds allow; zeros are never chosen).  If no
rectangle adds anything, the whole table is withheld.  The loop ends because each round hides
at least one more entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

SMALL_MIN = 1
SMALL_MAX = 10  # counts 1..10 are never published
SMALL_LABEL = "1-10"
WITHHELD_LABEL = "withheld"

__all__ = [
    "SMALL_LABEL",
    "SMALL_MAX",
    "WITHHELD_LABEL",
    "Mark",
    "SuppressedTable",
    "exposed_entries",
    "suppress_table",
]


class Mark(StrEnum):
    PUBLISHED = "published"
    SMALL = "small"  # primary: 1..10
    WITHHELD = "withheld"  # complementary: >= 11


@dataclass(frozen=True)
class SuppressedTable:
    """A table with totals after suppression.

    ``values`` and ``marks`` are (R+1) x (C+1): the last row holds the column totals, the last
    column the row totals, the corner the grand total.  ``values`` keeps the true counts (never
    publish it); use :meth:`published` for what may be shown.
    """

    values: tuple[tuple[int, ...], ...]
    marks: tuple[tuple[Mark, ...], ...]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.values), len(self.values[0])

    def published(self, i: int, j: int) -> int | None:
        return self.values[i][j] if self.marks[i][j] == Mark.PUBLISHED else None

    def label(self, i: int, j: int) -> str:
        mark = self.marks[i][j]
        if mark == Mark.PUBLISHED:
            return str(self.values[i][j])
        return SMALL_LABEL if mark == Mark.SMALL else WITHHELD_LABEL

    def suppressed(self) -> list[tuple[int, int]]:
        rows, cols = self.shape
        return [(i, j) for i in range(rows) for j in range(cols) if self.marks[i][j] != Mark.PUBLISHED]


def with_totals(cells: Sequence[Sequence[int]]) -> list[list[int]]:
    """The grid extended by a column of row totals and a row of column totals (and the grand total)."""
    if not cells or not cells[0]:
        raise ValueError("A table needs at least one row and one column.")
    width = len(cells[0])
    rows = [list(r) for r in cells]
    if any(len(r) != width for r in rows):
        raise ValueError("Every row needs the same number of columns.")
    if any(v < 0 for r in rows for v in r):
        raise ValueError("Counts cannot be negative.")
    ext = [[*r, sum(r)] for r in rows]
    ext.append([sum(r[j] for r in ext) for j in range(width + 1)])
    return ext


def _sign(i: int, j: int, rows: int, cols: int) -> int:
    """Sign of an entry in the zero-sum grid: -1 for row and column totals, +1 elsewhere."""
    return -1 if (i == rows - 1) != (j == cols - 1) else 1


def _moves(value: int, mark: Mark) -> tuple[bool, bool]:
    """May the true count go up by one / down by one and stay within what its label tells?"""
    if mark == Mark.SMALL:
        return value + 1 <= SMALL_MAX, value - 1 >= SMALL_MIN
    return True, value - 1 >= SMALL_MAX + 1


def _edges(ext: Sequence[Sequence[int]], marks: dict[tuple[int, int], Mark]) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Directed edges per hidden entry; nodes are ``("r", i)`` -> 0..R and ``("c", j)`` -> R+1.."""
    rows, cols = len(ext), len(ext[0])
    out: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for (i, j), mark in marks.items():
        up, down = _moves(ext[i][j], mark)
        if _sign(i, j, rows, cols) < 0:
            up, down = down, up  # y = -x
        r, c = i, rows + j
        edges = []
        if up:
            edges.append((r, c))
        if down:
            edges.append((c, r))
        out[(i, j)] = edges
    return out


def _reaches(adj: dict[int, list[int]], start: int, goal: int) -> bool:
    seen = {start}
    todo = [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for nxt in adj.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def exposed_entries(ext: Sequence[Sequence[int]], marks: dict[tuple[int, int], Mark]) -> list[tuple[int, int]]:
    """Hidden entries whose exact value follows from the published ones (see the module docstring).

    An entry is safe when one of its edges u -> v lies on a directed cycle that does not come
    straight back over the entry itself (a +1 and a -1 on the same entry cancel out).
    """
    per_entry = _edges(ext, marks)
    exposed = []
    for entry, own in per_entry.items():
        adj: dict[int, list[int]] = {}
        for other, es in per_entry.items():
            if other != entry:
                for u, v in es:
                    adj.setdefault(u, []).append(v)
        if not any(_reaches(adj, v, u) for u, v in own):
            exposed.append(entry)
    return sorted(exposed)


def _cycle_ok(ext: Sequence[Sequence[int]], corners: list[tuple[int, int]], marks: dict[tuple[int, int], Mark]) -> bool:
    """Can the 4-cycle corners[0] +, corners[1] -, corners[2] +, corners[3] - (or the reverse) move?"""
    rows, cols = len(ext), len(ext[0])
    for first in (1, -1):
        ok = True
        for k, (i, j) in enumerate(corners):
            up, down = _moves(ext[i][j], marks[(i, j)])
            want = first * (1 if k % 2 == 0 else -1) * _sign(i, j, rows, cols)
            if not (up if want > 0 else down):
                ok = False
                break
        if ok:
            return True
    return False


def _best_rectangle(
    ext: Sequence[Sequence[int]], marks: dict[tuple[int, int], Mark], entry: tuple[int, int]
) -> list[tuple[int, int]] | None:
    rows, cols = len(ext), len(ext[0])
    r, c = entry
    best: tuple[tuple[int, int, int], list[tuple[int, int]]] | None = None
    for r2 in range(rows):
        if r2 == r:
            continue
        for c2 in range(cols):
            if c2 == c:
                continue
            others = [(r, c2), (r2, c2), (r2, c)]
            if any(ext[i][j] == 0 for i, j in others):
                continue  # zeros are published, never withheld
            new = [e for e in others if e not in marks]
            if not new:
                continue
            trial = dict(marks)
            for e in new:
                trial[e] = Mark.SMALL if SMALL_MIN <= ext[e[0]][e[1]] <= SMALL_MAX else Mark.WITHHELD
            closes = _cycle_ok(ext, [entry, *others], trial)
            key = (0 if closes else 1, sum(ext[i][j] for i, j in new), len(new))
            if best is None or key < best[0]:
                best = (key, new)
    return best[1] if best else None


def suppress_table(cells: Sequence[Sequence[int]]) -> SuppressedTable:
    """Suppress ``cells`` (rows x columns of non-negative counts) and its totals.

    Deterministic, so results are memoised on the counts themselves (never stale)."""
    return _suppress(tuple(tuple(int(v) for v in row) for row in cells))


@lru_cache(maxsize=512)
def _suppress(cells: tuple[tuple[int, ...], ...]) -> SuppressedTable:
    ext = with_totals(cells)
    rows, cols = len(ext), len(ext[0])
    marks: dict[tuple[int, int], Mark] = {
        (i, j): Mark.SMALL for i in range(rows) for j in range(cols) if SMALL_MIN <= ext[i][j] <= SMALL_MAX
    }
    while True:
        exposed = exposed_entries(ext, marks)
        if not exposed:
            break
        added = _best_rectangle(ext, marks, exposed[0])
        if added is None:
            # Nothing left to hide around this entry: withhold every non-zero entry of the table.
            for i in range(rows):
                for j in range(cols):
                    if ext[i][j] and (i, j) not in marks:
                        marks[(i, j)] = Mark.WITHHELD
            if exposed_entries(ext, marks):
                # Still derivable (a degenerate table): publish nothing but zeros... and not even those.
                marks = {(i, j): marks.get((i, j), Mark.WITHHELD) for i in range(rows) for j in range(cols)}
            break
        for e in added:
            marks[e] = Mark.WITHHELD
    grid = tuple(tuple(marks.get((i, j), Mark.PUBLISHED) for j in range(cols)) for i in range(rows))
    return SuppressedTable(values=tuple(tuple(r) for r in ext), marks=grid)
