"""The audit chain's key ring: HMAC keys kept outside the database.

Whoever can write to the database could otherwise edit a row and recompute every following
hash; with a keyed chain they also need a key that lives only in a file or the environment.

Sources, first found wins:
- ``HEGUI_AUDIT_KEY``: the ring as text (lines or commas);
- ``HEGUI_AUDIT_KEY_FILE``: a ring file;
- outside production only: ``<HEGUI_VAR_DIR>/audit.key``, generated (mode 0600) on first use.
Production refuses to run without one of the first two.

A ring is one ``id:hexkey`` entry per line (``#`` starts a comment). The first entry is the
current key, used for new rows; the others are retired keys, kept so that the rows they signed
still verify. A bare ``hexkey`` gets the id ``f`` + the first 12 hex digits of its SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from backend.settings import get_settings

MIN_KEY_BYTES = 32
_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_HEADER = (
    "# Hegui 操作日志密钥环：第一行为当前密钥，其余为已停用、仅用于校验旧记录的密钥。\n"
    "# 请勿删除旧密钥，否则其签署的记录将无法校验；本文件不得放入数据库或其备份。\n"
)


class AuditKeyError(RuntimeError):
    """The key ring is missing or unusable; the message is Chinese and says what to do."""


@dataclass(frozen=True)
class KeyRing:
    current_id: str
    keys: dict[str, bytes]
    source: str  # "env" or a file path, for messages and rotation

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]


def parse_ring(text: str, source: str) -> KeyRing:
    entries: list[tuple[str, bytes]] = []
    for raw in re.split(r"[\n,;]", text):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key_id, _, hexkey = line.rpartition(":")
        try:
            key = bytes.fromhex(hexkey.strip())
        except ValueError:
            raise AuditKeyError(f"操作日志密钥（{source}）格式错误：密钥应为十六进制。") from None
        if len(key) < MIN_KEY_BYTES:
            raise AuditKeyError(
                f"操作日志密钥（{source}）过短：至少 {MIN_KEY_BYTES} 字节（{MIN_KEY_BYTES * 2} 位"
                "十六进制）。"
            )
        key_id = key_id.strip() or "f" + hashlib.sha256(key).hexdigest()[:12]
        if not _ID.match(key_id):
            raise AuditKeyError(
                f"操作日志密钥（{source}）的编号“{key_id[:20]}”无效：只能使用字母、数字、"
                "下划线或连字符，最长 16 位。"
            )
        if any(known == key_id for known, _ in entries):
            raise AuditKeyError(f"操作日志密钥（{source}）的编号“{key_id}”重复。")
        entries.append((key_id, key))
    if not entries:
        raise AuditKeyError(f"操作日志密钥（{source}）为空。")
    return KeyRing(entries[0][0], dict(entries), source)


def new_entry() -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
    return f"k{stamp}:{secrets.token_hex(MIN_KEY_BYTES)}"


def _write_new(path: Path, text: str) -> None:
    """Create ``path`` with mode 0600, atomically: another process sees all of it or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temp, path)  # fails if a concurrent first start won the race: keep theirs
    except FileExistsError:
        pass
    finally:
        temp.unlink(missing_ok=True)


def key_file_path() -> Path | None:
    configured = os.environ.get("HEGUI_AUDIT_KEY_FILE", "").strip()
    if configured:
        return Path(configured)
    if get_settings().is_production:
        return None
    return get_settings().var_dir / "audit.key"


_cache: dict[tuple[str, int, int], KeyRing] = {}


def load_ring() -> KeyRing:
    """The ring, re-read whenever its file changes (a rotation by the CLI reaches a running
    server without a restart)."""
    env = os.environ.get("HEGUI_AUDIT_KEY", "").strip()
    if env:
        cache_key = ("env:" + hashlib.sha256(env.encode()).hexdigest(), 0, 0)
        if cache_key not in _cache:
            _cache[cache_key] = parse_ring(env, "环境变量 HEGUI_AUDIT_KEY")
        return _cache[cache_key]
    path = key_file_path()
    if path is None:
        raise AuditKeyError(
            "生产环境必须配置操作日志密钥：设置 HEGUI_AUDIT_KEY_FILE（推荐）或 HEGUI_AUDIT_KEY，"
            "见 docs/security.md。"
        )
    if not path.exists():
        if get_settings().is_production:
            raise AuditKeyError(f"操作日志密钥文件 {path} 不存在。")
        _write_new(path, _HEADER + new_entry() + "\n")
    try:
        stat = path.stat()
        cache_key = (str(path), stat.st_mtime_ns, stat.st_size)
        if cache_key not in _cache:
            _cache.clear()
            _cache[cache_key] = parse_ring(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        raise AuditKeyError(f"无法读取操作日志密钥文件 {path}：{exc.strerror}") from None
    return _cache[cache_key]


def rotate() -> tuple[str, str, Path]:
    """Put a new current key at the top of the ring file; the old ones stay for verification.
    Returns (old id, new id, file)."""
    if os.environ.get("HEGUI_AUDIT_KEY", "").strip():
        raise AuditKeyError(
            "密钥来自环境变量 HEGUI_AUDIT_KEY，无法自动轮换：请在其最前面加入新的“编号:密钥”，"
            "保留旧密钥，然后重启服务（见 docs/security.md）。"
        )
    ring = load_ring()
    path = Path(ring.source)
    entries = [f"{key_id}:{key.hex()}" for key_id, key in ring.keys.items()]
    fresh = new_entry()
    while fresh.split(":", 1)[0] in ring.keys:  # two rotations within one second
        fresh = new_entry()
    text = _HEADER + "\n".join([fresh, *entries]) + "\n"
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    return ring.current_id, fresh.split(":", 1)[0], path
