"""Benchmark of the 工作台's JSON endpoints at 1,000 enterprises.

    .venv/bin/python benchmarks/dashboard.py [--groups 250] [--subsidiaries-per-group 3]
        [--repeat 15] [--database-url URL] [--as-of 2026-11-28] [--no-readme]

Generates the roster and reporting history exactly as benchmarks/board.py does (its `generate`
and `reset_schema` are reused), at N/10 and at N groups, then times in-process, through httpx's
ASGI transport, GET /api/v1/dashboard/overview (as a SASAC reviewer), /review (the same) and
/enterprise (as an enterprise administrator of one group): median / p90 / min of `--repeat`
timed requests after one warm-up, the response size and the SQL statements per request (which
must not grow with the roster). The overview is cached per app under the board's data version,
so repeated requests are cache hits; `overview()` is also timed directly (no cache, no HTTP), as
after any change of data. Appends the results to benchmarks/README.md under
"## 工作台 (benchmarks/dashboard.py)". SQLite lives in a temporary folder; with --database-url
the tables of that database are DROPPED.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from board import (
    ROOT,
    UPGRADED,
    QueryCounter,
    app_client,
    engine_name,
    generate,
    machine_facts,
    reset_schema,
    setup_env,
    summarise,
)

README = ROOT / "benchmarks" / "README.md"
SECTION = "## 工作台 (benchmarks/dashboard.py)"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--groups", type=int, default=250, help="default 250 = 1,000 enterprises")
    p.add_argument("--subsidiaries-per-group", type=int, default=3)
    p.add_argument("--repeat", type=int, default=15)
    p.add_argument("--database-url", default="", help="postgresql://… (tables are dropped!)")
    p.add_argument("--as-of", default="2026-11-28")
    p.add_argument("--no-readme", action="store_true", help="print only; leave README alone")
    return p.parse_args(argv)


async def enterprise_token() -> str:
    """An enterprise administrator of the first group, with an API token."""
    from backend.db.tables import Account, Enterprise
    from backend.domain.accounts.service import create_token
    from backend.security.audit import SYSTEM

    group = await Enterprise.select(Enterprise.id).where(Enterprise.parent.is_null()).first()
    rows = await Account.insert(
        Account(
            username="bench_ent",
            role="enterprise_admin",
            enterprise=group["id"],
            must_change_password=False,
        )
    ).returning(Account.id)
    return await create_token(SYSTEM, rows[0]["id"], "benchmark")


async def timed(client: Any, counter: QueryCounter, url: str, repeat: int, headers: dict) -> dict:
    counter.reset()
    warm = await client.get(url, headers=headers)
    if warm.status_code != 200:
        raise RuntimeError(f"{url}: {warm.status_code} {warm.text[:300]}")
    statements = counter.count
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = await client.get(url, headers=headers)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    return {**summarise(samples), "bytes": len(warm.content), "statements": statements}


async def run_size(args: argparse.Namespace, groups: int, counter: QueryCounter) -> dict:
    from backend.domain.programmes.loader import load_all_programmes

    as_of = dt.date.fromisoformat(args.as_of)
    counter.uninstall()
    await reset_schema()
    await load_all_programmes(ROOT / "seed")
    data = await generate(groups, args.subsidiaries_per_group, as_of)
    print(f"\n[{groups} groups] generated in {data['generation_s']} s")
    token = await enterprise_token()
    counter.install()
    results: dict[str, Any] = {}
    async with app_client() as client:
        enterprise = {"Authorization": f"Bearer {token}"}
        for name, url, headers in (
            ("overview", f"/api/v1/dashboard/overview?as_of={args.as_of}", {}),
            ("review", "/api/v1/dashboard/review", {}),
            ("enterprise", f"/api/v1/dashboard/enterprise?as_of={args.as_of}", enterprise),
        ):
            results[name] = r = await timed(client, counter, url, args.repeat, headers)
            print(
                f"  {name:<11} median {r['median_ms']:>8.1f} ms  p90 {r['p90_ms']:>8.1f}"
                f"  min {r['min_ms']:>8.1f}  {r['bytes']:>8,} B  statements {r['statements']}"
            )
    results["overview (computed, no cache)"] = await uncached(as_of, args.repeat, counter)
    r = results["overview (computed, no cache)"]
    print(f"  overview computed without the cache: median {r['median_ms']} ms")
    return {"groups": groups, "enterprises": data.get("enterprises"), "http": results}


async def uncached(as_of: dt.date, repeat: int, counter: QueryCounter) -> dict:
    """`overview()` itself: what a request costs when the data changed since the last one."""
    from backend.domain.dashboard.service import overview

    counter.reset()
    await overview(as_of, 5, None)
    statements = counter.count
    samples = []
    for _ in range(max(3, repeat // 3)):
        started = time.perf_counter()
        await overview(as_of, 5, None)
        samples.append(time.perf_counter() - started)
    return {**summarise(samples), "bytes": 0, "statements": statements}


def markdown(machine: dict, args: argparse.Namespace, sizes: list[dict]) -> str:
    engine = (
        "PostgreSQL " + machine.get("postgresql", "")
        if machine["engine"] == "postgresql"
        else "SQLite"
    )
    lines = [
        f"### {engine} — {machine['date_utc']}",
        "",
        f"Commit {machine['commit']}; {machine['cpu']}, {machine['cpus']} CPUs, "
        f"{machine['memory_gib']} GiB; Python {machine['python']}; load average at start "
        f"{machine['load_average_at_start']}; as of {args.as_of}; {args.repeat} timed requests "
        "after one warm-up. Command: `.venv/bin/python benchmarks/dashboard.py"
        + (" --database-url …" if machine["engine"] == "postgresql" else "")
        + "`.",
        "",
        "| groups (enterprises) | endpoint | median ms | p90 ms | bytes | SQL statements |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        for name, r in size["http"].items():
            endpoint = (
                f"`/api/v1/dashboard/{name}`" if "/" not in name and " " not in name else name
            )
            size_text = f"{r['bytes']:,}" if r["bytes"] else "—"
            lines.append(
                f"| {size['groups']} ({size['enterprises']}) | {endpoint} | "
                f"{r['median_ms']} | {r['p90_ms']} | {size_text} | {r['statements']} |"
            )
    return "\n".join(lines) + "\n"


def append_to_readme(text: str) -> None:
    current = README.read_text()
    if SECTION not in current:
        current = current.rstrip("\n") + "\n\n" + SECTION + "\n\n"
        current += (
            "The three JSON endpoints of the 工作台 at N/10 and N groups (the roster and history "
            "of `benchmarks/board.py`). The statement count is the same at both sizes: the "
            "overview reads the programme, its obligations, the roster, the board's facts and "
            "the year's scores; the monthly on-time series comes from the same facts in one "
            "pass.\n\n"
        )
    README.write_text(current.rstrip("\n") + "\n\n" + text)


async def main_async(args: argparse.Namespace) -> tuple[dict, list[dict]]:
    from piccolo.engine import engine_finder

    from backend.db.lifespan import db_lifespan

    logging.getLogger("httpx").setLevel(logging.WARNING)
    engine = engine_finder()
    assert engine is not None
    counter = QueryCounter(engine)
    sizes = sorted({max(UPGRADED, args.groups // 10), args.groups})
    async with db_lifespan():
        machine = await machine_facts()
        print(f"工作台 benchmark on {engine_name()}: {machine['cpu']}, {machine['cpus']} CPUs")
        results = [await run_size(args, n, counter) for n in sizes]
        counter.uninstall()
    return machine, results


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    var_dir = setup_env(args)
    # The hourly reminder scan would run at start-up inside the app and its statements would be
    # counted against the first request measured.
    os.environ["HEGUI_REMINDER_SCAN"] = "0"
    try:
        machine, sizes = asyncio.run(main_async(args))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    text = markdown(machine, args, sizes)
    print()
    print(text)
    if not args.no_readme:
        append_to_readme(text)
        print(f"Appended to {README}")


if __name__ == "__main__":
    main()
