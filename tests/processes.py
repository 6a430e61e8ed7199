"""Real `hegui` processes for the deployment tests: `hegui serve` (one or several workers) and
`hegui worker`, on the database and Redis the suite uses, with JSON logs a test can read to see
which process served which request."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def environment(**extra: str) -> dict[str, str]:
    """The suite's own settings (database, Redis, var folder, secret key) plus `extra`."""
    env = dict(os.environ)
    env.update(PYTHONUNBUFFERED="1", HEGUI_LOG_FORMAT="json", HEGUI_REMINDER_SCAN="0")
    env.update(extra)
    return env


@dataclass
class Proc:
    process: subprocess.Popen[bytes]
    log_path: Path
    url: str = ""
    _log: object = field(default=None, repr=False)

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def records(self) -> list[dict[str, object]]:
        found = []
        for line in self.log_text().splitlines():
            if line.startswith("{"):
                try:
                    found.append(json.loads(line))
                except ValueError:
                    continue
        return found

    def pids_by_request(self) -> dict[str, int]:
        """request id -> pid of the process whose access line names it."""
        return {
            str(r["request_id"]): int(str(r["pid"]))
            for r in self.records()
            if r.get("logger") == "hegui.access" and r.get("request_id")
        }

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode


def start(args: list[str], log_path: Path, env: dict[str, str]) -> Proc:
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a Ctrl+C in the terminal reaches pytest, not the servers
    )
    log.close()
    return Proc(process, log_path)


def wait_ready(proc: Proc, path: str = "/healthz", timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(proc.url + path, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if proc.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{proc.url} did not start:\n{proc.log_text()[-4000:]}")
        time.sleep(0.2)


def serve(
    log_dir: Path, *, workers: int = 1, name: str = "serve", **extra_env: str
) -> Iterator[Proc]:
    port = free_port()
    args = ["serve", "--no-demo", "--port", str(port), "--workers", str(workers)]
    proc = start(args, log_dir / f"{name}.log", environment(**extra_env))
    proc.url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(proc)
        # The first worker answers before the others have started: wait for every one.
        deadline = time.monotonic() + 90
        while proc.log_text().count("Application startup complete") < workers:
            if proc.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"not every worker started:\n{proc.log_text()[-4000:]}")
            time.sleep(0.2)
        yield proc
    finally:
        proc.stop()


def wait_for_line(proc: Proc, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while text not in proc.log_text():
        if proc.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"no “{text}” in the log:\n{proc.log_text()[-4000:]}")
        time.sleep(0.2)
