"""Benchmark of the two xlsx exports (考核评分表, 进度台账) at 1,000 enterprises.

    .venv/bin/python benchmarks/export.py [--groups 250] [--subsidiaries-per-group 3]
        [--repeat 3] [--database-url URL] [--as-of 2026-11-28] [--no-readme]

Generates the roster and reporting history exactly as benchmarks/board.py does (its `generate`
and `reset_schema` are reused), then, for each export, times `build_file()` end to end (data
from the database + the workbook written in constant-memory mode), median of `--repeat` runs,
and the workbook writing alone from data already in memory. Peak memory: the tracemalloc peak
of one separate traced run (Python allocations, both stages), and the process's ru_maxrss.
Appends the results to benchmarks/README.md under "## Exports (benchmarks/export.py)".
SQLite lives in a temporary folder; with --database-url the tables of that database are DROPPED.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from board import ROOT, generate, machine_facts, reset_schema, setup_env

README = ROOT / "benchmarks" / "README.md"
SECTION = "## Exports (benchmarks/export.py)"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--groups", type=int, default=250, help="default 250 = 1,000 enterprises")
    p.add_argument("--subsidiaries-per-group", type=int, default=3)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--database-url", default="", help="postgresql://… (tables are dropped!)")
    p.add_argument("--as-of", default="2026-11-28")
    p.add_argument("--no-readme", action="store_true", help="print only; leave README alone")
    return p.parse_args(argv)


def maxrss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


async def prepared(kind: str, params: dict[str, Any], path: Path) -> functools.partial[int]:
    """The data loaded, and the builder ready to write: to time the writing alone."""
    from backend.domain.board.service import BoardQuery, build_board
    from backend.domain.exports.board_sheet import build_board_sheet
    from backend.domain.exports.sheets import build_assessment
    from backend.domain.scores.service import compute_scores, current_programme
    from backend.settings import get_settings

    as_of = dt.date.fromisoformat(params["as_of"])
    if kind == "assessment":
        programme = await current_programme(None) or {}
        scores = await compute_scores(params["year"], as_of)
        return functools.partial(build_assessment, path, title="考核评分表",
                                 doc_no=programme.get("doc_no", ""), year=params["year"],
                                 as_of=as_of, scores=scores)  # fmt: skip
    board = await build_board(BoardQuery(as_of=as_of), get_settings().due_soon_workdays)
    return functools.partial(build_board_sheet, path, board=board)


async def measure(kind: str, params: dict[str, Any], repeat: int, out_dir: Path) -> dict:
    from backend.domain.exports.service import build_file

    path = out_dir / f"{kind}.xlsx"
    totals, writes, rows = [], [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = await build_file(kind, params, path)
        totals.append(time.perf_counter() - started)
    for _ in range(repeat):
        build = await prepared(kind, params, path)
        started = time.perf_counter()
        build()
        writes.append(time.perf_counter() - started)
    tracemalloc.start()
    await build_file(kind, params, path)
    traced_total = tracemalloc.get_traced_memory()[1]
    build = await prepared(kind, params, path)
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    build()
    traced_write = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return {
        "kind": kind,
        "rows": rows,
        "bytes": path.stat().st_size,
        "total_s": round(statistics.median(totals), 3),
        "write_s": round(statistics.median(writes), 3),
        "peak_total_mib": round(traced_total / 2**20, 1),
        "peak_write_mib": round(traced_write / 2**20, 1),
        "maxrss_mib": maxrss_mib(),
    }


async def main_async(args: argparse.Namespace, out_dir: Path) -> dict:
    from backend.db.lifespan import db_lifespan
    from backend.domain.programmes.loader import load_all_programmes

    as_of = dt.date.fromisoformat(args.as_of)
    async with db_lifespan():
        machine = await machine_facts()
        await reset_schema()
        await load_all_programmes(ROOT / "seed")
        data = await generate(args.groups, args.subsidiaries_per_group, as_of)
        print(f"generated: {data}")
        rss_before = maxrss_mib()
        year = min(as_of.year, 2025)
        results = [
            await measure("assessment", {"as_of": args.as_of, "year": year, "programme_id": None},
                          args.repeat, out_dir),
            await measure("board", {"as_of": args.as_of, "year": None, "programme_id": None},
                          args.repeat, out_dir),
        ]  # fmt: skip
    return {"machine": machine, "data": data, "rss_before_mib": rss_before, "results": results,
            "args": {"repeat": args.repeat, "as_of": args.as_of, "year": year}}  # fmt: skip


def markdown(report: dict) -> str:
    m, d = report["machine"], report["data"]
    engine = "PostgreSQL " + m.get("postgresql", "") if m["engine"] == "postgresql" else "SQLite"
    labels = {
        "assessment": "考核评分表 (one row per group)",
        "board": "进度台账 (every enterprise)",
    }
    lines = [
        f"### {engine} — {m['date_utc']}",
        "",
        f"Commit {m['commit']}; {m['cpu']}, {m['cpus']} CPUs, {m['memory_gib']} GiB; "
        f"Python {m['python']}; load average at start {m['load_average_at_start']}. "
        f"{d['enterprises']:,} enterprises ({d['groups']:,} groups), {d['submissions']:,} "
        f"submissions, {d['versions']:,} versions, {d['reviews']:,} reviews; as of "
        f"{report['args']['as_of']} (assessment year {report['args']['year']}); median of "
        f"{report['args']['repeat']} runs. xlsxwriter in constant-memory mode.",
        "",
        "| Export | rows | file KiB | end to end s | writing only s "
        "| tracemalloc peak MiB (end to end / writing) | ru_maxrss MiB after |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        lines.append(
            f"| {labels[r['kind']]} | {r['rows']:,} | {r['bytes'] / 1024:,.0f} | {r['total_s']} "
            f"| {r['write_s']} | {r['peak_total_mib']} / {r['peak_write_mib']} "
            f"| {r['maxrss_mib']} |"
        )
    lines += [
        "",
        f"ru_maxrss after generating the data, before the exports: {report['rss_before_mib']} MiB "
        "(ru_maxrss only grows: the column is the process's high-water mark so far).",
        "",
    ]
    return "\n".join(lines)


def append_readme(text: str) -> None:
    current = README.read_text(encoding="utf-8") if README.exists() else ""
    if SECTION not in current:
        text = (
            f"\n{SECTION}\n\n`.venv/bin/python benchmarks/export.py` — both exports at 1,000 "
            "enterprises: time (data loading + writing, and writing alone) and peak memory.\n\n"
            + text
        )
    README.write_text(current.rstrip("\n") + "\n\n" + text.lstrip("\n"), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    var_dir = setup_env(args)
    out_dir = Path(tempfile.mkdtemp(prefix="hegui-export-bench-"))
    try:
        report = asyncio.run(main_async(args, out_dir))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
        shutil.rmtree(out_dir, ignore_errors=True)
    text = markdown(report)
    print(text)
    if not args.no_readme:
        append_readme(text)
        print(f"Appended to {README}")


if __name__ == "__main__":
    main()
