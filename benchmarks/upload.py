"""Benchmark of file uploads (POST /api/v1/submissions) against a real server on loopback.

    .venv/bin/python benchmarks/upload.py [--repeat 3] [--database-url URL]
        [--sizes 1,50,200] [--concurrent 20] [--concurrent-mb 20] [--out benchmarks/out/upload.json]

Starts `python -m backend.cli serve` as a subprocess on a free port, with a temporary
HEGUI_VAR_DIR and MAX_UPLOAD_MB=256 (it migrates and loads the demo data into the empty
database), takes a bearer token for the demo account qiye_admin with `hegui users token`, and
reads from the board which cells of its group it may still submit to. Then it uploads, with httpx
streaming each file from disk (a `%PDF-1.4` header and random bytes, so nothing compresses or
deduplicates): single uploads of 1, 50 and 200 MiB, `--repeat` times each, and `--concurrent`
uploads of `--concurrent-mb` MiB at once, `--repeat` times. For each it reports the wall time,
the throughput, the server's CPU time and the server's peak memory: the peak resident set
(VmHWM in /proc/<pid>/status) is reset before every upload by writing 5 to
/proc/<pid>/clear_refs (or, where that does not work, the server is restarted for every
scenario), and a thread also samples VmRSS every 10 ms as a cross-check. Every upload must
return 201 with the right size and SHA-256, and every file row is read back through
GET /api/v1/submissions/{id}.

MiB throughout (1 MB = 1,048,576 bytes, as MAX_UPLOAD_MB counts). With --database-url (a
PostgreSQL server URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres) a throw-away database
`hegui_upload_bench_<random>` is created on that server for the run and dropped at the end; the
database named in the URL is only used to connect. Temporary files (about 0.65 GB of test files
and 2 GB of stored uploads with the defaults) are removed at the end, also on error.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import httpx

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
PDF_HEADER = b"%PDF-1.4\n"
CLOSED = {"approved", "approved_late", "exempt"}  # cells that refuse a new version
# Cells without a submission first, then those whose latest version awaits review or was returned.
PREFERENCE = {"not_due": 0, "due_soon": 0, "overdue": 0, "returned": 1, "submitted": 2}
USERNAME = "qiye_admin"


# ---------------------------------------------------------------------------------------------
# Command line


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=3, help="uploads per scenario (default 3)")
    p.add_argument(
        "--database-url",
        default="",
        help="postgresql://… of a server on which a throw-away database is created and dropped",
    )
    p.add_argument("--sizes", default="1,50,200", help="single-upload sizes in MiB (1,50,200)")
    p.add_argument("--concurrent", type=int, default=20, help="simultaneous uploads (default 20)")
    p.add_argument("--concurrent-mb", type=int, default=20, help="MiB each (default 20)")
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "out" / "upload.json"))
    p.add_argument("--note", default="", help="free text kept in the JSON (what code was run)")
    args = p.parse_args(argv)
    try:
        args.size_list = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        p.error("--sizes must be a comma-separated list of whole MiB")
    if not args.size_list or min(args.size_list) < 1 or max(args.size_list) > 250:
        p.error("--sizes must be between 1 and 250 MiB (the server runs with MAX_UPLOAD_MB=256)")
    if args.repeat < 1 or args.concurrent < 1 or not 1 <= args.concurrent_mb <= 250:
        p.error("--repeat and --concurrent must be ≥ 1, --concurrent-mb between 1 and 250")
    if args.database_url and not args.database_url.startswith(("postgresql://", "postgres://")):
        p.error("--database-url must be a postgresql:// URL")
    return args


# ---------------------------------------------------------------------------------------------
# /proc: the server's memory and CPU time


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (peak RSS), RssAnon and RssFile of a process, in KiB."""
    wanted = {"VmRSS", "VmHWM", "RssAnon", "RssFile"}
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in wanted:
            out[key] = int(value.split()[0])
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (field 14 and 15 of /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0: `echo 5 > /proc/<pid>/clear_refs`).
    True when it took effect (the peak now equals the current RSS, within 1 MiB)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    status = proc_status(pid)
    return status["VmHWM"] - status["VmRSS"] <= 1024


class RssSampler:
    """Polls VmRSS every `interval` seconds in a thread; `peak_kib` is the largest seen."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        self.pid, self.interval = pid, interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak_kib = max(self.peak_kib, proc_status(self.pid)["VmRSS"])
            except (OSError, KeyError):
                return
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def mib(kib: int) -> float:
    return round(kib / 1024, 1)


# ---------------------------------------------------------------------------------------------
# Test files


def make_file(path: Path, size_mib: int) -> None:
    """A PDF header, then random bytes (os.urandom in 1 MiB blocks) up to exactly size_mib."""
    with path.open("wb") as f:
        f.write(PDF_HEADER + os.urandom(MIB - len(PDF_HEADER)))
        for _ in range(size_mib - 1):
            f.write(os.urandom(MIB))


def refresh(path: Path) -> str:
    """New random bytes after the header, so each repeat is a new content (no dedup in the
    store), and the file's SHA-256, computed here, outside any timing."""
    with path.open("r+b") as f:
        f.seek(len(PDF_HEADER))
        f.write(os.urandom(4096))
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(MIB):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    env: dict[str, str]
    log_path: Path
    port: int = 0
    proc: subprocess.Popen | None = None
    starts: int = 0

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 600) -> float:
        self.port = free_port()
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.starts += 1
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"the server did not answer /healthz in {timeout:.0f} s:\n{self.tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = None
            return
        self.proc.send_signal(signal.SIGINT)  # uvicorn shuts down cleanly on Ctrl+C
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def issue_token(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "backend.cli", "users", "token", USERNAME],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line.strip() for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"`hegui users token {USERNAME}` failed:\n{done.stdout}{done.stderr}")
    return lines[-1]


# ---------------------------------------------------------------------------------------------
# PostgreSQL: a throw-away database


async def create_database(server_url: str) -> tuple[str, str]:
    import asyncpg

    name = f"hegui_upload_bench_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
        version = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}")), version


async def drop_database(server_url: str, url: str) -> None:
    import asyncpg

    name = urlsplit(url).path.lstrip("/")
    assert name.startswith("hegui_upload_bench_"), name  # only ever the one this run created
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


# ---------------------------------------------------------------------------------------------
# Targets: cells of qiye_admin's group that accept a new version


@dataclass(frozen=True)
class Target:
    enterprise_id: int
    obligation_id: int
    year: int | None
    status: str
    own_row: bool


async def find_targets(client: httpx.AsyncClient, as_of: str) -> tuple[dict, list[Target]]:
    resp = await client.get("/api/v1/board", params={"as_of": as_of})
    resp.raise_for_status()
    board = resp.json()
    years = {o["id"]: o["year"] for o in board["obligations"]}
    groups = [r for r in board["rows"] if r["enterprise"]["parent_id"] is None]
    if len(groups) != 1:
        raise RuntimeError(f"{USERNAME} should see exactly one group, sees {len(groups)}")
    group = groups[0]["enterprise"]
    targets: list[Target] = []
    for row in board["rows"]:
        ent = row["enterprise"]
        for cell in row["cells"]:
            if cell["status"] in CLOSED or cell["covered_by"] or cell["status"] not in PREFERENCE:
                continue
            own = ent["id"] == group["id"]
            targets.append(
                Target(ent["id"], cell["obligation_id"], years.get(cell["obligation_id"]),
                       cell["status"], own)
            )  # fmt: skip
    # The group's own row first, and within it cells without a submission first.
    targets.sort(key=lambda t: (not t.own_row, PREFERENCE[t.status], t.obligation_id))
    return group, targets


# ---------------------------------------------------------------------------------------------
# Uploading


@dataclass
class Upload:
    size_bytes: int
    sha256: str
    target: Target
    seconds: float = 0.0
    status_code: int = 0
    submission_id: int | None = None
    version: int | None = None
    verified: bool = False


@dataclass
class Scenario:
    name: str
    label: str
    size_mib: int
    parallel: int
    runs: list[dict[str, Any]] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)


async def upload(client: httpx.AsyncClient, path: Path, up: Upload) -> Upload:
    t = up.target
    data = {"enterprise_id": str(t.enterprise_id), "obligation_id": str(t.obligation_id),
            "not_secret": "1", "note": "upload benchmark"}  # fmt: skip
    if t.year is not None:
        data["year"] = str(t.year)
    with path.open("rb") as fh:  # httpx reads it in 64 KiB chunks while sending
        started = time.perf_counter()
        resp = await client.post(
            "/api/v1/submissions",
            data=data,
            files={"files": (path.name, fh, "application/pdf")},
        )
        up.seconds = time.perf_counter() - started
    up.status_code = resp.status_code
    if resp.status_code != 201:
        raise RuntimeError(f"upload of {path.name} → {resp.status_code}: {resp.text[:500]}")
    body = resp.json()
    stored = body["files"]
    if len(stored) != 1 or stored[0]["size"] != up.size_bytes or stored[0]["sha256"] != up.sha256:
        raise RuntimeError(f"upload of {path.name}: the server stored something else: {stored}")
    up.submission_id, up.version = body["id"], body["version"]
    return up


class Bench:
    def __init__(self, args: argparse.Namespace, server: Server, files: Path) -> None:
        self.args, self.server, self.files = args, server, files
        self.token = ""
        self.targets: list[Target] = []
        self.peak_mode = "clear_refs"
        self.baselines: list[dict[str, float]] = []

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.server.base_url,
            headers={"Authorization": f"Bearer {self.token}"},
            limits=httpx.Limits(max_connections=self.args.concurrent),
            timeout=300,
        )

    async def warm_up(self, client: httpx.AsyncClient) -> dict[str, float]:
        """Two untimed 1 MiB uploads to the same cell (routes, imports and SQL warmed, and a
        check that a second version is accepted: the benchmark needs that, as the demo group
        has few open cells), then the baseline: the server's RSS at rest."""
        path = self.files / "warmup.pdf"
        if not path.exists():
            make_file(path, 1)
        target = self.targets[0]
        for attempt in (1, 2):
            try:
                await upload(client, path, Upload(MIB, refresh(path), target))
            except RuntimeError as exc:
                if attempt == 1:
                    raise
                raise RuntimeError(
                    f"a second version of the same submission (enterprise {target.enterprise_id}"
                    f", obligation {target.obligation_id}) was refused: {exc}. {USERNAME}'s "
                    f"group has {len(self.targets)} open cells, so the benchmark has to upload "
                    "new versions to them (server log above)."
                ) from None
        await asyncio.sleep(0.5)
        status = proc_status(self.server.pid)
        base = {"rss_mib": mib(status["VmRSS"]), "anon_mib": mib(status.get("RssAnon", 0))}
        self.baselines.append(base)
        return base

    async def measure(
        self, client: httpx.AsyncClient, batch: list[tuple[Path, Upload]]
    ) -> dict[str, Any]:
        pid = self.server.pid
        if self.peak_mode == "clear_refs" and not reset_peak(pid):
            raise RuntimeError("clear_refs reset VmHWM at start, but not now")
        before = proc_status(pid)
        cpu0 = cpu_seconds(pid)
        with RssSampler(pid) as sampler:
            started = time.perf_counter()
            await asyncio.gather(*(upload(client, path, up) for path, up in batch))
            wall = time.perf_counter() - started
        after = proc_status(pid)
        total = sum(up.size_bytes for _, up in batch)
        return {
            "wall_s": round(wall, 3),
            "mib_per_s": round(total / MIB / wall, 1),
            "slowest_upload_s": round(max(up.seconds for _, up in batch), 3),
            "server_cpu_s": round(cpu_seconds(pid) - cpu0, 2),
            "rss_before_mib": mib(before["VmRSS"]),
            "peak_rss_mib": mib(after["VmHWM"]),
            "sampled_peak_rss_mib": mib(max(sampler.peak_kib, after["VmRSS"])),
            "rss_after_mib": mib(after["VmRSS"]),
            "peak_growth_mib": round(mib(after["VmHWM"]) - mib(before["VmRSS"]), 1),
        }

    async def run_scenario(self, sc: Scenario, next_target: Any) -> None:
        n = sc.parallel
        paths = [self.files / f"{sc.name}-{i:02d}.pdf" for i in range(n)]
        for path in paths:
            if not path.exists():
                make_file(path, sc.size_mib)
        if self.peak_mode == "restart":
            self.server.stop()
            self.server.start()
        async with self.client() as client:
            if self.peak_mode == "restart" or not self.baselines:
                await self.warm_up(client)
            for r in range(self.args.repeat):
                batch = []
                for path in paths:
                    up = Upload(sc.size_mib * MIB, refresh(path), next_target())
                    batch.append((path, up))
                run = await self.measure(client, batch)
                run["repeat"] = r + 1
                sc.runs.append(run)
                sc.uploads += [up for _, up in batch]
                print(
                    f"  {sc.label:<26} #{r + 1}: {run['wall_s']:7.2f} s  "
                    f"{run['mib_per_s']:7.1f} MiB/s  server peak {run['peak_rss_mib']:6.1f} MiB "
                    f"(+{run['peak_growth_mib']:.1f})  cpu {run['server_cpu_s']:.1f} s"
                )


def summarise(sc: Scenario) -> dict[str, Any]:
    runs = sc.runs
    med = statistics.median
    return {
        "name": sc.name,
        "label": sc.label,
        "size_mib": sc.size_mib,
        "parallel": sc.parallel,
        "repeat": len(runs),
        "median_wall_s": round(med(r["wall_s"] for r in runs), 3),
        "min_wall_s": round(min(r["wall_s"] for r in runs), 3),
        "median_mib_per_s": round(med(r["mib_per_s"] for r in runs), 1),
        "best_mib_per_s": round(max(r["mib_per_s"] for r in runs), 1),
        "median_slowest_upload_s": round(med(r["slowest_upload_s"] for r in runs), 3),
        "median_server_cpu_s": round(med(r["server_cpu_s"] for r in runs), 2),
        "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
        "sampled_peak_rss_mib": max(r["sampled_peak_rss_mib"] for r in runs),
        "max_peak_growth_mib": max(r["peak_growth_mib"] for r in runs),
        "runs": runs,
    }


async def verify(bench: Bench, uploads: list[Upload]) -> dict[str, Any]:
    """Each upload's version, with its file row (size and SHA-256), read back through the API."""
    async with bench.client() as client:
        details: dict[int, dict] = {}
        for sid in sorted({up.submission_id for up in uploads if up.submission_id}):
            resp = await client.get(f"/api/v1/submissions/{sid}")
            resp.raise_for_status()
            details[sid] = resp.json()
    for up in uploads:
        detail = details.get(up.submission_id or 0, {})
        version = next((v for v in detail.get("versions", []) if v["version"] == up.version), None)
        up.verified = bool(version) and any(
            f["size"] == up.size_bytes and f["sha256"] == up.sha256 and f["kind"] == "pdf"
            for f in version["files"]
        )
    incoming = bench.server.env["HEGUI_VAR_DIR"] + "/storage/.incoming"
    left = len(list(Path(incoming).iterdir())) if Path(incoming).is_dir() else 0
    return {
        "uploads": len(uploads),
        "status_201": sum(up.status_code == 201 for up in uploads),
        "file_rows_verified": sum(up.verified for up in uploads),
        "submissions": len(details),
        "temporary_files_left": left,
    }


# ---------------------------------------------------------------------------------------------
# Machine facts and report


def machine_facts(pg_version: str | None) -> dict[str, Any]:
    cpu, mem_gib = "", None
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_gib = round(int(line.split()[1]) / MIB, 1)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--", "backend", "templates"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    facts = {
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu or platform.processor(),
        "cpus": os.cpu_count(),
        "memory_gib": mem_gib,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "httpx": httpx.__version__,
        "commit": commit + ("+local changes" if dirty else ""),
        "engine": "postgresql" if pg_version else "sqlite",
        "sqlite": sqlite3.sqlite_version,
    }
    if pg_version:
        facts["postgresql"] = pg_version
    return facts


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    engine = f"PostgreSQL {m['postgresql']}" if m["engine"] == "postgresql" else "SQLite"
    mem = report["memory"]
    lines = [
        f"### {engine} — {m['date_utc']}",
        "",
        f"Commit {m['commit']}; {m['cpu']}, {m['cpus']} CPUs, {m['memory_gib']} GiB; "
        f"Python {m['python']}, httpx {m['httpx']}; load average at start "
        f"{', '.join(map(str, m['load_average_at_start']))}. Server baseline RSS after one "
        f"warm-up upload: {mem['baseline_rss_mib']} MiB. Peak reset: {mem['peak_mode']}."
        + (f" Note: {m['note']}" if m.get("note") else ""),
        "",
        "| Scenario | runs | median s | median MiB/s | best MiB/s | server CPU s "
        "| server peak RSS MiB | peak − RSS before, MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in report["scenarios"]:
        lines.append(
            f"| {s['label']} | {s['repeat']} | {s['median_wall_s']:.2f} | {s['median_mib_per_s']} "
            f"| {s['best_mib_per_s']} | {s['median_server_cpu_s']} | {s['peak_rss_mib']} "
            f"| {s['max_peak_growth_mib']} |"
        )
    v = report["verification"]
    singles = [s for s in report["scenarios"] if s["parallel"] == 1]
    lines += [
        "",
        f"Verified: {v['status_201']}/{v['uploads']} uploads answered 201; "
        f"{v['file_rows_verified']}/{v['uploads']} file rows read back with the same size and "
        f"SHA-256 ({v['submissions']} submissions); {v['temporary_files_left']} temporary files "
        "left in the store.",
        "",
        f"Peak RSS across single uploads of {', '.join(str(s['size_mib']) for s in singles)} MiB: "
        f"{mem['single_peak_min_mib']}–{mem['single_peak_max_mib']} MiB (spread "
        f"{mem['single_peak_spread_mib']} MiB) → grows with file size: "
        f"**{'yes' if mem['grows_with_size'] else 'no'}**. Benchmark client's own peak RSS: "
        f"{report['client_peak_rss_mib']} MiB.",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Main


async def run(args: argparse.Namespace, server: Server, files: Path) -> dict[str, Any]:
    bench = Bench(args, server, files)
    print("Starting the server (migrate + demo data)…", flush=True)
    ready_s = server.start()
    print(f"  ready in {ready_s:.1f} s (pid {server.pid}, port {server.port})")
    if not reset_peak(server.pid):
        bench.peak_mode = "restart"
        print(
            "  writing 5 to /proc/<pid>/clear_refs does not reset VmHWM here: the server is "
            "restarted for every scenario, and a peak counts from the server's start"
        )
    bench.token = issue_token(server.env)
    as_of = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    async with bench.client() as client:
        group, bench.targets = await find_targets(client, as_of)
    own = sum(t.own_row for t in bench.targets)
    print(f"  {USERNAME}: group {group['id']} {group['name']}; {own} open cells in its own row, "
          f"{len(bench.targets) - own} in its subsidiaries' rows")  # fmt: skip
    if not bench.targets:
        raise RuntimeError(f"{USERNAME}'s group has no cell that accepts a new version")
    cursor = {"i": 0}

    def next_target() -> Target:
        # Round-robin over the open cells. With fewer cells than uploads (the demo group has two),
        # a cell takes several uploads, each a new version of its submission; concurrent ones
        # are then serialised by the write transaction that numbers the versions.
        t = bench.targets[cursor["i"] % len(bench.targets)]
        cursor["i"] += 1
        return t

    print("Generating test files…", flush=True)
    started = time.perf_counter()
    scenarios = [Scenario(f"single-{n}", f"1 × {n} MiB", n, 1) for n in args.size_list]
    scenarios.append(
        Scenario(
            f"concurrent-{args.concurrent}x{args.concurrent_mb}",
            f"{args.concurrent} × {args.concurrent_mb} MiB concurrent",
            args.concurrent_mb,
            args.concurrent,
        )
    )
    for sc in scenarios:
        for i in range(sc.parallel):
            make_file(files / f"{sc.name}-{i:02d}.pdf", sc.size_mib)
    print(f"  {sum(s.size_mib * s.parallel for s in scenarios)} MiB in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip

    print("Uploading…", flush=True)
    for sc in scenarios:
        await bench.run_scenario(sc, next_target)
    uploads = [up for sc in scenarios for up in sc.uploads]
    verification = await verify(bench, uploads)
    if verification["file_rows_verified"] != len(uploads):
        raise RuntimeError(f"not every upload was found again: {verification}")

    summaries = [summarise(sc) for sc in scenarios]
    singles = [s for s in summaries if s["parallel"] == 1]
    peaks = [s["peak_rss_mib"] for s in singles]
    spread = round(max(peaks) - min(peaks), 1)
    baseline = bench.baselines[0]["rss_mib"]
    return {
        "args": {k: v for k, v in vars(args).items() if k not in {"database_url", "size_list"}},
        "memory": {
            "peak_mode": "echo 5 > /proc/<pid>/clear_refs before every run"
            if bench.peak_mode == "clear_refs"
            else "server restarted for every scenario",
            "baseline_rss_mib": baseline,
            "baselines": bench.baselines,
            "single_peak_min_mib": min(peaks),
            "single_peak_max_mib": max(peaks),
            "single_peak_spread_mib": spread,
            "grows_with_size": spread > 8,  # "within a few MiB" of each other = flat
        },
        "server_starts": server.starts,
        "targets": {"group_id": group["id"], "open_cells": len(bench.targets), "own_row": own},
        "scenarios": summaries,
        "verification": verification,
        "client_peak_rss_mib": mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="hegui-upload-bench-"))
    var_dir, files = tmp / "var", tmp / "files"
    var_dir.mkdir()
    files.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "STORAGE_DIR", "HEGUI_ALLOW_REMOTE", "HEGUI_DEBUG",
                        "HEGUI_ENV", "REDIS_URL"}}  # fmt: skip
    env.update(HEGUI_VAR_DIR=str(var_dir), MAX_UPLOAD_MB="256", PYTHONUNBUFFERED="1",
               SECRET_KEY="bench-secret-key-not-for-production")  # fmt: skip
    server = Server(env, tmp / "server.log")
    db_url, pg_version = "", None
    try:
        if args.database_url:
            db_url, pg_version = asyncio.run(create_database(args.database_url))
            env["DATABASE_URL"] = db_url
            print(f"Throw-away database {urlsplit(db_url).path.lstrip('/')} (PostgreSQL "
                  f"{pg_version})")  # fmt: skip
        machine = machine_facts(pg_version)
        print(f"Upload benchmark on {machine['engine']}: {machine['cpu']}, {machine['cpus']} CPUs")
        report = {"machine": machine, **asyncio.run(run(args, server, files))}
        if args.note:
            report["machine"]["note"] = args.note
        report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    except BaseException:
        if server.proc is not None:
            print(f"--- server log (last lines) ---\n{server.tail()}", file=sys.stderr)
        raise
    finally:
        server.stop()
        if db_url:
            try:
                asyncio.run(drop_database(args.database_url, db_url))
            except Exception as exc:  # report, but still remove the files
                print(f"could not drop {db_url}: {exc}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(markdown(report))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    print(f"\nWrote {out}")


if __name__ == "__main__":
    main()
