"""Triggers that mark the board's cells to rebuild whenever a fact they are made of changes.

Whatever writes a version, a review, an exemption, an enterprise's place in the roster or an
obligation's due date (a service, the demo seed, a roster import, a tool with plain SQL), the
database itself records the cell in `board_cell_dirty`; the board rebuilds those cells' spans
(`backend/domain/board/cells.py`) before it reads them. Created by the migration that introduced
the spans and, idempotently, after every migration run and by the test suite's schema."""

from __future__ import annotations

from piccolo.engine import engine_finder

from backend.db.tables.board import BoardCellDirty

# (table, what to mark: SELECT enterprise, obligation ... with the row as R)
_MARKS: dict[str, str] = {
    "submission_version": "SELECT enterprise, obligation FROM submission WHERE id = R.submission",
    "review": (
        "SELECT s.enterprise, s.obligation FROM submission s "
        "JOIN submission_version v ON v.submission = s.id WHERE v.id = R.version"
    ),
    "exemption": "SELECT R.enterprise, R.obligation",
    "submission": "SELECT R.enterprise, R.obligation",
    # An enterprise's cohort decides which duties it reports; an obligation's due date and
    # cohort decide every cell of it.
    "enterprise": "SELECT R.id, NULL",
    "obligation": "SELECT NULL, R.id",
}
# Updates that change nothing a cell is made of are not marked (a programme reload rewrites
# every obligation; an enterprise's contact details change often).
_UPDATE_WHEN: dict[str, str] = {
    "enterprise": "OLD.parent IS DISTINCT FROM NEW.parent "
    "OR OLD.upgraded_mgmt IS DISTINCT FROM NEW.upgraded_mgmt",
    "obligation": "OLD.due_on IS DISTINCT FROM NEW.due_on "
    "OR OLD.applies_to IS DISTINCT FROM NEW.applies_to",
    "submission": "OLD.enterprise IS DISTINCT FROM NEW.enterprise "
    "OR OLD.obligation IS DISTINCT FROM NEW.obligation",
}
_INSERT = "INSERT INTO board_cell_dirty (enterprise, obligation) "


def _sqlite_statements() -> list[str]:
    statements = []
    for table, mark in _MARKS.items():
        for verb, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            when = ""
            if verb == "UPDATE" and table in _UPDATE_WHEN:
                when = " WHEN " + _UPDATE_WHEN[table].replace("IS DISTINCT FROM", "IS NOT")
            body = " ".join(f"{_INSERT}{mark.replace('R.', f'{row}.')};" for row in rows)
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS board_dirty_{table}_{verb.lower()} "
                f"AFTER {verb} ON {table}{when} BEGIN {body} END"
            )
    return statements


def _pg_function(table: str) -> str:
    mark = _MARKS[table]
    return f"""
CREATE OR REPLACE FUNCTION hegui_board_dirty_{table}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_INSERT}{mark.replace("R.", "OLD.")};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_INSERT}{mark.replace("R.", "NEW.")};
    END IF;
    RETURN NULL;
END
$$"""


def _pg_triggers(table: str) -> list[tuple[str, str]]:
    function = f"EXECUTE FUNCTION hegui_board_dirty_{table}()"
    if table not in _UPDATE_WHEN:
        return [(f"board_dirty_{table}", f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
                 f"FOR EACH ROW {function}")]  # fmt: skip
    return [
        (f"board_dirty_{table}", f"AFTER INSERT OR DELETE ON {table} FOR EACH ROW {function}"),
        (f"board_dirty_{table}_upd", f"AFTER UPDATE ON {table} FOR EACH ROW "
         f"WHEN ({_UPDATE_WHEN[table]}) {function}"),
    ]  # fmt: skip


async def ensure_board_triggers() -> None:
    engine = engine_finder()
    assert engine is not None
    if engine.engine_type == "sqlite":
        for statement in _sqlite_statements():
            await engine.run_ddl(statement)
        return
    for table in _MARKS:
        await engine.run_ddl(_pg_function(table))
        for name, definition in _pg_triggers(table):
            found = await BoardCellDirty.raw(
                "SELECT 1 FROM pg_trigger WHERE tgname = {} AND tgrelid = {}::regclass",
                name,
                table,
            )
            if not found:
                await engine.run_ddl(f"CREATE TRIGGER {name} {definition}")


async def drop_board_triggers() -> None:
    engine = engine_finder()
    assert engine is not None
    if engine.engine_type == "sqlite":
        for table in _MARKS:
            for verb in ("insert", "update", "delete"):
                await engine.run_ddl(f"DROP TRIGGER IF EXISTS board_dirty_{table}_{verb}")
        return
    for table in _MARKS:
        for name, _ in _pg_triggers(table):
            await engine.run_ddl(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        await engine.run_ddl(f"DROP FUNCTION IF EXISTS hegui_board_dirty_{table}()")
