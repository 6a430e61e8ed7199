"""Indexes the board's SQL (`backend/domain/board/status_sql.py`) leans on: each cell finds its
submission by (enterprise, obligation), the latest version by (submission, version number),
that version's released reviews by (version, release time) and its exemptions by (enterprise,
obligation). Piccolo's columns declare single-column indexes only, so these composite ones are
created by a migration (and by the benchmark, which builds its schema from the tables)."""

from __future__ import annotations

from piccolo.engine import engine_finder

BOARD_INDEXES = {
    "submission_enterprise_obligation": "submission (enterprise, obligation)",
    "submission_version_submission_no": "submission_version (submission, version_no)",
    "review_version_released": "review (version, released_at)",
    "exemption_enterprise_obligation": "exemption (enterprise, obligation)",
}


async def ensure_board_indexes() -> None:
    engine = engine_finder()
    assert engine is not None
    for name, target in BOARD_INDEXES.items():
        await engine.run_ddl(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


async def drop_board_indexes() -> None:
    engine = engine_finder()
    assert engine is not None
    for name in BOARD_INDEXES:
        await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")
