"""Memory and abandoned requests under a burst, against the real `hegui serve` process.

    .venv/bin/python benchmarks/load.py [--rate 60] [--seconds 20] [--client-timeout 2]
        [--root .] [--port 8765] [--out benchmarks/out/load.json]

Starts `python -m backend.cli serve` (SQLite demo database in a temporary folder, loopback only)
from the code tree `--root` (so the same script measures an older checkout: `git worktree add
/tmp/before <commit>` and `--root /tmp/before`), signs in as the demo reviewer, and measures:

1. RSS of the server process at rest after one warm-up request per kind;
2. a burst of `--rate` requests/s for `--seconds`, open-loop (each request starts on schedule,
   whether or not earlier ones have answered): the board page, the board fragment with a status
   filter, and the full board API in turn. A client that has no answer after `--client-timeout`
   seconds gives up and closes its connection, as browsers and proxies do. RSS is sampled every
   0.25 s (peak);
3. after the burst (watching up to 120 s): the CPU seconds the server still burns in the next
   15 s (work for clients that have gone), how long until it is idle (a 1 s window under 5 %
   CPU), RSS 5, 30 and 60 s after the burst, and then how long a fresh request takes.

Bounded: at most 3,000 requests and 120 s of burst; only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
AS_OF = "2025-06-30"
WATCH_S = 120
KINDS = [
    ("page", "/board", {"as_of": AS_OF}, {}),
    ("fragment", "/board", {"as_of": AS_OF, "status": "overdue"},
     {"HX-Request": "true", "HX-Target": "board"}),
    ("api", "/api/v1/board", {"as_of": AS_OF}, {}),
]  # fmt: skip


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/statm") as handle:
        return int(handle.read().split()[1]) * PAGE / 2**20


def cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


async def sign_in(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert token, "no CSRF token on /login"
    response = await client.post(
        "/login",
        data={"username": "reviewer", "password": "Hegui@2023", "_csrf_token": token.group(1)},
    )
    assert response.status_code in (200, 303), response.text[:300]


async def wait_ready(base: str, proc: subprocess.Popen[bytes], limit: float = 600) -> None:
    deadline = time.monotonic() + limit
    async with httpx.AsyncClient(base_url=base, timeout=2) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"server exited with {proc.returncode}")
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.5)
    raise SystemExit("server did not start")


async def burst(
    base: str, cookies: httpx.Cookies, pid: int, rate: float, seconds: float, client_timeout: float
) -> dict[str, Any]:
    total = int(rate * seconds)
    outcomes: dict[str, list[float]] = {"ok": [], "timeout": [], "error": []}
    samples: list[float] = []
    limits = httpx.Limits(max_connections=total, max_keepalive_connections=0)
    async with httpx.AsyncClient(
        base_url=base, cookies=cookies, timeout=client_timeout, limits=limits
    ) as client:

        async def one(i: int) -> None:
            _, path, params, headers = KINDS[i % len(KINDS)]
            started = time.monotonic()
            try:
                response = await client.get(path, params=params, headers=headers)
                key = "ok" if response.status_code == 200 else "error"
            except httpx.TimeoutException:
                key = "timeout"
            except httpx.HTTPError:
                key = "error"
            outcomes[key].append(time.monotonic() - started)

        async def sample() -> None:
            while True:
                samples.append(rss_mb(pid))
                await asyncio.sleep(0.25)

        sampler = asyncio.create_task(sample())
        t0 = time.monotonic()
        tasks = []
        for i in range(total):
            delay = t0 + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i)))
        sent_for = time.monotonic() - t0
        await asyncio.gather(*tasks)
        sampler.cancel()
    ok = outcomes["ok"]
    return {
        "requests": total,
        "sent_over_s": round(sent_for, 1),
        "ok": len(ok),
        "timed_out": len(outcomes["timeout"]),
        "errors": len(outcomes["error"]),
        "ok_median_s": round(statistics.median(ok), 3) if ok else None,
        "peak_rss_mb": round(max(samples), 1),
    }


async def after_burst(base: str, cookies: httpx.Cookies, pid: int) -> dict[str, Any]:
    """Watch the server for up to WATCH_S after the burst: CPU still burnt, when it goes idle,
    RSS along the way; then time one fresh request."""
    start_cpu, t0 = cpu_s(pid), time.monotonic()
    idle_after: float | None = None
    rss: dict[int, float] = {}
    cpu_15: float | None = None
    previous = start_cpu
    while time.monotonic() - t0 < WATCH_S:
        await asyncio.sleep(1)
        now, elapsed = cpu_s(pid), time.monotonic() - t0
        if idle_after is None and now - previous < 0.05:
            idle_after = round(elapsed - 1, 1)
        previous = now
        for mark in (5, 30, 60):
            if mark not in rss and elapsed >= mark:
                rss[mark] = round(rss_mb(pid), 1)
        if cpu_15 is None and elapsed >= 15:
            cpu_15 = now - start_cpu
        if idle_after is not None and elapsed >= 30:
            break
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=60) as client:
        started = time.monotonic()
        try:
            fresh = await client.get("/api/v1/board", params={"as_of": AS_OF, "page_size": "40"})
            fresh_s: float | str = round(time.monotonic() - started, 3)
            status: int | str = fresh.status_code
        except httpx.TimeoutException:
            fresh_s, status = "> 60", "timeout"
    return {
        "cpu_s_in_15s_after": round(cpu_15 or 0, 1),
        "idle_after_s": idle_after if idle_after is not None else f"> {WATCH_S}",
        "rss_after_mb": {f"{k}s": v for k, v in rss.items()},
        "rss_end_mb": round(rss_mb(pid), 1),
        "fresh_request_s": fresh_s,
        "fresh_status": status,
    }


async def measure(args: argparse.Namespace, pid: int) -> dict[str, Any]:
    base = f"http://127.0.0.1:{args.port}"
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        await sign_in(client)
        sizes = {}
        for name, path, params, headers in KINDS:  # warm-up, one of each
            response = await client.get(path, params=params, headers=headers)
            assert response.status_code == 200, (name, response.status_code)
            sizes[name] = len(response.content)
        cookies = client.cookies
    await asyncio.sleep(3)
    rest = rss_mb(pid)
    result = await burst(base, cookies, pid, args.rate, args.seconds, args.client_timeout)
    result.update(await after_burst(base, cookies, pid))
    return {"rss_at_rest_mb": round(rest, 1), "body_bytes": sizes, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--rate", type=float, default=60)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--client-timeout", type=float, default=2.0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/out/load.json")
    args = parser.parse_args()
    if args.rate * args.seconds > 3000 or args.seconds > 120:
        raise SystemExit("bounded: at most 3,000 requests and 120 s")
    var = Path(tempfile.mkdtemp(prefix="hegui-load-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(HEGUI_VAR_DIR=str(var), SECRET_KEY="load-benchmark-secret-key-0123456789")
    log = (var / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "serve", "--host", "127.0.0.1", "--port",
         str(args.port)],
        cwd=args.root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        asyncio.run(wait_ready(f"http://127.0.0.1:{args.port}", proc))
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=args.root, capture_output=True, text=True
        ).stdout.strip()
        figures = asyncio.run(measure(args, proc.pid))
        report = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
            "python": platform.python_version(),
            "commit": commit,
            "rate": args.rate,
            "seconds": args.seconds,
            "client_timeout_s": args.client_timeout,
            **figures,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
        print(json.dumps(report, ensure_ascii=False, indent=2))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
