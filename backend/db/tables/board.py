"""The board's cells kept as spans of time (`backend/rules/cell_spans.py`), so that the board of
any date reads one span per cell instead of replaying every fact on every request.

Derived data: `backend/domain/board/cells.py` rebuilds the spans of the cells that triggers on
the fact tables mark in `board_cell_dirty` (a version, a review, an exemption, a change of the
roster or of an obligation), before the board reads them. Plain integers, not foreign keys: the
rows are a cache of the facts and never stand in the way of changing them."""

from piccolo.columns import Date, Integer, Timestamptz, Varchar

from backend.db.tables.base import Table


class BoardCell(Table, tablename="board_cell"):
    rid = Integer(index=True)  # the reporting enterprise (a group for 全级次 duties)
    oid = Integer(index=True)  # the obligation
    applies_to = Varchar(length=16)  # the obligation's, so the board needs no join for it
    valid_from = Timestamptz(default=None)  # the span: valid_from <= instant < valid_to
    valid_to = Timestamptz(default=None)
    state = Varchar(length=16)  # "nosub" (dated in SQL) or a cell status
    due_on = Date(default=None)  # the effective due date in the span
    first_at = Timestamptz(null=True, default=None)
    last_at = Timestamptz(null=True, default=None)
    latest_no = Integer(default=0)
    days_late = Integer(default=0)


class BoardCellDirty(Table, tablename="board_cell_dirty"):
    """A cell whose facts changed: (enterprise, obligation); a NULL is "every" on that side."""

    enterprise = Integer(null=True, default=None)
    obligation = Integer(null=True, default=None)
