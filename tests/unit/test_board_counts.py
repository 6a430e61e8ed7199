"""The board's counts on a hand-built board: a group's 全级次 item counts once, however many
subsidiary rows mirror it."""

from __future__ import annotations

from backend.rules.board_counts import (
    ShownCell,
    enterprises_by_status,
    items_by_column,
    owner_of,
)
from backend.rules.cell_status import Status

P1, A5, A6 = 101, 105, 106  # A5 is 全级次: the group reports once for all its subsidiaries
GROUP_A, SUB_A1, SUB_A2, SUB_A3 = 1, 11, 12, 13
GROUP_B, SUB_B1 = 2, 21
GROUP_C = 3  # no subsidiaries

BOARD = [
    # Group A: P1 overdue, A5 overdue (mirrored on its three subsidiaries), A6 approved.
    ShownCell(GROUP_A, P1, Status.OVERDUE),
    ShownCell(GROUP_A, A5, Status.OVERDUE),
    ShownCell(GROUP_A, A6, Status.APPROVED),
    ShownCell(SUB_A1, A5, Status.OVERDUE, covered_by=GROUP_A),
    ShownCell(SUB_A2, A5, Status.OVERDUE, covered_by=GROUP_A),
    ShownCell(SUB_A3, A5, Status.OVERDUE, covered_by=GROUP_A),
    # Group B: everything approved, its 全级次 item too.
    ShownCell(GROUP_B, P1, Status.APPROVED),
    ShownCell(GROUP_B, A5, Status.APPROVED),
    ShownCell(GROUP_B, A6, Status.APPROVED),
    ShownCell(SUB_B1, A5, Status.APPROVED, covered_by=GROUP_B),
    # Group C: A6 waits for review, A5 returned.
    ShownCell(GROUP_C, P1, Status.APPROVED),
    ShownCell(GROUP_C, A5, Status.RETURNED),
    ShownCell(GROUP_C, A6, Status.SUBMITTED),
]


def test_a_mirrored_cell_is_owed_by_the_group() -> None:
    assert owner_of(ShownCell(SUB_A1, A5, Status.OVERDUE, covered_by=GROUP_A)) == GROUP_A
    assert owner_of(ShownCell(GROUP_C, A6, Status.SUBMITTED)) == GROUP_C


def test_status_filter_counts_enterprises_that_owe_an_item() -> None:
    counts = enterprises_by_status(BOARD)
    # Only group A owes something overdue: its three subsidiary rows add nothing.
    assert counts[Status.OVERDUE] == 1
    assert counts[Status.APPROVED] == 3  # A (A6), B (all), C (P1); not B's subsidiary
    assert counts[Status.RETURNED] == 1
    assert counts[Status.SUBMITTED] == 1
    assert counts[Status.NOT_DUE] == 0
    # Counted per row instead, the overdue filter would claim four enterprises.
    per_row = {c.enterprise_id for c in BOARD if c.status == Status.OVERDUE}
    assert len(per_row) == 4


def test_column_counts_count_each_owed_item_once() -> None:
    counts = items_by_column(BOARD)
    assert counts[(A5, Status.OVERDUE)] == 1
    assert counts[(A5, Status.APPROVED)] == 1
    assert counts[(A5, Status.RETURNED)] == 1
    assert counts[(P1, Status.APPROVED)] == 2
    assert counts[(A6, Status.APPROVED)] == 2
    assert sum(n for (column, _), n in counts.items() if column == A5) == 3  # three groups


def test_the_order_of_rows_does_not_matter() -> None:
    assert enterprises_by_status(reversed(BOARD)) == enterprises_by_status(BOARD)
    assert items_by_column(reversed(BOARD)) == items_by_column(BOARD)
    assert enterprises_by_status([]) == {}
