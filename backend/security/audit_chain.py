"""Checking the audit chain, signed chain heads, and the one-time re-anchoring of old rows.

A chain head (链头) is a small JSON statement of the newest row — its id, hash, the number of
rows up to it and when it was taken — HMAC-signed with the current ring key. The auditor keeps
it outside the system (printed, mailed to the 安全保密负责人, on removable media). Later,
``verify(head)`` checks that the log still contains that row with that hash and that many rows
up to it: rows cut from the end after the head was taken are then detected, which the chain
alone cannot do.

Rows written before the chain was keyed (``key_id`` empty) are re-anchored once by the
migration that introduced the key: their unkeyed SHA-256 chain is checked, every row is
re-signed in order, and an ``audit_reanchor`` row records how many, the old last hash and the
result of the old check. Tampering done before that moment cannot be detected afterwards
(it could not be before either: anyone could recompute the unkeyed chain)."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from backend.db.tables.accounts import AuditEvent
from backend.db.transactions import write_transaction
from backend.lib.timeutil import now
from backend.security.audit import (
    SYSTEM,
    ZERO_HASH,
    AuditAction,
    VerifyResult,
    _dumps,
    _row_hash,
    load_json,
    record,
    row_mac,
)
from backend.security.audit_key import load_ring

_BATCH = 5000
_HEAD_FIELDS = ("记录号", "哈希值", "记录条数", "生成时间", "密钥编号")
_HEAD_NOTE = (
    "Hegui 合规督导操作日志链头：请保存在本系统及其数据库以外，日后用于核对日志是否被截断。"
)


class HeadError(ValueError):
    """An unusable chain head file (Chinese message)."""


def _head_mac(key: bytes, fields: dict[str, Any]) -> str:
    message = "hegui-audit-head-v1\n" + _dumps([fields[name] for name in _HEAD_FIELDS])
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


async def _rows(after: int) -> list[dict[str, Any]]:
    return (
        await AuditEvent.select().where(AuditEvent.id > after).order_by(AuditEvent.id).limit(_BATCH)
    )


def _break(row: dict[str, Any], prev_hash: str, last_id: int, keys: dict[str, bytes]) -> str:
    """Why ``row`` does not continue the chain, or "" when it does."""
    row_id = row["id"]
    if row["prev_hash"] != prev_hash:
        before = f"第 {last_id} 条" if last_id else "链首"
        return f"第 {row_id} 条记录的前序哈希与{before}不符，其间记录可能被删除。"
    if not row["key_id"]:
        return f"第 {row_id} 条记录没有密钥签名，可能是绕过本系统写入或改写的。"
    key = keys.get(row["key_id"])
    if key is None:
        return (
            f"第 {row_id} 条记录由编号为 {row['key_id']} 的密钥签名，该密钥不在密钥环中，"
            "无法校验（旧密钥是否被删除？）。"
        )
    digest = row_mac(key, row["key_id"], prev_hash, row, load_json(row["changes"]))
    if not hmac.compare_digest(digest, row["row_hash"]):
        return f"第 {row_id} 条记录的哈希值与内容不符，记录可能被篡改。"
    return ""


def parse_head(text: str | bytes) -> dict[str, Any]:
    """The head's fields after checking its signature; HeadError otherwise."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise HeadError("链头文件无法识别：应为本系统导出的链头（JSON）文件。") from None
    if not isinstance(data, dict) or not all(name in data for name in (*_HEAD_FIELDS, "签名")):
        raise HeadError("链头文件缺少必要内容：应为本系统导出的链头文件。")
    fields = {name: data[name] for name in _HEAD_FIELDS}
    if not isinstance(fields["记录号"], int) or not isinstance(fields["记录条数"], int):
        raise HeadError("链头文件内容无效：记录号和记录条数应为整数。")
    key = load_ring().keys.get(str(fields["密钥编号"]))
    signature = str(data["签名"])
    if key is None or not hmac.compare_digest(_head_mac(key, fields), signature):
        raise HeadError("链头文件签名无效：文件被改动过，或并非由本系统的密钥签发。")
    return fields


async def verify(head: dict[str, Any] | None = None) -> VerifyResult:
    keys = load_ring().keys
    checked, last_id, prev_hash = 0, 0, ZERO_HASH
    head_id = head["记录号"] if head else 0
    while batch := await _rows(last_id):
        for row in batch:
            problem = _break(row, prev_hash, last_id, keys)
            at_head = head is not None and not problem and row["id"] == head_id
            if (
                at_head
                and head is not None
                and (row["row_hash"] != head["哈希值"] or checked + 1 != head["记录条数"])
            ):
                problem = f"第 {head_id} 条记录与链头不符，链头之前的记录被改动、删除或插入。"
            if problem:
                return VerifyResult(False, checked, row["id"], problem, last_id, prev_hash)
            checked, last_id, prev_hash = checked + 1, row["id"], row["row_hash"]
    if head and head_id and (last_id < head_id or head["记录条数"] > checked):
        return VerifyResult(
            False,
            checked,
            head_id,
            f"链头所记的第 {head_id} 条记录已不存在：操作日志在链头之后被截断"
            f"（链头时共 {head['记录条数']:,} 条，现有 {checked:,} 条）。",
            last_id,
            prev_hash,
        )
    message = f"操作日志完整：共 {checked:,} 条，哈希链校验通过。"
    if head:
        message += f"与 {head['生成时间']} 导出的链头（第 {head_id} 条）一致。"
    return VerifyResult(True, checked, None, message, last_id, prev_hash)


async def make_head() -> dict[str, Any]:
    """A signed statement of the newest row; HeadError when the chain does not verify (a head
    must never vouch for a broken log)."""
    result = await verify()
    if not result.ok:
        raise HeadError(f"哈希链校验未通过，不能导出链头：{result.message}")
    ring = load_ring()
    fields = {
        "记录号": result.last_id,
        "哈希值": result.last_hash,
        "记录条数": result.checked,
        "生成时间": now().isoformat(timespec="seconds"),
        "密钥编号": ring.current_id,
    }
    return {"说明": _HEAD_NOTE, **fields, "签名": _head_mac(ring.current, fields)}


def dump_head(head: dict[str, Any]) -> str:
    return json.dumps(head, ensure_ascii=False, indent=2) + "\n"


async def _legacy_check() -> tuple[str, str, int]:
    """The unkeyed chain's verdict, its last hash and its length."""
    checked, last_id, prev_hash = 0, 0, ZERO_HASH
    verdict = ""
    while batch := await _rows(last_id):
        for row in batch:
            if not verdict and row["prev_hash"] != prev_hash:
                verdict = f"第 {row['id']} 条记录的前序哈希不符"
            elif (
                not verdict
                and _row_hash(prev_hash, row, load_json(row["changes"])) != row["row_hash"]
            ):
                verdict = f"第 {row['id']} 条记录的哈希值与内容不符"
            checked, last_id, prev_hash = checked + 1, row["id"], row["row_hash"]
    return verdict or "校验通过", prev_hash, checked


async def reanchor_legacy() -> int:
    """Sign the rows written before the key, once (run by the migration before the triggers
    exist). Returns how many rows were re-signed; 0 when there were none or some row is
    already keyed (then ``verify`` reports the unsigned ones instead)."""
    if not await AuditEvent.exists().where(AuditEvent.key_id == ""):
        return 0
    if await AuditEvent.exists().where(AuditEvent.key_id != ""):
        return 0
    ring = load_ring()
    async with write_transaction():
        verdict, old_last, count = await _legacy_check()
        last_id, prev_hash = 0, ZERO_HASH
        while batch := await _rows(last_id):
            for row in batch:
                digest = row_mac(
                    ring.current, ring.current_id, prev_hash, row, load_json(row["changes"])
                )
                await AuditEvent.update(
                    {
                        AuditEvent.prev_hash: prev_hash,
                        AuditEvent.row_hash: digest,
                        AuditEvent.key_id: ring.current_id,
                    }
                ).where(AuditEvent.id == row["id"])
                last_id, prev_hash = row["id"], digest
        await record(
            AuditAction.AUDIT_REANCHOR,
            SYSTEM,
            entity="audit_event",
            changes={"重新签名记录数": count, "旧链末条哈希": old_last, "旧链校验结果": verdict},
        )
    return count
