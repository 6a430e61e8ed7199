"""How the board counts: an item is counted once for whoever owes it.

A 全级次 (GRP_SUBS) item is owed by the group: its one deliverable covers every subsidiary, and
each subsidiary row only mirrors the group's cell. So a group with twelve subsidiaries and an
overdue 全级次 item is one enterprise owing one overdue item, not thirteen. These functions are
pure so the Python board and the SQL board can be checked against the same rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple


class ShownCell(NamedTuple):
    """One cell as the board shows it on an enterprise's row."""

    enterprise_id: int
    obligation_id: int
    status: str
    covered_by: int | None = None  # the group whose deliverable this subsidiary row mirrors


def owner_of(cell: ShownCell) -> int:
    """The enterprise that owes the item: the group for a mirrored 全级次 cell."""
    return cell.covered_by if cell.covered_by is not None else cell.enterprise_id


def owed_items(cells: Iterable[ShownCell]) -> dict[tuple[int, int], str]:
    """Each (owing enterprise, obligation) once, with its status."""
    return {(owner_of(c), c.obligation_id): c.status for c in cells}


def items_by_column(cells: Iterable[ShownCell]) -> Counter[tuple[int, str]]:
    """Per (obligation, status): how many enterprises owe that item in that status."""
    return Counter((obligation, status) for (_, obligation), status in owed_items(cells).items())


def enterprises_by_status(cells: Iterable[ShownCell]) -> Counter[str]:
    """Per status: how many enterprises owe at least one item in that status.

    This is what the board's status filter offers: "逾期未报（12 户）" means twelve enterprises
    have something overdue; a subsidiary shown only because its group's 全级次 item is overdue
    is not one of them."""
    owners: set[tuple[str, int]] = {
        (status, owner) for (owner, _), status in owed_items(cells).items()
    }
    return Counter(status for status, _ in owners)
