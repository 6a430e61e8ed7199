"""The demo board page against a hand-written floor, in one run, interleaved.

    .venv/bin/python benchmarks/floor.py [--repeat 21] [--as-of 2026-11-28]

Loads the demo data (the programme from seed/ and `load_demo`, 130 enterprises) into SQLite in a
temporary folder, then times, one after the other on the same as-of date (each request on
another date, a week apart, so nothing comes from the board cache):

- the app: GET /board (40 groups per page) in-process through httpx's ASGI transport, as a SASAC
  reviewer with an API token (routing, auth, the data version, the board's SQL, Jinja, gzip);
- the floor: the same page's data read with the stdlib `sqlite3` module (the same three board
  statements: summary, the page's enterprises, their cells) and the same cells rendered by a
  bare Jinja2 template (one loop, the same `<td>` markup); no framework, no auth, no gzip.

It prints the medians, the ratio app/floor, the byte sizes, and the repeat view (same URL again:
a cache hit; with If-None-Match: a 304). SQLite only: the floor is stdlib sqlite3 by design.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import re
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import board as bench

FLOOR_TEMPLATE = """<table class="board"><tbody>
{%- for e in rows %}
<tr data-id="{{ e.id }}"><td><a href="/enterprises/{{ e.id }}">{{ e.name }}</a></td>
{%- for c in columns %}{% set s = cells.get((e.reporter(c), c.id)) %}
{%- if s %}<td class="st st-{{ s.status }}" data-e="{{ e.id }}" data-o="{{ c.id }}" tabindex="0" \
title="截止：{{ s.due }}{% if s.first %}&#10;首次报送：{{ s.first }}{% endif %}\
{% if s.late %}&#10;逾期 {{ s.late }} 天{% endif %}">{{ short[s.status] }}</td>
{%- else %}<td class="na"></td>{% endif %}{% endfor %}</tr>
{%- endfor %}
</tbody></table>"""


def floor_page(path: str, template: Any, day: dt.date, columns: list[Any]) -> str:
    """The page's data with stdlib sqlite3 and the same board SQL, rendered by bare Jinja2."""
    from backend.db.fastread import _sqlite_param
    from backend.domain.board.paged import ENTERPRISE_SQL, summary_sql
    from backend.domain.board.service import BoardQuery
    from backend.domain.board.status_sql import Params, RosterFilter, roster_where, status_ctes
    from backend.lib.timeutil import cn_date, cn_datetime, end_of_day
    from backend.rules.cell_status import STATUS_SHORT
    from backend.rules.cohorts import covered_by_group, reports

    def run(db: sqlite3.Connection, sql: str, p: Params) -> list[Any]:
        args = tuple(_sqlite_param(v) for v in p.values)
        return db.execute(re.sub(r"\$(\d+)", r"?\1", sql), args).fetchall()

    query = BoardQuery(as_of=day, page_size=40)
    ids = [c.id for c in columns]
    db = sqlite3.connect(path)
    try:
        p = Params(False)
        summary = run(db, summary_sql(p, query, RosterFilter(), ids, 5), p)
        groups = [r[1] for r in summary if r[0] == "g"]
        page = RosterFilter(groups=groups)
        p = Params(False)
        where = roster_where(p, page)
        found = run(db, f"SELECT {ENTERPRISE_SQL} FROM enterprise e WHERE {where}", p)
        p = Params(False)
        ctes = status_ctes(p, page, ids, end_of_day(day), 5)
        sql = f"WITH {ctes} SELECT rid, oid, status, due_on, first_at, days_late FROM st"
        cell_rows = run(db, sql, p)
    finally:
        db.close()

    class E:
        def __init__(self, r: Any) -> None:
            self.id, self.name, self.parent, self.gid, self.upg = r[0], r[1], r[4], r[5], r[8]
            self.cohort = "UPG7" if self.upg else ("SUB" if self.parent else "T1")

        def reporter(self, c: Any) -> int | None:
            if covered_by_group(c.applies_to, self.cohort):  # type: ignore[arg-type]
                return self.gid
            return self.id if reports(c.applies_to, self.cohort) else None  # type: ignore[arg-type]

    cells = {
        (r[0], r[1]): {
            "status": r[2],
            "due": cn_date(dt.date.fromisoformat(r[3])),
            "first": cn_datetime(dt.datetime.fromisoformat(r[4])) if r[4] else "",
            "late": r[5],
        }
        for r in cell_rows
    }
    rows = sorted((E(r) for r in found), key=lambda e: (e.gid, e.id))
    return template.render(rows=rows, columns=columns, cells=cells, short=STATUS_SHORT)


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    import jinja2

    from backend.db.lifespan import db_lifespan
    from backend.domain.board.service import load_columns
    from backend.domain.demo.generator import load_demo
    from backend.domain.programmes.loader import load_all_programmes
    from backend.domain.programmes.service import list_programmes, pick_programme
    from backend.settings import get_settings
    from backend.storage import FileStore

    as_of = dt.date.fromisoformat(args.as_of)
    days = [as_of - dt.timedelta(days=7 * i) for i in range(args.repeat + 1)]
    async with db_lifespan():
        await bench.reset_schema()
        await load_all_programmes(bench.ROOT / "seed")
        await load_demo(FileStore(get_settings().storage_dir), today=as_of)
        await bench.after_bulk_load()
        programme = pick_programme(await list_programmes(), None)
        assert programme is not None
        columns = await load_columns(programme["id"])
        path = str(get_settings().sqlite_path)
        env = jinja2.Environment(autoescape=True)
        template = env.from_string(FLOOR_TEMPLATE)
        app_ms, floor_ms = [], []
        async with bench.app_client() as client:
            app = client._transport.app
            warm = await client.get(f"/board?as_of={days[-1]}")
            assert warm.status_code == 200, warm.text[:300]
            floor_page(path, template, days[-1], columns)
            gc.collect()
            for day in days[:-1]:
                app.state.boards.clear()  # cold: another date, and nothing cached
                t0 = time.perf_counter()
                resp = await client.get(f"/board?as_of={day}")
                app_ms.append((time.perf_counter() - t0) * 1000)
                assert resp.status_code == 200
                t0 = time.perf_counter()
                html = await asyncio.to_thread(floor_page, path, template, day, columns)
                floor_ms.append((time.perf_counter() - t0) * 1000)
            repeat_ms, not_modified_ms = [], []
            url = f"/board?as_of={days[0]}"
            first = await client.get(url)
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                again = await client.get(url)
                repeat_ms.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                nm = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
                not_modified_ms.append((time.perf_counter() - t0) * 1000)
                assert again.status_code == 200 and nm.status_code == 304
    app_median, floor_median = statistics.median(app_ms), statistics.median(floor_ms)
    return {
        "machine": await_machine(),
        "as_of": args.as_of,
        "repeat": args.repeat,
        "app_median_ms": round(app_median, 1),
        "floor_median_ms": round(floor_median, 1),
        "ratio": round(app_median / floor_median, 2),
        "app_bytes": len(resp.content),
        "floor_bytes": len(html.encode()),
        "repeat_median_ms": round(statistics.median(repeat_ms), 1),
        "not_modified_median_ms": round(statistics.median(not_modified_ms), 1),
    }


def await_machine() -> dict[str, Any]:
    import os
    import platform

    return {
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "commit": bench.git_commit(),
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=21)
    p.add_argument("--as-of", default="2026-11-28")
    args = p.parse_args(argv)
    var_dir = bench.setup_env(argparse.Namespace(database_url=""))
    try:
        report = asyncio.run(main_async(args))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
