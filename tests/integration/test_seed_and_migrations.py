"""Migrations build the schema on the configured engine; the programme loads idempotently and
its dates match the text of 包国资发〔2023〕120号; demo data tells a story."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from piccolo.apps.migrations.auto.schema_snapshot import SchemaSnapshot
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.conf.apps import Finder

from backend.db.tables import (
    ALL_TABLES,
    Enterprise,
    Obligation,
    Programme,
    ReferenceItem,
    Submission,
)
from backend.domain.demo.generator import database_is_empty, load_demo
from backend.domain.programmes.loader import load_all_programmes, load_programme_file
from backend.rules.credit_code import is_valid_credit_code
from backend.storage import FileStore
from tests.conftest import SEED_DIR

# DESIGN.md §2, checked against the text: code -> (due date, applies to, clause fragment)
EXPECTED = {
    "P1": ("2023-05-22", "ALL", "五（一）"),
    "A1a": ("2023-12-31", "T1", "四（一）2"),
    "A1b": ("2023-12-31", "UPG7", "四（一）2"),
    "A1c": ("2023-12-31", "ALL", "四（一）4"),
    "A1d": ("2023-12-31", "ALL", "四（二）10"),
    "A2": ("2023-12-31", "ALL", "四（三）11"),
    "A3": ("2023-12-31", "ALL", "四（四）15"),
    "A4": ("2023-12-31", "ALL", "五（二）"),
    "A5": ("2023-12-31", "GRP_SUBS", "五（二）"),
    "A6": ("2023-12-20", "ALL", "五（二）"),
    "B1": ("2024-12-31", "ALL", "四（二）8"),
    "B2": ("2024-12-31", "ALL", "四（三）12"),
    "B3": ("2024-12-31", "ALL", "四（五）21"),
    "C1": ("2025-10-31", "ALL", "五（三）"),
    "C2": ("2025-12-31", "GRP_SUBS", "五（二）"),
}


async def test_migrations_create_every_table(db: None) -> None:
    for table in reversed(ALL_TABLES):
        await table.alter().drop_table(if_exists=True)
    from piccolo.apps.migrations.tables import Migration

    await Migration.alter().drop_table(if_exists=True)
    result = await run_forwards(app_name="hegui", migration_id="all")
    assert result.success, result.message
    for table in ALL_TABLES:
        assert await table.table_exists(), table._meta.tablename
        assert len(table._meta.tablename) <= 30
    again = await run_forwards(app_name="hegui", migration_id="all")
    assert again.success


def test_schema_names_port_to_domestic_databases() -> None:
    reserved = {"user", "order", "level", "comment", "date", "year", "group", "desc", "key"}
    for table in ALL_TABLES:
        names = [table._meta.tablename] + [c._meta.db_column_name for c in table._meta.columns]
        for name in names:
            assert name.isascii() and name == name.lower() and len(name) <= 30, name
            assert name not in reserved, f"{table._meta.tablename}.{name}"


async def test_programme_dates_match_the_text(programme: int) -> None:
    row = await Programme.select().where(Programme.id == programme).first()
    assert row["doc_no"] == "包国资发〔2023〕120号"
    assert row["issued_on"] == dt.date(2023, 5, 10)
    obligations = await Obligation.select().where(Obligation.programme == programme)
    one_off = {o["code"]: o for o in obligations if o["recurrence"] == "once"}
    assert set(one_off) == set(EXPECTED)
    for code, (due, applies_to, clause) in EXPECTED.items():
        assert one_off[code]["due_on"].isoformat() == due, code
        assert one_off[code]["applies_to"] == applies_to, code
        assert clause in one_off[code]["clause"], code
    annual = sorted(
        (o["code"], o["due_on"].isoformat()) for o in obligations if o["code"][0] == "R"
    )
    assert annual == [
        ("R1", "2023-12-31"), ("R1", "2024-12-31"), ("R1", "2025-12-31"),
        ("R2", "2023-06-30"), ("R2", "2024-03-31"), ("R2", "2025-03-31"),
        ("R3", "2023-06-30"), ("R3", "2024-03-31"), ("R3", "2025-03-31"),
    ]  # fmt: skip
    kinds = {
        r["kind"]: r["n"]
        for r in await ReferenceItem.raw(
            "SELECT kind, COUNT(*) AS n FROM reference_item GROUP BY kind"
        )
    }
    assert kinds == {
        "focus_domains": 17,
        "key_links": 4,
        "key_personnel": 3,
        "key_tasks": 21,
        "defence_lines": 3,
    }


async def test_loading_twice_changes_nothing(programme: int) -> None:
    before = await Obligation.select().order_by(Obligation.id)
    results = await load_all_programmes(SEED_DIR)
    assert [r.changed for r in results] == [False]
    assert await Obligation.select().order_by(Obligation.id) == before


async def test_a_changed_file_updates_in_place_and_keeps_ids(
    programme: int, tmp_path: Path
) -> None:
    data = json.loads((SEED_DIR / "programmes" / "bgzf-2023-120.json").read_text())
    data["obligations"][0]["title"] = "实施方案报国资委（修订）"
    data["obligations"] = [o for o in data["obligations"] if o["code"] != "C2"]
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data, ensure_ascii=False))
    before = {
        o["code"]: o["id"] for o in await Obligation.select().where(Obligation.due_year == 2023)
    }
    result = await load_programme_file(changed)
    assert result.changed
    p1 = await Obligation.select().where(Obligation.code == "P1").first()
    assert p1["id"] == before["P1"] and p1["title"] == "实施方案报国资委（修订）"
    c2 = await Obligation.select().where(Obligation.code == "C2").first()
    assert c2["active"] is False  # kept, since submissions may point at it


async def test_a_second_programme_is_just_another_file(programme: int, tmp_path: Path) -> None:
    (tmp_path / "programmes").mkdir()
    data = json.loads((SEED_DIR / "programmes" / "bgzf-2023-120.json").read_text())
    data.update(code="BGZF-2026-TEST", title="合规管理工作方案（2026—2028年）（测试）")
    for o in data["obligations"]:
        o.pop("due_overrides", None)
        if o["recurrence"] == "annual":
            o["years"] = [2026, 2027, 2028]
        else:
            o["due_on"] = (
                o["due_on"].replace("2023", "2026").replace("2024", "2027").replace("2025", "2028")
            )
    (tmp_path / "programmes" / "next.json").write_text(json.dumps(data, ensure_ascii=False))
    await load_all_programmes(tmp_path)
    assert await Programme.count() == 2
    assert await Obligation.count().where(Obligation.due_year == 2028) > 0


async def test_demo_data_tells_a_story(programme: int, tmp_path: Path) -> None:
    assert await database_is_empty()
    summary = await load_demo(FileStore(tmp_path), today=dt.date(2026, 11, 28))
    assert not await database_is_empty()
    groups = await Enterprise.select().where(Enterprise.parent.is_null())
    assert len(groups) == 30
    assert sum(1 for g in groups if g["upgraded_mgmt"]) == 7
    everyone = await Enterprise.select()
    assert 90 <= len(everyone) - 30 <= 110
    assert all(e["name"].endswith("（示例）") for e in everyone)
    assert all(is_valid_credit_code(e["credit_code"]) for e in everyone)
    assert {e["tier"] for e in everyone} == {1, 2, 3}
    assert await Submission.count() == summary.submissions > 500
    from backend.db.tables import EffectivenessRating, Finding, Inspection, InspectionRating
    from backend.domain.demo.ratings import rate_demo_groups
    from backend.domain.rectification.reads import FindingFilter, list_findings
    from backend.lib.timeutil import end_of_day

    # Each year's 督促检查 (2023–2026, all begun by 2026-11-28) rates every group on the four
    # dimensions; no hand rating (an override needs a reason). Findings: some closed on time,
    # some late, some still open past their deadline.
    made = await rate_demo_groups([2023, 2024, 2025], today=dt.date(2026, 11, 28))
    assert made == await Finding.count() > 30
    assert await Inspection.count() == 4
    assert await InspectionRating.count() == 4 * 30 * 4
    assert await EffectivenessRating.count() == 0
    rows, counts = await list_findings(FindingFilter(), None, end_of_day(dt.date(2026, 11, 28)))
    assert counts["closed"] + counts["ongoing"] > counts["overdue"] > 0
    assert any(r["completed_late"] for r in rows) and any(not r["completed_late"] for r in rows)
    files = list(tmp_path.rglob("*"))
    assert any(f.is_file() and f.read_bytes().startswith(b"%PDF-") for f in files)
    # The deliverables are Chinese PDFs that read like one: issuer, title as named, sections.
    from pypdf import PdfReader

    from backend.db.tables import SubmissionFile

    store = FileStore(tmp_path)
    shown = await SubmissionFile.select().where(SubmissionFile.original_name.like("%实施方案%"))
    assert shown
    for row in shown[:3]:
        with store.open(row["sha256"]) as handle:
            pdf = PdfReader(handle)
            text = pdf.pages[0].extract_text()
            title = row["original_name"].removesuffix(".pdf")
            assert title in text.replace("\n", "")
            assert "包头市××集团有限公司" in text and "一、总体要求" in text and "虚构" in text
            assert pdf.metadata is not None and pdf.metadata.title == f"包头市××集团有限公司{title}"


async def test_migrations_describe_every_column_of_the_tables() -> None:
    """Tests build tables directly; this fails when a table changes without a migration."""
    app_config = Finder().get_app_config("hegui")
    managers = await BaseMigrationManager().get_migration_managers(app_config=app_config)
    migrated = {
        t.class_name: {c._meta.db_column_name for c in t.columns}
        for t in SchemaSnapshot(managers).get_snapshot()
    }
    declared = {
        t.__name__: {c._meta.db_column_name for c in t._meta.non_default_columns}
        for t in ALL_TABLES
    }
    assert migrated == declared
