"""Mixed load with locust against real `hegui serve` processes, at one city or province scale.

    .venv/bin/python benchmarks/loadtest.py --scale city [--database-url postgresql://…]
        [--redis-url redis://…] [--workers 2] [--users 500] [--spawn-rate 20] [--run-time 60]

1. A fresh database (tables are dropped!) migrated as in production, the programme, and the
   roster and history of `benchmarks/board.py`'s generator: `city` = 50 groups with 9
   subsidiaries each (500 enterprises); `province` = 5,000 groups × 9 (50,000 enterprises).
2. 500 accounts (one shared argon2 hash): 50 SASAC reviewers and 450 enterprise users, nine per
   group of the first 50, each given the items its group may upload to.
3. `hegui serve --workers N --no-migrate` on a loopback port (and nothing else on it).
4. locust, pinned in benchmarks/requirements-load.txt and installed into its own virtualenv
   (var/locust-venv; locust's gevent must not share the app's environment), headless, for
   `--run-time` after every user has started (`--reset-stats`). Each user gets a session made
   beforehand (a database row, as a sign-in makes), so the figures are the working day, not a
   burst of 500 argon2 checks. Workload: benchmarks/locustfile.py.
5. Throughput, p50/p95/p99 and failures per endpoint from locust's CSV, into a JSON and a
   Markdown table (benchmarks/out/).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOCUST_VENV = ROOT / "var" / "locust-venv"
PASSWORD = "Load-Test-Passw0rd!"
SCALES = {"city": (50, 9), "province": (5000, 9)}
USER_GROUPS = 50
ENTERPRISE_USERS_PER_GROUP = 9
REVIEWERS = 50


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", choices=sorted(SCALES), default="city")
    p.add_argument("--database-url", default="", help="postgresql://… (tables are dropped!)")
    p.add_argument("--redis-url", default="")
    p.add_argument("--workers", type=int, default=2, help="hegui serve --workers")
    p.add_argument("--users", type=int, default=500, help="concurrent locust users")
    p.add_argument("--spawn-rate", type=float, default=20)
    p.add_argument("--run-time", type=int, default=60, help="seconds measured (at most 600)")
    p.add_argument("--as-of", default="2026-11-28")
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "out"))
    args = p.parse_args()
    args.run_time = min(max(args.run_time, 10), 600)
    return args


def setup_env(args: argparse.Namespace) -> Path:
    var_dir = Path(tempfile.mkdtemp(prefix="hegui-load-"))
    os.environ.update(
        HEGUI_VAR_DIR=str(var_dir),
        SECRET_KEY="load-secret-key-not-for-production-" + os.urandom(8).hex(),
        HEGUI_REMINDER_SCAN="0",
        HEGUI_LOG_FORMAT="json",
    )
    for name, value in (("DATABASE_URL", args.database_url), ("REDIS_URL", args.redis_url)):
        if value:
            os.environ[name] = value
        else:
            os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    return var_dir


async def prepare(args: argparse.Namespace, accounts_file: Path) -> dict[str, Any]:
    from board import after_bulk_load, generate  # the board benchmark's generator

    from backend.bootstrap import migrate
    from backend.db.lifespan import db_lifespan
    from backend.db.tables import ALL_TABLES, Account, Enterprise, Obligation
    from backend.domain.programmes.loader import load_all_programmes
    from backend.rules.cohorts import cohort_of, reports
    from backend.security.passwords import hash_password
    from backend.settings import get_settings

    settings = get_settings()
    async with db_lifespan():
        if settings.is_postgres:
            from piccolo.apps.migrations.tables import Migration
            from piccolo.table import drop_db_tables

            await drop_db_tables(*reversed(ALL_TABLES))
            await Migration.raw("DROP TABLE IF EXISTS migration")
        await migrate()
        await load_all_programmes(ROOT / "seed")
        groups, per_group = SCALES[args.scale]
        data = await generate(groups, per_group, dt.date.fromisoformat(args.as_of))
        await after_bulk_load()
        hashed = await hash_password(PASSWORD)
        now = dt.datetime.now(dt.UTC)
        obligations = await Obligation.select(
            Obligation.id, Obligation.applies_to, Obligation.due_year
        ).where(Obligation.active.eq(True))
        tops = (
            await Enterprise.select()
            .where(Enterprise.parent.is_null())
            .order_by(Enterprise.id)
            .limit(USER_GROUPS)
        )
        rows, enterprise_users, reviewers = [], [], []
        for n in range(REVIEWERS):
            rows.append((f"rev{n:03d}", "sasac_reviewer", None))
            reviewers.append({"username": f"rev{n:03d}"})
        for group in tops:
            cohort = cohort_of(has_parent=False, upgraded_mgmt=bool(group["upgraded_mgmt"]))
            items = [
                (group["id"], o["id"], o["due_year"])
                for o in obligations
                if reports(o["applies_to"], cohort)
            ]
            for k in range(ENTERPRISE_USERS_PER_GROUP):
                name = f"ent{group['id']}_{k}"
                rows.append((name, "enterprise_user", group["id"]))
                enterprise_users.append({"username": name, "items": items})
        await Account.insert(
            *(
                Account(
                    username=u,
                    display_name=u,
                    role=r,
                    enterprise=e,
                    password_hash=hashed,
                    must_change_password=False,
                    password_changed_at=now,
                )
                for u, r, e in rows
            )
        )
        # Sessions made here, as a sign-in would: the measured minute is the working day, not
        # a burst of 500 argon2 checks (the sign-in's cost is argon2's, by design).
        from backend.security.sessions import create_session

        ids = {r["username"]: r["id"] for r in await Account.select(Account.id, Account.username)}
        for entry in [*reviewers, *enterprise_users]:
            entry["session"] = await create_session(ids[entry["username"]])
    accounts_file.write_text(
        json.dumps(
            {"password": PASSWORD, "reviewers": reviewers, "enterprise_users": enterprise_users}
        ),
        encoding="utf-8",
    )
    return {**data, "accounts": len(rows)}


def ensure_locust() -> Path:
    binary = LOCUST_VENV / "bin" / "locust"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(LOCUST_VENV)], check=True)
        requirements = ROOT / "benchmarks" / "requirements-load.txt"
        pip = LOCUST_VENV / "bin" / "pip"
        subprocess.run([str(pip), "install", "-q", "-r", str(requirements)], check=True)
    return binary


def wait_ready(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not become ready")


def read_stats(prefix: Path) -> list[dict[str, Any]]:
    out = []
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.append(
                {
                    "name": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": round(float(row["Requests/s"]), 2),
                    "p50_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                    "p99_ms": float(row["99%"] or 0),
                }
            )
    return out


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"{report['scale']} · {report['engine']} · {report['workers']} web processes · "
        f"{report['users']} users · {report['run_time_s']} s · {report['date']}",
        "",
        "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | failures |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report["stats"]:
        lines.append(
            f"| {r['name']} | {r['requests']} | {r['rps']} | {r['p50_ms']:.0f} | "
            f"{r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['failures']} |"
        )
    return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def main() -> None:
    args = parse_args()
    var_dir = setup_env(args)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    locust = ensure_locust()
    accounts_file = var_dir / "accounts.json"
    started = time.perf_counter()
    data = asyncio.run(prepare(args, accounts_file))
    print(f"data ready in {time.perf_counter() - started:.0f} s: {data}", flush=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (var_dir / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "serve", "--no-migrate", "--port", str(port),
         "--workers", str(args.workers)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    tag = f"{args.scale}-{'postgresql' if args.database_url else 'sqlite'}-{args.workers}w"
    prefix = out_dir / f"load-{tag}"
    outcomes = out_dir / f"load-{tag}-outcomes.json"
    try:
        wait_ready(url)
        ramp = args.users / args.spawn_rate
        subprocess.run(
            [str(locust), "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(args.spawn_rate), "--host", url,
             "-t", f"{int(ramp + args.run_time)}s", "--reset-stats", "--csv", str(prefix),
             "--only-summary", "--stop-timeout", "10"],
            cwd=ROOT, check=False, timeout=ramp + args.run_time + 120,
            env={**os.environ, "LOAD_ACCOUNTS": str(accounts_file), "LOAD_OUTCOMES": str(outcomes)},
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=150)
        log.close()
    report = {
        "scale": args.scale,
        "engine": "PostgreSQL" if args.database_url else "SQLite",
        "workers": args.workers,
        "users": args.users,
        "run_time_s": args.run_time,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        "data": data,
        "stats": read_stats(prefix),
        "outcomes": json.loads(outcomes.read_text()) if outcomes.exists() else {},
    }
    (out_dir / f"load-{tag}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print(markdown(report))
    print("outcomes:", report["outcomes"], "·", report["machine"])


if __name__ == "__main__":
    main()
