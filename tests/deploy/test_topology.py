"""The compose topology without Docker (`scripts/topology.sh`): a one-shot migrate, two app
processes, the worker when Redis is set, and nginx with TLS in front. Requests through nginx
reach both apps, a session works across them, nginx's request id reaches the app's log, and the
upload limit matches MAX_UPLOAD_MB. Without nginx this is skipped loudly, unless
HEGUI_REQUIRE_NGINX=1 (CI), which makes it an error."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from tests.fixtures import CSRF_FIELD, PASSWORD
from tests.processes import ROOT, free_port

SCRIPT = ROOT / "scripts" / "topology.sh"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")


def _need_nginx() -> None:
    if NGINX:
        return
    message = "!!! TOPOLOGY TEST SKIPPED: nginx not found (apt-get install nginx-light) !!!"
    if os.environ.get("HEGUI_REQUIRE_NGINX") == "1":
        pytest.fail(message + " (HEGUI_REQUIRE_NGINX=1 makes this an error)")
    sys.stderr.write("\n" + message + "\n")
    pytest.skip(message)


def topology(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.fixture
def stack(tenant_accounts: dict[str, int], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    _need_nginx()
    run_dir = tmp_path / "run"
    env = dict(
        os.environ,
        RUN_DIR=str(run_dir),
        PORT_A=str(free_port()),
        PORT_B=str(free_port()),
        HTTPS_PORT=str(free_port()),
        MAX_UPLOAD_MB="1",
        HEGUI_SECURE_COOKIES="1",  # behind TLS, as in production
        HEGUI_REMINDER_SCAN="0",
        PYTHONUNBUFFERED="1",
    )
    started = topology("start", env)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        assert "Hegui 已启动" in started.stdout
        yield f"https://127.0.0.1:{env['HTTPS_PORT']}", run_dir
    finally:
        stopped = topology("stop", env)
        assert stopped.returncode == 0, stopped.stderr
    status = topology("status", env)
    assert "运行中" not in status.stdout, status.stdout


async def test_the_topology_runs_behind_nginx(stack: tuple[str, Path]) -> None:
    url, run_dir = stack
    async with httpx.AsyncClient(base_url=url, verify=False, timeout=30) as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["migrations"] == "ok"
        page = await client.get("/login")
        token = CSRF_FIELD.search(page.text)
        assert token
        signed = await client.post(
            "/login",
            data={"username": "reviewer", "password": PASSWORD, "_csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text
        assert "__Host-hegui_sid" in client.cookies  # Secure cookies: nginx said https
        request_ids = []
        for _ in range(6):
            board = await client.get("/board", follow_redirects=False)
            assert board.status_code == 200 and "进度看板" in board.text
            request_ids.append(board.headers["x-request-id"])
        # Over the limit: nginx answers 413, in Chinese, before the app sees the body.
        too_big = await client.post(
            "/api/v1/submissions",
            content=b"x" * (3 * 1024 * 1024),
            headers={"content-type": "application/octet-stream"},
        )
        assert too_big.status_code == 413
        assert "上限" in too_big.text
    logs = {name: (run_dir / f"{name}.log").read_text() for name in ("app-a", "app-b")}
    served = {name for name, text in logs.items() for rid in request_ids if rid in text}
    assert served == {"app-a", "app-b"}, "nginx sent every board request to one app"
    assert "rid=" + request_ids[0] in (run_dir / "nginx-access.log").read_text()


def test_compose_matches_the_topology() -> None:
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "app1", "app2", "worker", "nginx"} <= set(services)
    assert services["app1"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert "--no-migrate" in (ROOT / "docker" / "Dockerfile").read_text()
    nginx_env = services["nginx"]["environment"]
    max_upload = services["app1"]["environment"]["MAX_UPLOAD_MB"]
    # The defaults agree: nginx lets a file of exactly MAX_UPLOAD_MB (plus its envelope) in.
    assert max_upload == "${MAX_UPLOAD_MB:-200}" and nginx_env["NGINX_MAX_BODY"].endswith(":-201}")
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    assert dockerfile.count("FROM ") == 2 and "USER hegui" in dockerfile
    assert "HEALTHCHECK" in dockerfile
