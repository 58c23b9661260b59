"""Small-cell suppression: property-based tests on random tables."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beacon.outreach.suppression import SMALL_LABEL, WITHHELD_LABEL, Mark, SuppressedTable, suppress_table


def tables(max_rows: int, max_cols: int, max_value: int) -> st.SearchStrategy[list[list[int]]]:
    return st.integers(1, max_rows).flatmap(
        lambda r: st.integers(1, max_cols).flatmap(
            lambda c: st.lists(st.lists(st.integers(0, max_value), min_size=c, max_size=c), min_size=r, max_size=r)
        )
    )


# Mix small counts, zeros and larger counts so that every rule is exercised.
counts = st.one_of(st.just(0), st.integers(1, 10), st.integers(11, 40))


def mixed_tables(max_rows: int, max_cols: int) -> st.SearchStrategy[list[list[int]]]:
    return st.integers(1, max_rows).flatmap(
        lambda r: st.integers(1, max_cols).flatmap(
            lambda c: st.lists(st.lists(counts, min_size=c, max_size=c), min_size=r, max_size=r)
        )
    )


def _check_published(t: SuppressedTable) -> None:
    rows, cols = t.shape
    for i in range(rows):
        for j in range(cols):
            value = t.published(i, j)
            if value is not None:
                assert value == 0 or value >= 11
                assert t.label(i, j) == str(value)
            else:
                assert t.label(i, j) in {SMALL_LABEL, WITHHELD_LABEL}
            if 1 <= t.values[i][j] <= 10:
                assert t.marks[i][j] == Mark.SMALL


def _check_lines(t: SuppressedTable) -> None:
    """Every row and column (totals included) with a hidden entry has at least two."""
    rows, cols = t.shape
    for i in range(rows):
        hidden = sum(t.marks[i][j] != Mark.PUBLISHED for j in range(cols))
        assert hidden != 1, (i, t)
    for j in range(cols):
        hidden = sum(t.marks[i][j] != Mark.PUBLISHED for i in range(rows))
        assert hidden != 1, (j, t)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_tables(7, 13))
def test_published_entries_are_zero_or_at_least_eleven_and_lines_hold_two(cells: list[list[int]]) -> None:
    t = suppress_table(cells)
    _check_published(t)
    _check_lines(t)


def _feasible_values(t: SuppressedTable, cap: int) -> dict[tuple[int, int], set[int]]:
    """Brute force: every table consistent with what is published; the values each hidden entry takes."""
    rows, cols = t.shape
    r_in, c_in = rows - 1, cols - 1

    def options(i: int, j: int) -> range:
        mark = t.marks[i][j]
        if mark == Mark.PUBLISHED:
            return range(t.values[i][j], t.values[i][j] + 1)
        return range(1, 11) if mark == Mark.SMALL else range(11, cap + 1)

    def total_ok(i: int, j: int, value: int) -> bool:
        return value in options(i, j)

    row_choices = []
    for i in range(r_in):
        choices = [r for r in itertools.product(*(options(i, j) for j in range(c_in))) if total_ok(i, c_in, sum(r))]
        row_choices.append(choices)
    seen: dict[tuple[int, int], set[int]] = {e: set() for e in t.suppressed()}
    for grid in itertools.product(*row_choices):
        col_sums = [sum(grid[i][j] for i in range(r_in)) for j in range(c_in)]
        if not all(total_ok(r_in, j, s) for j, s in enumerate(col_sums)):
            continue
        grand = sum(col_sums)
        if not total_ok(r_in, c_in, grand):
            continue
        full = [[*grid[i], sum(grid[i])] for i in range(r_in)] + [[*col_sums, grand]]
        for (i, j) in seen:
            seen[(i, j)].add(full[i][j])
    return seen


small_counts = st.one_of(st.just(0), st.integers(1, 10), st.integers(11, 16))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 3).flatmap(lambda r: st.integers(1, 3 if r < 3 else 2).flatmap(
    lambda c: st.lists(st.lists(small_counts, min_size=c, max_size=c), min_size=r, max_size=r))))
def test_no_hidden_entry_can_be_worked_out_brute_force(cells: list[list[int]]) -> None:
    t = suppress_table(cells)
    grand = t.values[-1][-1]
    feasible = _feasible_values(t, cap=grand + 12)
    for entry, values in feasible.items():
        assert t.values[entry[0]][entry[1]] in values  # the truth is among them (the checker is sound)
        assert len(values) >= 2, (entry, values, cells)


def test_examples() -> None:
    t = suppress_table([[5, 20], [30, 40]])
    assert t.label(0, 0) == SMALL_LABEL
    # The row total 25 and column total 35 would give the 5 away: more is hidden.
    _check_lines(t)
    assert t.published(0, 0) is None
    assert suppress_table([[0, 0], [12, 30]]).suppressed() == []
    single = suppress_table([[3]])
    assert all(single.published(i, j) is None for i in range(2) for j in range(2))
