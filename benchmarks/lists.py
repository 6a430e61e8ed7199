"""Benchmark of the three-lists import: a 2,000-row workbook read, validated, checked, stored.

    .venv/bin/python benchmarks/lists.py [--risks 1600] [--posts 200] [--nodes 200]
        [--repeat 5] [--database-url URL] [--no-readme]

Writes one workbook (xlsxwriter) with the given rows, then times, median of `--repeat` runs:
reading every sheet (python-calamine), validating every cell (`parse_workbook`), the six checks,
and the whole import as the API runs it (`import_lists`: read + validate + check + one write
transaction storing a new version and its items). Peak memory: the tracemalloc peak of one
separate traced import (Python allocations), and the process's ru_maxrss afterwards.
Appends the results to benchmarks/README.md under "## Three lists (benchmarks/lists.py)".
SQLite lives in a temporary folder; with --database-url the tables of that database are DROPPED.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from board import ROOT, machine_facts, reset_schema, setup_env
from export import maxrss_mib

README = ROOT / "benchmarks" / "README.md"
SECTION = "## Three lists (benchmarks/lists.py)"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--risks", type=int, default=1600)
    p.add_argument("--posts", type=int, default=200)
    p.add_argument("--nodes", type=int, default=200)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--database-url", default="", help="postgresql://… (tables are dropped!)")
    p.add_argument("--no-readme", action="store_true", help="print only; leave README alone")
    return p.parse_args(argv)


def build_workbook(risks: int, posts: int, nodes: int) -> bytes:
    """Lists that pass every check, with long-ish Chinese texts in every text column."""
    import xlsxwriter

    from backend.domain.lists.vocabulary import load_vocabulary
    from backend.rules.lists.columns import COLUMNS, INFO_FIELDS
    from backend.rules.lists.model import ReviewMatter, Sheet

    vocab = load_vocabulary()
    domains = [d for d in vocab.domains if d != "域外业务"]
    text = "依据公司制度和相关法律法规开展业务，严格履行审批程序并留存记录"
    rows: dict[Sheet, list[dict[str, Any]]] = {
        Sheet.RISK: [
            {"seq": i + 1, "domain": domains[i % len(domains)], "activity": f"业务事项{i}",
             "risk_point": f"风险点{i}：{text[:12]}", "description": text, "basis": text,
             "consequences": "经济损失、声誉损失", "likelihood": 1 + i % 5,
             "impact": 1 + (i // 5) % 5,
             "measures": text, "plan": text[:10], "dept": f"部门{i % 12}", "position": "主管岗",
             "link": vocab.links[i % 3], "alert": "是" if i % 4 == 0 else "否", "scope": "本级",
             "updated_on": "2024-12-20"}
            for i in range(risks)
        ],
        Sheet.POSITION: [
            {"seq": i + 1, "dept": f"部门{i % 12}", "position": f"岗位{i}",
             "category": "决策管理人员" if i == 0 else "重要风险岗位人员", "duties": text,
             "domains": "、".join(domains[i % 10 : i % 10 + 3]),
             "risk_refs": "、".join(str(1 + (i * 7 + k) % risks) for k in range(3)),
             "compliance_duties": text, "basis": text, "headcount": 1 + i % 4}
            for i in range(posts)
        ],
        Sheet.PROCESS: [
            {"seq": i + 1, "link": vocab.links[i % 3], "process": f"流程{i}", "node": f"节点{i}",
             "key_matter": text[:10], "risk_refs": str(1 + i % risks), "controls": text,
             "review_required": "是" if i < 8 else "否",
             "review_matter": list(ReviewMatter)[i % 4].label if i < 8 else "",
             "owner_dept": f"部门{i % 12}", "output": "审查意见", "in_system": "是"}
            for i in range(nodes)
        ],
    }  # fmt: skip
    info = {"审定机构": "合规委员会", "审定日期": "2023-12-20", "施行日期": "2023-12-25",
            "是否有境外业务": "否"}  # fmt: skip
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(Sheet.INFO.label)
    sheet.write_row(0, 0, ("项目", "内容"))
    for n, field_ in enumerate(INFO_FIELDS, start=1):
        sheet.write_row(n, 0, (field_.header, info[field_.header]))
    for kind, columns in COLUMNS.items():
        sheet = book.add_worksheet(kind.label)
        sheet.write_row(0, 0, [c.header for c in columns])
        for n, row in enumerate(rows.get(kind, []), start=1):
            sheet.write_row(n, 0, [row.get(c.key, "") for c in columns])
    book.close()
    return out.getvalue()


async def main_async(args: argparse.Namespace, var_dir: Path) -> dict[str, Any]:
    from backend.db.lifespan import db_lifespan
    from backend.db.tables import Enterprise, ListVersion
    from backend.domain.lists.service import check_lists, import_lists, read_cells
    from backend.domain.lists.vocabulary import load_vocabulary
    from backend.domain.programmes.loader import load_all_programmes
    from backend.rules.lists.parse import parse_workbook
    from backend.security.audit import SYSTEM
    from backend.settings import get_settings
    from backend.storage import FileStore

    data = build_workbook(args.risks, args.posts, args.nodes)
    path = var_dir / "lists.xlsx"
    async with db_lifespan():
        await reset_schema()
        await load_all_programmes(ROOT / "seed")
        rows = await Enterprise.insert(
            Enterprise(name="基准测试集团（示例）", credit_code="91150200MA0000001X", path="/1/")
        ).returning(Enterprise.id)
        enterprise = rows[0]["id"]
        store = FileStore(get_settings().storage_dir)
        vocab = load_vocabulary()
        timings: dict[str, list[float]] = {"read": [], "parse": [], "checks": [], "import": []}
        parsed = None
        for _ in range(args.repeat):
            start = time.perf_counter()
            cells = read_cells(_write(path, data))
            timings["read"].append(time.perf_counter() - start)
            start = time.perf_counter()
            parsed = parse_workbook(cells, vocab)
            timings["parse"].append(time.perf_counter() - start)
            assert not parsed.errors, parsed.errors[:3]
            start = time.perf_counter()
            results = check_lists(parsed.lists, dt.date(2025, 1, 10))
            timings["checks"].append(time.perf_counter() - start)
            assert {r.result.value for r in results} == {"pass"}, results
            start = time.perf_counter()
            outcome = await import_lists(
                enterprise, _write(path, data), source_name="lists.xlsx",
                sha256="0" * 64, actor=SYSTEM, scope=None, store=store,
            )  # fmt: skip
            timings["import"].append(time.perf_counter() - start)
            assert outcome.version and not outcome.errors
        tracemalloc.start()
        await import_lists(
            enterprise, _write(path, data), source_name="lists.xlsx", sha256="0" * 64,
            actor=SYSTEM, scope=None, store=store,
        )  # fmt: skip
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        facts = await machine_facts()
        versions = await ListVersion.count()
    assert parsed is not None
    return {
        "facts": facts,
        "rows": args.risks + args.posts + args.nodes,
        "sizes": (args.risks, args.posts, args.nodes),
        "file_kib": round(len(data) / 1024),
        "median_s": {k: round(statistics.median(v), 3) for k, v in timings.items()},
        "peak_mib": round(peak / 1024 / 1024, 1),
        "maxrss_mib": maxrss_mib(),
        "versions": versions,
        "repeat": args.repeat,
    }


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)  # import_lists moves the file into the store: write it again
    return path


def markdown(r: dict[str, Any]) -> str:
    f = r["facts"]
    engine = "PostgreSQL " + f.get("postgresql", "") if "postgresql" in f else "SQLite"
    m = r["median_s"]
    risks, posts, nodes = r["sizes"]
    return (
        f"### {engine} — {f['date_utc']}\n\n"
        f"Commit {f['commit']}; {f['cpu']}, {f['cpus']} CPUs, {f['memory_gib']} GiB; Python "
        f"{f['python']}; load average at start {f['load_average_at_start']}. A workbook of "
        f"{r['rows']:,} rows ({risks:,} risks, {posts:,} positions, {nodes:,} process nodes; "
        f"{r['file_kib']:,} KiB); median of {r['repeat']} runs; each import stores a new version "
        f"({r['versions']} stored in all).\n\n"
        "| stage | median s |\n|---|---:|\n"
        f"| read every sheet (python-calamine) | {m['read']} |\n"
        f"| validate every cell (`parse_workbook`) | {m['parse']} |\n"
        f"| the six checks | {m['checks']} |\n"
        f"| whole import (read + validate + check + store) | {m['import']} |\n\n"
        f"Peak Python memory of one import (tracemalloc): {r['peak_mib']} MiB; ru_maxrss after: "
        f"{r['maxrss_mib']} MiB.\n"
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    var_dir = setup_env(args)
    report = asyncio.run(main_async(args, var_dir))
    text = markdown(report)
    print(text)
    if not args.no_readme:
        current = README.read_text(encoding="utf-8") if README.exists() else ""
        if SECTION not in current:
            current = current.rstrip("\n") + (
                f"\n\n{SECTION}\n\n`.venv/bin/python benchmarks/lists.py` — import and checks of a "
                "2,000-row three-lists workbook: time per stage and peak memory.\n"
            )
        README.write_text(current.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        print(f"Appended to {README}")


if __name__ == "__main__":
    main()
