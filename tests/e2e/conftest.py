"""Browser tests: a live `hegui serve` on a fresh embedded database with demo data, driven by
Debian's Chromium through Playwright (no browser download)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("HEGUI_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    message = (
        f"!!! BROWSER TESTS SKIPPED: {CHROMIUM} not found. "
        "Install Debian's package: apt-get install chromium !!!"
    )
    if os.environ.get("HEGUI_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(message + " (HEGUI_REQUIRE_BROWSER=1 makes this an error)")
    sys.stderr.write("\n" + message + "\n")
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.skip(reason=message))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    yield from serve()


def serve(**extra_env: str) -> Iterator[str]:
    """`hegui serve` on a fresh demo database; `extra_env` adds settings (e.g. MFA on)."""
    var_dir = Path(tempfile.mkdtemp(prefix="hegui-e2e-"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(HEGUI_VAR_DIR=str(var_dir), SECRET_KEY="e2e-secret", PYTHONUNBUFFERED="1")
    env.update(extra_env)
    log = (var_dir / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "hegui serve did not start:\n" + (var_dir / "server.log").read_text()
                )
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        shutil.rmtree(var_dir, ignore_errors=True)


def sign_in(page, username: str) -> None:
    """The demo database's accounts share one password (printed by `hegui serve`)."""
    from backend.domain.demo.accounts import DEMO_PASSWORD

    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard**")  # the 工作台 comes first after sign-in


@pytest.fixture
def page(live_server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        context = browser.new_context(base_url=live_server, locale="zh-CN")
        context.set_default_timeout(10_000)
        errors: list[str] = []
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.console_errors = errors  # type: ignore[attr-defined]
        sign_in(page, "reviewer")
        yield page
        browser.close()
