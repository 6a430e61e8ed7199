"""`hegui audit …` on an embedded database: a head kept outside detects rows cut from the end,
the key rotates without breaking old rows, and production refuses to start without a key."""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def hegui(
    *args: str, var_dir: Path, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    drop = {"DATABASE_URL", "REDIS_URL", "HEGUI_AUDIT_KEY", "HEGUI_AUDIT_KEY_FILE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(HEGUI_VAR_DIR=str(var_dir), **(extra_env or {}))
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _sql(var_dir: Path, *statements: str) -> None:
    with sqlite3.connect(var_dir / "hegui.sqlite3") as connection:
        for statement in statements:
            connection.execute(statement)


def test_head_rotate_and_truncation(tmp_path: Path) -> None:
    assert hegui("migrate", var_dir=tmp_path).returncode == 0
    key_file = tmp_path / "audit.key"
    rotated = hegui("audit", "rotate-key", var_dir=tmp_path)
    assert rotated.returncode == 0, rotated.stderr
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"  # generated outside production
    assert "已更换操作日志密钥" in rotated.stdout
    assert len([line for line in key_file.read_text().splitlines() if ":" in line]) == 2

    head_file = tmp_path / "head.json"
    exported = hegui("audit", "head", "-o", str(head_file), var_dir=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert "第 1 条，共 1 条" in exported.stdout
    checked = hegui("audit", "verify", "--head", str(head_file), var_dir=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "共 2 条，哈希链校验通过" in checked.stdout and "一致" in checked.stdout

    try:  # the database says no by itself
        _sql(tmp_path, "DELETE FROM audit_event")
    except sqlite3.IntegrityError as exc:
        assert "禁止修改或删除" in str(exc)
    else:
        raise AssertionError("DELETE on audit_event was not refused")

    _sql(tmp_path, "DROP TRIGGER audit_event_no_delete", "DELETE FROM audit_event")
    alone = hegui("audit", "verify", var_dir=tmp_path)
    assert alone.returncode == 0  # an empty log is a valid chain: only the head can tell
    cut = hegui("audit", "verify", "--head", str(head_file), var_dir=tmp_path)
    assert cut.returncode == 1
    assert "操作日志在链头之后被截断" in cut.stdout

    head_file.write_text(head_file.read_text().replace('"记录条数": 1', '"记录条数": 0'))
    forged = hegui("audit", "verify", "--head", str(head_file), var_dir=tmp_path)
    assert forged.returncode == 2 and "签名无效" in forged.stderr
    missing = hegui("audit", "verify", "--head", str(tmp_path / "nope.json"), var_dir=tmp_path)
    assert missing.returncode == 2 and "无法读取链头文件" in missing.stderr


def test_production_refuses_to_start_without_an_audit_key(tmp_path: Path) -> None:
    env = {"HEGUI_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48)}
    result = hegui("serve", "--no-demo", var_dir=tmp_path, extra_env=env)
    assert result.returncode == 2
    assert "生产环境必须配置操作日志密钥" in result.stderr
    assert not (tmp_path / "audit.key").exists()
