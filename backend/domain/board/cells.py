"""Keep `board_cell` (each cell's history as spans of time) in step with the facts.

Triggers mark the cells whose facts changed (`backend/db/board_triggers.py`); before the board
reads spans, `refresh_board_cells()` rebuilds the marked cells from their facts with the rules'
own `cell_spans` and removes the marks it handled. One cheap statement when nothing is marked.
Several processes may refresh at once: the rebuild holds a lock (a transaction-scoped advisory
lock on PostgreSQL, the write lock on SQLite), re-reads the marks under it, and deletes only the
marks it read, so a mark written meanwhile is handled by the next refresh."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from backend.db import fastread
from backend.db.bulk import insert_rows
from backend.db.fastread import as_utc
from backend.db.tables import BoardCell, BoardCellDirty
from backend.db.transactions import write_transaction
from backend.rules.cell_spans import cell_spans
from backend.rules.cell_status import ExemptionFact, ReviewFact, VersionFact

log = logging.getLogger("hegui.board")

LOCK_KEY = 7_281_001  # pg_advisory_xact_lock: one rebuild at a time across processes
COHORT_SQL = "CASE WHEN e.upgraded_mgmt THEN 'UPG7' WHEN e.parent IS NULL THEN 'T1' ELSE 'SUB' END"
COLUMNS = [
    BoardCell.rid,
    BoardCell.oid,
    BoardCell.applies_to,
    BoardCell.valid_from,
    BoardCell.valid_to,
    BoardCell.state,
    BoardCell.due_on,
    BoardCell.first_at,
    BoardCell.last_at,
    BoardCell.latest_no,
    BoardCell.days_late,
]


@dataclass
class Scope:
    """The cells to rebuild: all, or those of some enterprises, obligations, or both."""

    everything: bool = False
    enterprises: set[int] = field(default_factory=set)  # every cell of these
    obligations: set[int] = field(default_factory=set)  # every cell of these
    pair_enterprises: set[int] = field(default_factory=set)  # with pair_obligations: the
    pair_obligations: set[int] = field(default_factory=set)  # cross product of marked pairs

    @classmethod
    def of(cls, marks: Iterable[tuple[Any, Any]]) -> Scope:
        scope = cls()
        for enterprise, obligation in marks:
            if enterprise is None and obligation is None:
                scope.everything = True
            elif obligation is None:
                scope.enterprises.add(int(enterprise))
            elif enterprise is None:
                scope.obligations.add(int(obligation))
            else:
                scope.pair_enterprises.add(int(enterprise))
                scope.pair_obligations.add(int(obligation))
        return scope

    def where(self, enterprise: str, obligation: str) -> str:
        """SQL over the given columns selecting the scope (ids are our own integers)."""
        if self.everything:
            return "1 = 1"
        conds = []
        if self.enterprises:
            conds.append(f"{enterprise} IN ({_ids(self.enterprises)})")
        if self.obligations:
            conds.append(f"{obligation} IN ({_ids(self.obligations)})")
        if self.pair_enterprises:
            conds.append(
                f"({enterprise} IN ({_ids(self.pair_enterprises)}) "
                f"AND {obligation} IN ({_ids(self.pair_obligations)}))"
            )
        return "(" + " OR ".join(conds) + ")" if conds else "1 = 0"


def _ids(values: Iterable[int]) -> str:
    return ", ".join(str(int(v)) for v in sorted(values)) or "0"


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _stored(value: Any) -> Any:
    """A value as the engine stores it (SQLite keeps instants and dates as text)."""
    if value is None or fastread.is_postgres():
        return value
    if isinstance(value, dt.datetime):
        return fastread.db_param(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


async def _facts(scope: Scope) -> tuple[dict, dict, dict]:
    """Every version, released review and exemption of the cells in scope, whatever its time."""
    versions: dict[tuple[int, int], list[VersionFact]] = {}
    reviews: dict[tuple[int, int], list[ReviewFact]] = {}
    exemptions: dict[tuple[int, int], list[ExemptionFact]] = {}
    in_scope = scope.where("s.enterprise", "s.obligation")
    number_of: dict[int, tuple[tuple[int, int], int]] = {}
    for vid, enterprise, obligation, number, submitted_at in await fastread.fetch_tuples(
        "SELECT v.id, s.enterprise, s.obligation, v.version_no, v.submitted_at "
        f"FROM submission_version v JOIN submission s ON s.id = v.submission WHERE {in_scope}"
    ):
        key = (enterprise, obligation)
        number_of[vid] = (key, number)
        versions.setdefault(key, []).append(VersionFact(number, as_utc(submitted_at)))  # type: ignore[arg-type]
    for vid, decision, released_at in await fastread.fetch_tuples(
        "SELECT r.version, r.decision, r.released_at FROM review r "
        "JOIN submission_version v ON v.id = r.version JOIN submission s ON s.id = v.submission "
        f"WHERE r.state = 'released' AND r.released_at IS NOT NULL AND {in_scope}"
    ):
        key, number = number_of.get(vid, ((0, 0), 0))
        if number:
            reviews.setdefault(key, []).append(
                ReviewFact(number, decision, as_utc(released_at))  # type: ignore[arg-type]
            )
    for enterprise, obligation, kind, granted, revoked, extended in await fastread.fetch_tuples(
        "SELECT s.enterprise, s.obligation, s.kind, s.granted_at, s.revoked_at, s.extended_to "
        f"FROM exemption s WHERE {in_scope}"
    ):
        exemptions.setdefault((enterprise, obligation), []).append(
            ExemptionFact(
                kind,
                as_utc(granted),  # type: ignore[arg-type]
                as_utc(revoked),
                _day(extended) if extended is not None else None,
            )
        )
    return versions, reviews, exemptions


async def _rows(scope: Scope) -> list[tuple[Any, ...]]:
    keys = await fastread.fetch_tuples(
        "SELECT e.id, o.id, o.due_on, o.applies_to FROM enterprise e "
        f"JOIN obligation o ON (o.applies_to IN ('ALL', 'GRP_SUBS') OR o.applies_to = {COHORT_SQL})"
        f" WHERE {COHORT_SQL} <> 'SUB' AND {scope.where('e.id', 'o.id')}"
    )
    versions, reviews, exemptions = await _facts(scope)
    rows: list[tuple[Any, ...]] = []
    for enterprise, obligation, due_on, applies_to in keys:
        key = (enterprise, obligation)
        for span in cell_spans(
            _day(due_on), versions.get(key, ()), reviews.get(key, ()), exemptions.get(key, ())
        ):
            rows.append(
                (
                    enterprise,
                    obligation,
                    applies_to,
                    *(_stored(v) for v in span[:4]),
                    *tuple(_stored(v) for v in span[4:6]),
                    *span[6:],
                )
            )
    return rows


async def _copy_or_insert(rows: list[tuple[Any, ...]]) -> None:
    engine = BoardCell._meta.db
    transaction = engine.current_transaction.get() if fastread.is_postgres() else None
    if transaction is not None and len(rows) > 5_000:
        # COPY on the transaction's own connection: a province-wide rebuild is ~a million rows.
        await transaction.connection.copy_records_to_table(
            "board_cell", records=rows, columns=[c._meta.db_column_name for c in COLUMNS]
        )
        return
    await insert_rows(BoardCell, COLUMNS, rows)


_running: asyncio.Task[int] | None = None


async def refresh_board_cells() -> int:
    """Rebuild the marked cells; the number of marks handled (0 when nothing was marked).

    The rebuild runs as its own task, shared by this process's readers and shielded from their
    cancellation: a visitor who leaves (or a request past its deadline) does not roll back a
    large rebuild half way, which the next visitor would then start again."""
    global _running
    if not await fastread.fetch_tuples("SELECT 1 FROM board_cell_dirty LIMIT 1"):
        return 0
    if _running is None or _running.done():
        _running = asyncio.create_task(_rebuild())
    return await asyncio.shield(_running)


async def _rebuild() -> int:
    async with write_transaction():
        if fastread.is_postgres():
            await BoardCell.raw(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
        # Read under the lock (any connection: only committed marks count, and a rebuild that
        # ran while this one waited has removed its own).
        marks = await fastread.fetch_tuples(
            "SELECT id, enterprise, obligation FROM board_cell_dirty"
        )
        if not marks:
            return 0
        scope = Scope.of((m[1], m[2]) for m in marks)
        await BoardCell.raw(f"DELETE FROM board_cell WHERE {scope.where('rid', 'oid')}")
        rows = await _rows(scope)
        await _copy_or_insert(rows)
        done = [int(m[0]) for m in marks]
        if fastread.is_postgres():
            await BoardCellDirty.raw("DELETE FROM board_cell_dirty WHERE id = ANY({})", done)
        else:
            await BoardCellDirty.raw(
                "DELETE FROM board_cell_dirty WHERE id IN (SELECT value FROM json_each({}))",
                json.dumps(done),
            )
    if len(rows) > 10_000:
        log.info("看板单元格已重建：%d 个时段", len(rows))
    return len(marks)


async def mark_all_cells() -> None:
    """Ask for a full rebuild (after a restore, or by `hegui` maintenance)."""
    await BoardCellDirty.insert(BoardCellDirty(enterprise=None, obligation=None))
