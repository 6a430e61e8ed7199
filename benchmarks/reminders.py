"""Benchmark of the reminder scan (backend/domain/reminders/scan.py) at 1,000 and 10,000
enterprises.

    .venv/bin/python benchmarks/reminders.py [--sizes 250,2500] [--subsidiaries-per-group 3]
        [--repeat 5] [--database-url URL] [--as-of 2025-12-30] [--no-readme]

Generates the roster and reporting history as benchmarks/board.py does (its `generate` and
`reset_schema` are reused), with two enterprise accounts per group (one with an e-mail address,
so each reminder also queues an outbox e-mail) and two 整改台账 findings per group (one due in
five working days, one overdue) and SMTP configured (never contacted: the scan
only queues). Then, per size:

- the first scan as of `--as-of`: every current step written (ledger, messages, outbox), timed
  once per repeat after emptying the three tables, median;
- the hourly repeat scan: nothing new, median of `--repeat` runs;

each with the number of SQL statements. Appends the figures to benchmarks/README.md.
SQLite lives in a temporary folder; with --database-url the tables of that database are DROPPED.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from board import (
    ROOT,
    QueryCounter,
    generate,
    machine_facts,
    reset_schema,
    setup_env,
)

README = ROOT / "benchmarks" / "README.md"
SECTION = "## Reminder scan (benchmarks/reminders.py)"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="250,2500", help="groups per run (×4 = enterprises)")
    p.add_argument("--subsidiaries-per-group", type=int, default=3)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--database-url", default="")
    p.add_argument("--as-of", default="2025-12-30", help="scan instant's day (09:00 Shanghai)")
    p.add_argument("--no-readme", action="store_true")
    return p.parse_args(argv)


async def insert_chunks(table: Any, rows: list[Any]) -> None:
    """Piccolo objects in statements of 500 rows (a few thousand accounts and findings)."""
    for start in range(0, len(rows), 500):
        await table.insert(*rows[start : start + 500])


async def add_accounts() -> int:
    from backend.db.tables import Account, Enterprise

    groups = await Enterprise.select(Enterprise.id).where(Enterprise.parent.is_null())
    rows: list[Any] = []
    for g in groups:
        for n, role in enumerate(("enterprise_admin", "enterprise_user")):
            rows.append(
                Account(
                    username=f"e{g['id']}_{n}",
                    role=role,
                    enterprise=g["id"],
                    email=f"e{g['id']}@example.cn" if n == 0 else "",
                    must_change_password=False,
                )
            )
    await insert_chunks(Account, rows)
    return len(rows)


async def add_findings(as_of: dt.date) -> int:
    """Two 整改台账 findings per group: one due in five working days (a reminder before its
    deadline) and one overdue since a month (overdue notices), each with its history."""
    from backend.db.tables import Enterprise, Finding, FindingEvent
    from backend.lib.timeutil import TZ
    from backend.rules.workdays import add_workdays

    raised = dt.datetime(as_of.year, as_of.month, as_of.day, 9, tzinfo=TZ) - dt.timedelta(days=60)
    groups = await Enterprise.select(Enterprise.id).where(Enterprise.parent.is_null())
    deadlines = (add_workdays(as_of, 5), as_of - dt.timedelta(days=30))
    rows = [
        Finding(source="sasac_supervision", enterprise=g["id"], group_id=g["id"],
                description="合同审查流程未嵌入签约环节（基准测试）", severity="general",
                rectification_type="deadline", deadline=deadline, raised_at=raised)
        for deadline in deadlines
        for g in groups
    ]  # fmt: skip
    ids: list[int] = []
    for start in range(0, len(rows), 500):
        made = await Finding.insert(*rows[start : start + 500]).returning(Finding.id)
        ids += [r["id"] for r in made]
    await insert_chunks(
        FindingEvent, [FindingEvent(finding=i, kind="raised", happened_at=raised) for i in ids]
    )
    return len(rows)


async def empty_ledger() -> None:
    from backend.db.tables import MailOutbox, Notification, ReminderLog

    await ReminderLog.delete(force=True)
    await MailOutbox.delete(force=True)
    await Notification.delete(force=True)


async def timed(counter: QueryCounter, run: Any) -> tuple[float, int, Any]:
    counter.reset()
    started = time.perf_counter()
    result = await run()
    return time.perf_counter() - started, counter.count, result


async def run_size(groups: int, args: argparse.Namespace, counter: QueryCounter) -> dict:
    from backend.db.tables import MailOutbox, ReminderLog
    from backend.domain.programmes.loader import load_all_programmes
    from backend.domain.reminders.scan import run_scan
    from backend.lib.timeutil import TZ

    as_of_day = dt.date.fromisoformat(args.as_of)
    await reset_schema()
    await load_all_programmes(ROOT / "seed")
    data = await generate(groups, args.subsidiaries_per_group, as_of_day)
    data["accounts"] = await add_accounts()
    data["findings"] = await add_findings(as_of_day)
    moment = dt.datetime(as_of_day.year, as_of_day.month, as_of_day.day, 9, tzinfo=TZ)
    first: list[float] = []
    first_statements = 0
    for _ in range(args.repeat):
        await empty_ledger()
        seconds, statements, result = await timed(counter, lambda: run_scan(moment))
        first.append(seconds)
        first_statements = statements
    ledger, outbox = await ReminderLog.count(), await MailOutbox.count()
    repeat: list[float] = []
    repeat_statements = 0
    for _ in range(args.repeat):
        seconds, repeat_statements, again = await timed(counter, lambda: run_scan(moment))
        assert not again.sent, "a repeated scan sent something"
        repeat.append(seconds)
    print(f"{data['enterprises']} enterprises: first {statistics.median(first):.2f} s "
          f"({first_statements} statements), repeat {statistics.median(repeat):.2f} s "
          f"({repeat_statements} statements); ledger {ledger}, outbox {outbox}")  # fmt: skip
    return {
        "data": data,
        "steps": len(result.sent),
        "messages": result.messages,
        "ledger": ledger,
        "outbox": outbox,
        "first_s": round(statistics.median(first), 3),
        "first_statements": first_statements,
        "repeat_s": round(statistics.median(repeat), 3),
        "repeat_statements": repeat_statements,
    }


async def main_async(args: argparse.Namespace) -> dict:
    from piccolo.engine import engine_finder

    from backend.db.lifespan import db_lifespan

    async with db_lifespan():
        machine = await machine_facts()
        counter = QueryCounter(engine_finder())
        counter.install()
        try:
            results = [await run_size(int(g), args, counter) for g in args.sizes.split(",") if g]
        finally:
            counter.uninstall()
    return {"machine": machine, "results": results, "args": vars(args)}


def markdown(report: dict) -> str:
    m = report["machine"]
    engine = "PostgreSQL " + m.get("postgresql", "") if m["engine"] == "postgresql" else "SQLite"
    lines = [
        f"### {engine} — {m['date_utc']}",
        "",
        f"Commit {m['commit']}; {m['cpu']}, {m['cpus']} CPUs, {m['memory_gib']} GiB; "
        f"Python {m['python']}; load average at start {m['load_average_at_start']}. "
        f"Scan as of {report['args']['as_of']} 09:00; two enterprise accounts per group (one "
        f"with an e-mail address); median of {report['args']['repeat']} runs.",
        "",
        "| enterprises | reporting cells | steps sent | messages | outbox e-mails "
        "| first scan s | statements | repeat scan s | statements |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        d = r["data"]
        lines.append(
            f"| {d['enterprises']:,} | {d['reporting_cells']:,} | {r['steps']:,} "
            f"| {r['messages']:,} | {r['outbox']:,} | {r['first_s']} | {r['first_statements']:,} "
            f"| {r['repeat_s']} | {r['repeat_statements']:,} |"
        )
    lines.append("")
    return "\n".join(lines)


def append_readme(text: str) -> None:
    current = README.read_text(encoding="utf-8") if README.exists() else ""
    if SECTION not in current:
        text = (
            f"\n{SECTION}\n\n`.venv/bin/python benchmarks/reminders.py` — a full reminder scan "
            "(ledger, in-app messages, outbox e-mails) and the hourly repeat that finds nothing "
            "new, at 1,000 and 10,000 enterprises: median time and SQL statements.\n\n" + text
        )
    README.write_text(current.rstrip("\n") + "\n\n" + text.lstrip("\n"), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    # SMTP "configured" so the outbox is written as in production; nothing connects to it.
    os.environ.update({"SMTP_HOST": "127.0.0.1", "SMTP_FROM": "hegui@example.cn"})
    var_dir = setup_env(args)
    try:
        report = asyncio.run(main_async(args))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    text = markdown(report)
    print(text)
    if not args.no_readme:
        append_readme(text)
        print(f"Appended to {README}")


if __name__ == "__main__":
    main()
