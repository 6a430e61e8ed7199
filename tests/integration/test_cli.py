"""The `hegui` command on a fresh embedded database: seed twice, the second time changes nothing."""

from __future__ import annotations

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
    assert (tmp_path / "hegui.sqlite3").exists()
    assert any((tmp_path / "storage").rglob("*"))


def test_worker_without_redis_explains_itself(tmp_path: Path) -> None:
    result = hegui("worker", var_dir=tmp_path)
    assert result.returncode == 2
    assert "未设置 REDIS_URL" in result.stderr
