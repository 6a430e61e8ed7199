"""Board pages per second with the processes `hegui serve` starts in production.

    .venv/bin/python benchmarks/board_rate.py [--database-url postgresql://…] [--rate 60]
        [--seconds 30] [--out benchmarks/out]

Loads the demo data into a fresh database (`hegui seed --demo`; PostgreSQL tables are
dropped first), then starts `hegui serve --no-migrate` with `HEGUI_ENV=production` and no
`--workers`, so it starts its production default (one web process per core), signs in as the
demo reviewer (MFA off for the benchmark: `HEGUI_REQUIRE_MFA=0`), and requests `GET /board`
open-loop at `--rate` per second for `--seconds` (each request starts on schedule whether or not
earlier ones answered; no If-None-Match, as a browser under `Cache-Control: no-store`). Reports
the achieved rate, p50/p95/p99 and errors (non-200 or no answer within 10 s). The client runs
on the same machine, so it takes some of the cores it measures. Bounded: 600 s, 36,000 requests.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="_csrf_token" value="([0-9a-f]{64})"')


def hegui(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "backend.cli", *args], cwd=ROOT, env=env, check=True)


def reset_postgres(url: str) -> None:
    subprocess.run(
        ["psql", "--dbname", url, "-q", "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"],
        check=True,
    )


async def measure(base: str, rate: float, seconds: float) -> dict:
    from backend.domain.demo.accounts import DEMO_PASSWORD

    limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
    async with httpx.AsyncClient(base_url=base, timeout=10, limits=limits) as client:
        page = await client.get("/login")
        token = CSRF.search(page.text)
        assert token, page.text[:300]
        signed = await client.post(
            "/login",
            data={"username": "reviewer", "password": DEMO_PASSWORD, "_csrf_token": token.group(1)},
        )
        assert signed.status_code in (200, 303), signed.status_code
        warm = await client.get("/board")
        assert warm.status_code == 200 and "进度看板" in warm.text, warm.status_code
        latencies: list[float] = []
        errors: dict[str, int] = {}
        total = int(min(rate * seconds, 36_000))

        async def one() -> None:
            started = time.perf_counter()
            try:
                response = await client.get("/board")
                if response.status_code != 200:
                    errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1
                    return
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                return
            latencies.append(time.perf_counter() - started)

        began = time.perf_counter()
        tasks = []
        for i in range(total):
            delay = began + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - began
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(ordered[min(int(p * len(ordered)), len(ordered) - 1)] * 1000, 1)

    return {
        "offered_per_s": rate,
        "requests": total,
        "ok": len(latencies),
        "errors": errors,
        "achieved_ok_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50) if ordered else None,
        "p95_ms": pct(0.95) if ordered else None,
        "p99_ms": pct(0.99) if ordered else None,
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else None,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default="")
    p.add_argument("--rate", type=float, action="append", help="requests/s (repeatable)")
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "out"))
    args = p.parse_args()
    rates = args.rate or [60.0]
    var_dir = Path(tempfile.mkdtemp(prefix="hegui-rate-"))
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "HEGUI_ENV"}
    }
    env.update(
        HEGUI_VAR_DIR=str(var_dir),
        HEGUI_REMINDER_SCAN="0",
        PYTHONUNBUFFERED="1",
        HEGUI_AUDIT_KEY=secrets.token_hex(32),  # production needs one; the demo load uses it too
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        reset_postgres(args.database_url)
    hegui("seed", "--demo", env=env)
    production = dict(
        env,
        HEGUI_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        HEGUI_REQUIRE_MFA="0",
        HEGUI_SECURE_COOKIES="0",  # plain HTTP on loopback
    )
    sys.path.insert(0, str(ROOT))
    port = free_port()
    log = (var_dir / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "serve", "--no-migrate", "--port", str(port)],
        cwd=ROOT, env=production, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    results = []
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit((var_dir / "serve.log").read_text()[-3000:])
            time.sleep(0.5)
        for rate in rates:
            result = asyncio.run(measure(base, rate, min(args.seconds, 600)))
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=150)
        log.close()
    processes = re.findall(r"(\d+) 个 Web 进程", (var_dir / "serve.log").read_text())
    report = {
        "engine": "PostgreSQL" if args.database_url else "SQLite",
        "web_processes": int(processes[0]) if processes else None,
        "cores": os.cpu_count(),
        "load_before": os.getloadavg()[0],
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "results": results,
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = f"board-rate-{'postgresql' if args.database_url else 'sqlite'}.json"
    (out / name).write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print(json.dumps({k: v for k, v in report.items() if k != "results"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
