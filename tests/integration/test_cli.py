"""The `hegui` command on a fresh embedded database: seed twice, the second time changes nothing."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def hegui(*args: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["HEGUI_VAR_DIR"] = str(var_dir)
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_seed_is_idempotent_and_demo_only_fills_an_empty_database(tmp_path: Path) -> None:
    first = hegui("seed", "--demo", var_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "24 个节点任务（已更新）" in first.stdout
    assert "已载入演示数据：30 户集团" in first.stdout
    second = hegui("seed", "--demo", var_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "24 个节点任务（无变化）" in second.stdout
    assert "未载入演示数据" in second.stdout
    assert "条督办提醒" in first.stdout and "条督办提醒" not in second.stdout
    # the first scan reminded about 整改台账 findings too: the demo has one due in 5 working days
    import sqlite3

    with contextlib.closing(sqlite3.connect(tmp_path / "hegui.sqlite3")) as con:
        found = con.execute(
            "SELECT kind, step FROM reminder_log WHERE finding IS NOT NULL AND obligation IS NULL"
        ).fetchall()
    assert ("before_due", 5) in found
    assert (tmp_path / "hegui.sqlite3").exists()
    assert any((tmp_path / "storage").rglob("*"))


def test_worker_without_redis_explains_itself(tmp_path: Path) -> None:
    result = hegui("worker", var_dir=tmp_path)
    assert result.returncode == 2
    assert "未设置 REDIS_URL" in result.stderr


def test_lists_template_and_check_from_the_shell(tmp_path: Path) -> None:
    template = tmp_path / "模板.xlsx"
    result = hegui("lists", "template", "-o", str(template), var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "已写出三张清单模板" in result.stdout and template.stat().st_size > 5000
    empty = hegui("lists", "check", str(template), var_dir=tmp_path)
    assert empty.returncode == 1
    assert "基本信息 第 2 行“内容”列：“审定机构”必填。" in empty.stdout

    from tests.lists_workbook import workbook

    filled = tmp_path / "清单.xlsx"
    filled.write_bytes(workbook())
    good = hegui("lists", "check", str(filled), var_dir=tmp_path)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "风险事项 16 项" in good.stdout and "【通过】重点领域覆盖" in good.stdout


def test_remind_scan_from_the_shell_sends_once(tmp_path: Path) -> None:
    assert hegui("seed", "--demo", var_dir=tmp_path).returncode == 0
    dry = hegui("remind", "scan", "--as-of", "2024-12-30T09:00", "--dry-run", var_dir=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "截至 2024年12月30日 09:00：将发送" in dry.stdout
    assert "到期提醒｜" in dry.stdout and "距报送截止还有 1 个工作日" in dry.stdout
    assert "逾期提醒｜" in dry.stdout and "｜整改问题：" in dry.stdout  # findings too
    sent = hegui("remind", "scan", "--as-of", "2024-12-30T09:00", var_dir=tmp_path)
    assert sent.returncode == 0, sent.stderr
    # the dry run listed exactly what the real run then sent
    assert sent.stdout.replace("已发送", "将发送") == dry.stdout
    again = hegui("remind", "scan", "--as-of", "2024-12-30T10:00", var_dir=tmp_path)
    assert "没有需要发送的新提醒" in again.stdout
    bad = hegui("remind", "scan", "--as-of", "2024-13-30T09:00", var_dir=tmp_path)
    assert bad.returncode == 2 and "不是有效的时间" in bad.stderr and "Error" not in bad.stderr


def test_serve_says_the_sqlite_version_first_and_started_only_when_listening(
    tmp_path: Path,
) -> None:
    import socket
    import sqlite3
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {"HEGUI_VAR_DIR": str(tmp_path), "HEGUI_REMINDER_SCAN": "off", "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "serve", "--no-demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert server.stdout is not None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "服务已启动" in line:
                # said only once the port accepts connections
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = "".join(lines)
    assert lines and lines[0].startswith(f"数据库：SQLite {sqlite3.sqlite_version}（"), output
    assert "Running Sqlite version" not in output
    assert f"服务已启动：http://127.0.0.1:{port}" in output, output
    assert output.count("服务已启动") == 1
