"""Benchmark of the progress board (GET /api/v1/board and GET /board) at a realistic scale.

    .venv/bin/python benchmarks/board.py [--groups 1000] [--subsidiaries-per-group 3]
        [--repeat 15] [--database-url URL] [--as-of 2026-11-28] [--out benchmarks/out/board.json]

Generates N top-level groups (7 of them under upgraded management) with their subsidiaries on
two levels, and a reporting history for every reporting enterprise × obligation (versions,
returns and resubmissions, approvals, a few exemptions and extensions), cut at the as-of date.
Then it measures, in-process through httpx's ASGI transport, the board API and the board page:
median / p90 / min of `--repeat` timed requests after one warm-up, the response size and the
number of SQL statements per request. It does so at N/10 and at N groups, to show whether the
query count grows with the roster. It also times `build_board()` called directly, and its
stages, to separate the server's computation from HTTP, JSON and HTML rendering.

The environment (HEGUI_VAR_DIR, DATABASE_URL) is set before `backend` is imported: settings are
cached and Piccolo picks its engine on first use. SQLite lives in a temporary folder that is
removed at the end; with --database-url the tables of that database are DROPPED and recreated,
so never point it at a database that matters (make one: `createdb -h 127.0.0.1 -U postgres bench`).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import logging
import math
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
UPGRADED = 7
SEED = 2026


# ---------------------------------------------------------------------------------------------
# Command line and environment


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--groups", type=int, default=250, help="top-level groups (default 250 = 1,000 enterprises)"
    )
    p.add_argument("--subsidiaries-per-group", type=int, default=3, help="default 3")
    p.add_argument("--repeat", type=int, default=15, help="timed requests per scenario")
    p.add_argument("--database-url", default="", help="postgresql://… (tables are dropped!)")
    p.add_argument("--as-of", default="2026-11-28", help="board date; history is cut there")
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "out" / "board.json"))
    p.add_argument(
        "--no-scaling", action="store_true", help="measure only N groups, not N/10 as well"
    )
    p.add_argument(
        "--profile",
        action="store_true",
        help="also write pyinstrument profiles of one full-board request (needs pyinstrument)",
    )
    args = p.parse_args(argv)
    if args.groups < UPGRADED:
        p.error(f"--groups must be at least {UPGRADED}")
    if args.subsidiaries_per_group < 0:
        p.error("--subsidiaries-per-group must be ≥ 0")
    if args.repeat < 1:
        p.error("--repeat must be ≥ 1")
    return args


def setup_env(args: argparse.Namespace) -> Path:
    var_dir = Path(tempfile.mkdtemp(prefix="hegui-bench-"))
    os.environ["HEGUI_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
    os.environ.pop("HEGUI_ALLOW_REMOTE", None)
    os.environ.pop("HEGUI_DEBUG", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    return var_dir


# ---------------------------------------------------------------------------------------------
# Counting SQL statements


class QueryCounter:
    """Wraps the engine's two statement entry points, `run_querystring` (every Piccolo query)
    and `run_ddl` (raw DDL). Both engines route every statement through exactly one of them
    (transactions included), so counting there counts each statement once; the lower
    `_run_in_pool` / `_run_in_new_connection` / `_run_in_existing_connection` are not wrapped.
    Piccolo's engines use __slots__, so the methods are wrapped on the engine's class, for the
    one engine instance only, and restored by `uninstall()`. Not counted: SQLite's
    `PRAGMA foreign_keys = 1`, which Piccolo sends on every connection it opens."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.count = 0
        self.statements: list[str] = []
        self._orig: dict[str, Any] = {}

    def install(self) -> None:
        cls = type(self.engine)
        for name in ("run_querystring", "run_ddl"):
            original = cls.__dict__[name]
            self._orig[name] = original
            setattr(cls, name, self._wrap(original))
        # The board's bulk reads bypass Piccolo (backend/db/fastread.py): count them too.
        from backend.db import fastread

        self._fetch = fastread.fetch_tuples
        counter, original_fetch = self, fastread.fetch_tuples

        async def counted_fetch(sql: str, *args: Any) -> Any:
            counter.count += 1
            counter.statements.append(" ".join(sql.split())[:160])
            return await original_fetch(sql, *args)

        fastread.fetch_tuples = counted_fetch
        self._numbered = fastread.fetch_numbered
        original_numbered = fastread.fetch_numbered

        async def counted_numbered(sql: str, *args: Any) -> Any:
            counter.count += 1
            counter.statements.append(" ".join(sql.split())[:160])
            return await original_numbered(sql, *args)

        fastread.fetch_numbered = counted_numbered

    def uninstall(self) -> None:
        cls = type(self.engine)
        for name, original in self._orig.items():
            setattr(cls, name, original)
        self._orig.clear()
        if getattr(self, "_fetch", None) is not None:
            from backend.db import fastread

            fastread.fetch_tuples = self._fetch
            fastread.fetch_numbered = self._numbered
            self._fetch = None

    def _wrap(self, original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        counter = self

        async def counted(engine: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            if engine is counter.engine:
                counter.count += 1
                text = query if isinstance(query, str) else str(query)
                counter.statements.append(" ".join(text.split())[:160])
            return await original(engine, query, *args, **kwargs)

        return counted

    def reset(self) -> None:
        self.count = 0
        self.statements = []


# ---------------------------------------------------------------------------------------------
# Schema and data


async def reset_schema() -> None:
    from piccolo.apps.migrations.tables import Migration
    from piccolo.table import create_db_tables, drop_db_tables

    from backend.db.tables import ALL_TABLES
    from backend.settings import get_settings

    settings = get_settings()
    if settings.is_postgres:
        await drop_db_tables(*reversed(ALL_TABLES))
        await Migration.raw("DROP TABLE IF EXISTS migration")
    else:
        settings.sqlite_path.unlink(missing_ok=True)
    await create_db_tables(*ALL_TABLES)


COLUMNS = {
    "enterprise": ("id", "name", "short_name", "credit_code", "parent", "group_id", "path", "tier",
                   "upgraded_mgmt", "has_general_counsel", "contact_name", "contact_phone",
                   "contact_email", "active", "created_at", "updated_at"),
    "exemption": ("id", "enterprise", "obligation", "kind", "reason", "extended_to", "granted_by",
                  "granted_at", "revoked_at"),
    "submission": ("id", "enterprise", "obligation", "natural_key", "latest_version",
                   "created_at"),
    "submission_version": ("id", "submission", "version_no", "natural_key", "submitted_at",
                           "submitted_by", "note", "doc_no", "doc_on", "not_secret_declared"),
    "review": ("id", "version", "reviewer", "decision", "grade", "reasons", "remark",
               "resubmit_by", "state", "created_at", "released_at"),
}  # fmt: skip


async def bulk_insert(table: str, rows: list[dict[str, Any]]) -> None:
    """Rows as tuples straight to the driver: COPY on PostgreSQL, executemany in one transaction
    on SQLite (Piccolo's adapters, registered on import, store instants as UTC text as it does).
    50,000 enterprises make about a million rows; Piccolo objects would take minutes."""
    import sqlite3

    from backend.db.fastread import get_engine
    from backend.settings import get_settings

    columns = COLUMNS[table]
    records = [tuple(r.get(c) for c in columns) for r in rows]
    if not records:
        return
    if get_settings().is_postgres:
        connection = await get_engine().get_new_connection()
        try:
            await connection.copy_records_to_table(table, records=records, columns=columns)
        finally:
            await connection.close()
        return
    db = sqlite3.connect(str(get_settings().sqlite_path), timeout=60)
    try:
        with db:
            marks = ", ".join("?" for _ in columns)
            db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", records)
    finally:
        db.close()


def _tiers(k: int) -> tuple[int, int]:
    """Subsidiaries per group on level 2 and level 3 (about two thirds directly held)."""
    n2 = round(k * 0.65) if k > 1 else k
    return n2, k - n2


async def generate(groups: int, per_group: int, as_of: dt.date, seed: int = SEED) -> dict:
    """Roster and history with explicit ids (the schema is fresh), inserted in chunks."""
    from backend.db.tables import Obligation
    from backend.domain.demo import names as N
    from backend.domain.demo.generator import _cut, _plan
    from backend.lib.timeutil import TZ, local_date
    from backend.rules.cohorts import cohort_of, reports
    from backend.rules.credit_code import CREDIT_CODE_ALPHABET, make_credit_code

    started = time.perf_counter()
    rng = random.Random(seed)
    cutoff = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=TZ)  # nothing after as_of
    created = dt.datetime(2023, 3, 1, 9, tzinfo=TZ)
    codes: set[str] = set()

    def credit_code(area: str) -> str:
        code = ""
        while not code or code in codes:
            body = "".join(rng.choices(CREDIT_CODE_ALPHABET, k=9))
            code = make_credit_code("9", "1", area, body)
        codes.add(code)
        return code

    def enterprise(eid: int, name: str, short: str, area: str, **extra: Any) -> dict[str, Any]:
        return dict(
            id=eid, name=name, short_name=short, credit_code=credit_code(area),
            contact_name=rng.choice(N.SURNAMES) + rng.choice(N.GIVEN),
            contact_phone=f"0472-{rng.randint(2, 6)}{rng.randint(0, 999_999):06d}",
            contact_email=f"hegui.bench{eid:05d}@example.cn", upgraded_mgmt=False,
            has_general_counsel=False, active=True, parent=None,
            created_at=created, updated_at=created,
        ) | extra  # fmt: skip

    # Level 1: the groups, ids 1..N; then level 2, then level 3 (as the demo loader does).
    tops: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for i in range(groups):
        _name, short, sector, area = N.GROUPS[i % len(N.GROUPS)]
        eid = i + 1
        short = f"{short}{i // len(N.GROUPS) + 1:02d}"
        name = f"包头市{short}集团有限公司（示例）"
        upgraded = i < UPGRADED
        rows.append(
            enterprise(eid, name, short, area, tier=1, group_id=eid, path=f"/{eid}/",
                       upgraded_mgmt=upgraded, has_general_counsel=rng.random() < 0.5)
        )  # fmt: skip
        lines = N.SECTOR_LINES.get(sector, ()) + N.GENERIC_LINES
        tops.append({"id": eid, "short": short, "area": area, "upgraded": upgraded,
                     "lines": rng.sample(lines, len(lines)), "children": []})  # fmt: skip
    next_id = groups + 1
    n2, n3 = _tiers(per_group)
    for top in tops:
        for j in range(n2):
            line = top["lines"][j % len(top["lines"])]
            short = f"{top['short']}{line}{'' if j < len(top['lines']) else j}"
            area = top["area"] if rng.random() < 0.7 else rng.choice(N.AREAS)
            path = f"/{top['id']}/{next_id}/"
            rows.append(
                enterprise(next_id, f"包头{short}有限公司（示例）", short, area, tier=2,
                           parent=top["id"], group_id=top["id"], path=path)
            )  # fmt: skip
            child = {"id": next_id, "short": short, "area": area, "path": path}
            top["children"].append(child)
            next_id += 1
    for top in tops:
        for j in range(n3):
            parent = top["children"][j % len(top["children"])]
            line = N.TIER3_LINES[j % len(N.TIER3_LINES)]
            short = f"{parent['short']}{line}{j // len(N.TIER3_LINES) or ''}"
            area = parent["area"] if rng.random() < 0.7 else rng.choice(N.AREAS)
            rows.append(
                enterprise(next_id, f"包头{short}有限公司（示例）", short, area, tier=3,
                           parent=parent["id"], group_id=top["id"],
                           path=f"{parent['path']}{next_id}/")
            )  # fmt: skip
            next_id += 1

    obligations = (
        await Obligation.select(Obligation.id, Obligation.applies_to, Obligation.due_on)
        .where(Obligation.active.eq(True))
        .order_by(Obligation.sort_order)
    )
    # A tenth of the groups are weak, a tenth exemplary, the rest normal (as in the demo).
    shuffled = rng.sample(tops, len(tops))
    tenth = max(1, len(tops) // 10)
    profiles = {t["id"]: "weak" for t in shuffled[:tenth]}
    profiles |= {t["id"]: "exemplary" for t in shuffled[tenth : 2 * tenth]}

    exemptions: list[dict[str, Any]] = []
    submissions: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    outcome = Counter()
    for top in tops:
        cohort = cohort_of(has_parent=False, upgraded_mgmt=top["upgraded"])
        profile = profiles.get(top["id"], "normal")
        for ob in obligations:
            if not reports(ob["applies_to"], cohort):
                continue
            outcome["cells"] += 1
            plan = _cut(_plan(rng, profile, ob["due_on"], as_of), cutoff)
            if plan.exemption:
                exemptions.append(dict(id=len(exemptions) + 1, enterprise=top["id"],
                                       obligation=ob["id"], **plan.exemption))  # fmt: skip
                # A few extensions are later revoked, so the rules see revoked facts too.
                if plan.exemption["kind"] == "extension" and rng.random() < 0.1:
                    exemptions[-1]["revoked_at"] = plan.exemption["granted_at"] + dt.timedelta(3)
            if not plan.versions:
                continue
            sid = len(submissions) + 1
            submissions.append(
                dict(id=sid, enterprise=top["id"], obligation=ob["id"],
                     natural_key=f"{top['id']}:{ob['id']}",
                     latest_version=len(plan.versions), created_at=plan.versions[0])
            )  # fmt: skip
            first_vid = len(versions) + 1
            for no, at in enumerate(plan.versions, start=1):
                versions.append(dict(
                    id=len(versions) + 1, submission=sid, version_no=no,
                    natural_key=f"{sid}:{no}", submitted_at=at, not_secret_declared=True,
                    note=rng.choice(N.RESUBMIT_NOTES if no > 1 else N.VERSION_NOTES),
                    doc_no=f"包{top['short'][:4]}发〔{at.year}〕{rng.randint(3, 160)}号",
                    doc_on=local_date(at) - dt.timedelta(days=rng.randint(0, 4)),
                ))  # fmt: skip
            for r in plan.reviews:
                r = dict(r)
                vid = first_vid + r.pop("n") - 1
                reviews.append(dict(id=len(reviews) + 1, version=vid, state="released",
                                    grade="", reasons="[]", remark="",
                                    created_at=r["released_at"]) | r)  # fmt: skip
                outcome[r["decision"]] += 1
            if not plan.reviews and rng.random() < 0.3:  # a reviewer's unreleased draft
                reviews.append(dict(id=len(reviews) + 1, version=len(versions), decision="approve",
                                    grade="good", reasons="[]", remark="", state="draft",
                                    created_at=plan.versions[-1]))  # fmt: skip
                outcome["draft"] += 1

    await bulk_insert("enterprise", rows)
    await bulk_insert("exemption", exemptions)
    await bulk_insert("submission", submissions)
    await bulk_insert("submission_version", versions)
    await bulk_insert("review", reviews)
    await after_bulk_load()
    return {
        "groups": groups,
        "subsidiaries": len(rows) - groups,
        "enterprises": len(rows),
        "reporting_cells": outcome["cells"],
        "submissions": len(submissions),
        "versions": len(versions),
        "reviews": len(reviews),
        "returns": outcome["return"],
        "draft_reviews": outcome["draft"],
        "exemptions": len(exemptions),
        "generation_s": round(time.perf_counter() - started, 2),
        "spans_rebuild_s": REBUILD.get("seconds"),
        "board_cell_spans": REBUILD.get("spans"),
    }


async def after_bulk_load() -> None:
    """PostgreSQL: move the id sequences past the explicit ids, and ANALYZE as autovacuum would
    on a live database (SQLite has no automatic ANALYZE, so none is run there). Both: the
    board's spans of the history, rebuilt in full, timed."""
    from backend.db.board_indexes import ensure_board_indexes
    from backend.db.tables import Enterprise, Exemption, Review, Submission, SubmissionVersion
    from backend.settings import get_settings

    await ensure_board_indexes()  # the migration's indexes (the schema comes from the tables)
    if get_settings().is_postgres:
        for table in (Enterprise, Submission, SubmissionVersion, Review, Exemption):
            name = table._meta.tablename
            await table.raw(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
            )
    await rebuild_board_cells()
    if get_settings().is_postgres:
        await Enterprise.raw("ANALYZE")


REBUILD: dict[str, float] = {}  # the last full rebuild of the board's spans, seconds


async def rebuild_board_cells() -> None:
    """The board's spans of the bulk-loaded history, rebuilt in full once (the migration's
    triggers mark every row a bulk load writes; one mark of everything replaces them)."""
    from backend.db.board_triggers import ensure_board_triggers
    from backend.db.tables import BoardCell, BoardCellDirty
    from backend.domain.board.cells import mark_all_cells, refresh_board_cells

    await ensure_board_triggers()
    await BoardCellDirty.raw("DELETE FROM board_cell_dirty")
    await mark_all_cells()
    started = time.perf_counter()
    await refresh_board_cells()
    REBUILD["seconds"] = round(time.perf_counter() - started, 2)
    REBUILD["spans"] = await BoardCell.count()
    print(f"  board spans rebuilt in {REBUILD['seconds']} s ({REBUILD['spans']:,} spans)")


# ---------------------------------------------------------------------------------------------
# Measuring


def summarise(samples_s: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples_s)
    p90 = ms[max(0, math.ceil(0.9 * len(ms)) - 1)]
    return {
        "median_ms": round(statistics.median(ms), 1),
        "p90_ms": round(p90, 1),
        "min_ms": round(ms[0], 1),
    }


FULL_BOARD_LIMIT = 5000  # enterprises: past this the every-row scenarios are skipped


def scenarios(as_of: str, enterprises: int) -> list[dict[str, Any]]:
    """Each timed request asks for another as-of date (`{as_of}` steps back a week each time),
    so none is answered from the board cache: "as of any date". The last two repeat one URL:
    the cache hit, and the 304 a client with the ETag gets."""
    htmx = {"HX-Request": "true", "HX-Target": "board"}
    specs = [
        {"name": "page", "label": "HTML page /board (40 groups)", "url": "/board?as_of={as_of}"},
        {
            "name": "api_page40",
            "label": "API, page_size=40",
            "url": "/api/v1/board?as_of={as_of}&page_size=40",
        },
        {
            "name": "fragment_overdue",
            "label": "htmx fragment, status=overdue",
            "url": "/board?as_of={as_of}&status=overdue",
            "headers": htmx,
        },
        {
            "name": "fragment_search",
            "label": "htmx fragment, search 钢铁",
            "url": "/board?as_of={as_of}&q=%E9%92%A2%E9%93%81",
            "headers": htmx,
        },
    ]
    if enterprises <= FULL_BOARD_LIMIT:
        specs += [
            {"name": "api_full", "label": "API, full board", "url": "/api/v1/board?as_of={as_of}"},
            {
                "name": "api_full_2024",
                "label": "API, full board, year=2024",
                "url": "/api/v1/board?as_of={as_of}&year=2024",
            },
        ]
    specs += [
        {"name": "page_repeat", "label": "HTML page, same URL again (cache hit)",
         "url": f"/board?as_of={as_of}", "fixed": True},
        {"name": "page_304", "label": "HTML page, If-None-Match (304)",
         "url": f"/board?as_of={as_of}", "fixed": True, "etag": True},
    ]  # fmt: skip
    return specs


def as_of_dates(as_of: str, n: int) -> list[str]:
    day = dt.date.fromisoformat(as_of)
    return [(day - dt.timedelta(days=7 * i)).isoformat() for i in range(n)]


async def reviewer_token() -> str:
    """Requests are made as a SASAC reviewer (sees every enterprise) with an API token."""
    from backend.db.tables import Account
    from backend.domain.accounts.service import create_token
    from backend.security.audit import SYSTEM

    existing = await Account.select(Account.id).where(Account.username == "bench").first()
    if existing is None:
        rows = await Account.insert(
            Account(username="bench", role="sasac_reviewer", must_change_password=False)
        ).returning(Account.id)
        existing = rows[0]
    return await create_token(SYSTEM, existing["id"], "benchmark")


@asynccontextmanager
async def app_client():
    """The app with its lifespan run in this event loop, as tests/conftest.py does."""
    import httpx

    from backend.app import create_app

    app = create_app()
    started, stop = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run_lifespan())
    await started.wait()
    try:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        headers = {"Authorization": f"Bearer {await reviewer_token()}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", timeout=120, headers=headers
        ) as client:
            yield client
    finally:
        stop.set()
        await task


async def measure_http(
    client: Any, counter: QueryCounter, spec: dict, repeat: int, as_of: str
) -> dict:
    headers = dict(spec.get("headers", {}))
    dates = as_of_dates(as_of, repeat + 1)
    counter.reset()
    warm = await client.get(spec["url"].format(as_of=dates[-1]), headers=headers)
    if warm.status_code != 200:
        raise SystemExit(f"{spec['url']} answered {warm.status_code}: {warm.text[:300]}")
    if spec.get("etag"):
        headers["If-None-Match"] = warm.headers["etag"]
    queries, statements = counter.count, counter.statements
    samples, counts = [], set()
    gc.collect()
    app = client._transport.app  # the in-process app: its board cache is cleared below
    for i in range(repeat):
        if not spec.get("fixed"):
            app.state.boards.clear()  # another date already misses; the page and API share keys
        counter.reset()
        url = spec["url"].format(as_of=dates[i])
        t0 = time.perf_counter()
        resp = await client.get(url, headers=headers)
        samples.append(time.perf_counter() - t0)
        counts.add(counter.count)
        assert resp.status_code == (304 if spec.get("etag") else 200), (url, resp.status_code)
    if not spec.get("fixed"):
        counts.add(queries)
    extra: dict[str, Any] = {}
    if resp.headers.get("content-type", "").startswith("application/json"):
        body = resp.json()
        extra = {"rows": len(body["rows"]), "cells": sum(len(r["cells"]) for r in body["rows"])}
    body_bytes = len(resp.content) or len(warm.content)
    return {
        "label": spec["label"],
        "url": spec["url"],
        **summarise(samples),
        "bytes": body_bytes if not spec.get("etag") else 0,
        "wire_bytes": int(resp.headers.get("content-length") or len(resp.content)),
        "content_encoding": resp.headers.get("content-encoding", ""),
        "queries": sorted(counts)[0] if len(counts) == 1 else sorted(counts),
        "statements": statements,
        **extra,
    }


async def measure_direct(
    as_of: dt.date, repeat: int, counter: QueryCounter, enterprises: int
) -> dict:
    """The board of one page computed in the database (`build_board_page`), without HTTP, each
    call on another as-of date; and, below FULL_BOARD_LIMIT, the Python path (`build_board`,
    every cell in Python, which exports keep) and its stages, each on its own."""
    import msgspec

    from backend.domain.board.api import board_to_json
    from backend.domain.board.facts import load_facts
    from backend.domain.board.paged import build_board_page
    from backend.domain.board.service import (
        BoardQuery,
        CellComputer,
        Row,
        build_board,
        build_cells,
        load_columns,
    )
    from backend.domain.programmes.service import list_programmes, pick_programme
    from backend.domain.shared.enterprises import visible_enterprises
    from backend.lib.timeutil import end_of_day
    from backend.settings import get_settings

    window = get_settings().due_soon_workdays
    days = [dt.date.fromisoformat(d) for d in as_of_dates(as_of.isoformat(), repeat + 1)]

    async def timed(fn: Callable[[], Awaitable[Any]]) -> tuple[dict, Any]:
        await fn()
        gc.collect()
        samples, result = [], None
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = await fn()
            samples.append(time.perf_counter() - t0)
        return summarise(samples), result

    turn = iter(range(10**6))

    async def page_any_date() -> Any:
        day = days[next(turn) % len(days)]
        return await build_board_page(BoardQuery(as_of=day, page_size=40), window)

    paged, _ = await timed(page_any_date)
    counter.reset()
    await build_board_page(BoardQuery(as_of=as_of, page_size=40), window)
    result: dict[str, Any] = {"build_board_page": paged, "page_queries": counter.count}
    if enterprises > FULL_BOARD_LIMIT:
        return result

    query = BoardQuery(as_of=as_of)
    instant = end_of_day(as_of)
    programme = pick_programme(await list_programmes(), None)
    assert programme is not None
    columns = await load_columns(programme["id"])
    ids = [c.id for c in columns]
    full, board = await timed(lambda: build_board(query, window))
    counter.reset()
    await build_board(query, window)
    queries = counter.count
    roster, enterprises_ = await timed(visible_enterprises)
    facts_t, facts = await timed(lambda: load_facts(ids, instant, None))

    async def cells() -> list:
        computer = CellComputer(facts, instant, window)
        return [Row(e, build_cells(e, columns, computer)) for e in enterprises_]

    cells_t, _ = await timed(cells)

    async def to_json() -> dict:
        return board_to_json(board)

    json_t, payload = await timed(to_json)

    async def encode() -> bytes:
        return msgspec.json.encode(payload)

    encode_t, _ = await timed(encode)
    return result | {
        "build_board": full,
        "queries": queries,
        "stages": {
            "visible_enterprises (SQL + sort)": roster,
            "load_facts (3 SQL + grouping)": facts_t,
            "cell statuses (build_cells)": cells_t,
            "board_to_json (dicts)": json_t,
            "msgspec encode": encode_t,
        },
        "facts": {
            "versions": sum(len(v) for v in facts.versions.values()),
            "reviews": sum(len(v) for v in facts.reviews.values()),
            "exemptions": sum(len(v) for v in facts.exemptions.values()),
        },
    }


async def profile_full(client: Any, as_of: str, out_dir: Path, tag: str) -> list[str]:
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("--profile: pyinstrument is not installed; skipped.")
        return []
    written = []
    urls = {"api_full": f"/api/v1/board?as_of={as_of}", "page": f"/board?as_of={as_of}"}
    for name, url in urls.items():
        profiler = Profiler(interval=0.0005, async_mode="enabled")
        profiler.start()
        for _ in range(3):
            await client.get(url)
        profiler.stop()
        path = out_dir / f"profile-{tag}-{name}.txt"
        path.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        written.append(str(path))
    return written


async def run_size(args: argparse.Namespace, groups: int, counter: QueryCounter) -> dict:
    from backend.domain.programmes.loader import load_all_programmes

    as_of = dt.date.fromisoformat(args.as_of)
    counter.uninstall()
    await reset_schema()
    await load_all_programmes(ROOT / "seed")
    data = await generate(groups, args.subsidiaries_per_group, as_of)
    print(
        f"\n[{groups} groups] generated in {data['generation_s']} s: "
        + ", ".join(f"{k}={v}" for k, v in data.items() if k not in ("generation_s",))
    )
    counter.install()
    results: dict[str, Any] = {}
    async with app_client() as client:
        for spec in scenarios(args.as_of, data["enterprises"]):
            r = await measure_http(client, counter, spec, args.repeat, args.as_of)
            results[spec["name"]] = r
            print(
                f"  {spec['label']:<32} median {r['median_ms']:>8.1f} ms  p90 {r['p90_ms']:>8.1f}"
                f"  min {r['min_ms']:>8.1f}  {r['bytes']:>10,} B  queries {r['queries']}"
            )
        profiles = []
        if args.profile:
            out_dir = Path(args.out).parent
            out_dir.mkdir(parents=True, exist_ok=True)
            profiles = await profile_full(client, args.as_of, out_dir, f"{engine_name()}-{groups}")
    direct = await measure_direct(as_of, args.repeat, counter, data["enterprises"])
    paged = direct["build_board_page"]["median_ms"]
    print(f"  build_board_page() direct, 40 groups  median {paged} ms, "
          f"{direct['page_queries']} statements")  # fmt: skip
    if "build_board" in direct:
        print(
            f"  build_board() (Python path) direct   median {direct['build_board']['median_ms']} ms"
        )
        for stage, t in direct["stages"].items():
            print(f"    {stage:<34} median {t['median_ms']} ms")
    return {"data": data, "http": results, "direct": direct, "profiles": profiles}


def engine_name() -> str:
    from backend.settings import get_settings

    return "postgresql" if get_settings().is_postgres else "sqlite"


def git_commit() -> str:
    import subprocess

    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "backend", "templates"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (app code modified)" if dirty else "")


async def machine_facts() -> dict[str, Any]:
    import sqlite3

    from backend.db.tables import Enterprise
    from backend.settings import get_settings

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    facts = {
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu or platform.processor(),
        "cpus": os.cpu_count(),
        "memory_gib": mem_gib,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "engine": engine_name(),
        "commit": git_commit(),
        "sqlite": sqlite3.sqlite_version,
    }
    if get_settings().is_postgres:
        rows = await Enterprise.raw("SHOW server_version")
        facts["postgresql"] = rows[0]["server_version"]
    return facts


def markdown(report: dict) -> str:
    m = report["machine"]
    engine = "PostgreSQL " + m.get("postgresql", "") if m["engine"] == "postgresql" else "SQLite"
    lines = [
        f"### {engine} — {m['date_utc']}",
        "",
        f"Commit {m['commit']}; {m['cpu']}, {m['cpus']} CPUs, {m['memory_gib']} GiB; "
        f"Python {m['python']}, "
        f"SQLite {m['sqlite']}; load average at start {m['load_average_at_start']}; "
        f"as of {report['args']['as_of']}, {report['args']['repeat']} timed requests "
        "after one warm-up.",
        "",
    ]
    for size in report["sizes"]:
        d = size["data"]
        lines += [
            f"**{d['groups']:,} groups, {d['enterprises']:,} enterprises** "
            f"({d['submissions']:,} submissions, {d['versions']:,} versions, "
            f"{d['reviews']:,} reviews, {d['exemptions']:,} exemptions; generated in "
            f"{d['generation_s']} s)",
            "",
            "| Request | median ms | p90 ms | min ms | size (gzip) | SQL queries |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for r in size["http"].values():
            size_txt = f"{r['bytes'] / 1024:,.0f} KiB ({r['wire_bytes'] / 1024:,.0f} KiB)"
            lines.append(
                f"| {r['label']} | {r['median_ms']} | {r['p90_ms']} | {r['min_ms']} "
                f"| {size_txt} | {r['queries']} |"
            )
        direct = size["direct"]
        b = direct["build_board_page"]
        lines.append(
            f"| `build_board_page()` direct, 40 groups | {b['median_ms']} | {b['p90_ms']} "
            f"| {b['min_ms']} | – | {direct['page_queries']} |"
        )
        if "build_board" in direct:
            b = direct["build_board"]
            lines.append(
                f"| `build_board()` direct, full (Python path) | {b['median_ms']} | {b['p90_ms']} "
                f"| {b['min_ms']} | – | {direct['queries']} |"
            )
            for stage, t in direct["stages"].items():
                lines.append(f"| &nbsp;&nbsp;↳ {stage} | {t['median_ms']} | {t['p90_ms']} "
                             f"| {t['min_ms']} | | |")  # fmt: skip
        lines.append("")
    if len(report["sizes"]) > 1:
        small, big = report["sizes"][0], report["sizes"][-1]
        lines += [
            "SQL queries per request by roster size:",
            "",
            f"| Request | {small['data']['enterprises']:,} enterprises "
            f"| {big['data']['enterprises']:,} enterprises |",
            "|---|---:|---:|",
        ]
        for name, r in big["http"].items():
            if name in small["http"]:
                lines.append(
                    f"| {r['label']} | {small['http'][name]['queries']} | {r['queries']} |"
                )
        lines.append("")
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> dict:
    from piccolo.engine import engine_finder

    from backend.db.lifespan import db_lifespan

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request
    engine = engine_finder()
    assert engine is not None
    counter = QueryCounter(engine)
    sizes = [args.groups] if args.no_scaling else sorted({max(UPGRADED, args.groups // 10),
                                                          args.groups})  # fmt: skip
    async with db_lifespan():
        machine = await machine_facts()
        print(f"Board benchmark on {machine['engine']}: {machine['cpu']}, {machine['cpus']} CPUs")
        results = [await run_size(args, n, counter) for n in sizes]
        counter.uninstall()
    public_args = {k: v for k, v in vars(args).items() if k != "database_url"}
    public_args["database"] = machine["engine"]
    return {"machine": machine, "args": public_args, "sizes": results}


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    var_dir = setup_env(args)
    try:
        report = asyncio.run(main_async(args))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    print()
    print(markdown(report))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    print(f"\nWrote {out}")


if __name__ == "__main__":
    main()
