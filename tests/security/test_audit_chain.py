"""The audit chain resists rewriting: keyed hashes, append-only at the database, signed heads
against truncation, key rotation, and the one-time re-anchoring of rows from before the key."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from backend.db.tables.accounts import AuditEvent
from backend.db.transactions import engine_type
from backend.security import audit, audit_chain, audit_key
from backend.security.audit import SYSTEM, AuditAction
from backend.security.audit_guard import MESSAGE
from tests.tampering import guards_lifted

Digest = Callable[[str, dict[str, Any]], str]


async def _five() -> list[int]:
    return [
        await audit.record(AuditAction.REVIEW, SYSTEM, entity="submission", entity_id=i)
        for i in range(5)
    ]


async def _rehash_from(first_id: int, digest: Digest, key_id: str | None = None) -> None:
    """Recompute every link from ``first_id`` on, as someone with write access would."""
    prev = audit.ZERO_HASH
    for row in await AuditEvent.select().order_by(AuditEvent.id):
        if row["id"] >= first_id:
            new = digest(prev, row)
            values = {AuditEvent.prev_hash: prev, AuditEvent.row_hash: new}
            if key_id is not None:
                values[AuditEvent.key_id] = key_id
            await AuditEvent.update(values).where(AuditEvent.id == row["id"])
            prev = new
        else:
            prev = row["row_hash"]


def legacy(prev: str, row: dict[str, Any]) -> str:
    return audit._row_hash(prev, row, audit.load_json(row["changes"]))


async def test_a_row_rewritten_with_the_plain_hash_fails_verification(db: None) -> None:
    ids = await _five()
    async with guards_lifted():
        await AuditEvent.update({AuditEvent.action: AuditAction.LOGIN}).where(
            AuditEvent.id == ids[2]
        )
        await _rehash_from(ids[2], legacy, key_id="")
    result = await audit.verify_chain()
    assert not result.ok and result.first_bad_id == ids[2] and result.checked == 2
    assert result.message == f"第 {ids[2]} 条记录没有密钥签名，可能是绕过本系统写入或改写的。"


async def test_a_row_rewritten_with_a_guessed_key_fails_verification(db: None) -> None:
    ids = await _five()
    guessed, key_id = secrets.token_bytes(32), audit_key.load_ring().current_id

    def forged(prev: str, row: dict[str, Any]) -> str:
        return audit.row_mac(guessed, key_id, prev, row, audit.load_json(row["changes"]))

    async with guards_lifted():
        await AuditEvent.update({AuditEvent.entity_id: "99"}).where(AuditEvent.id == ids[3])
        await _rehash_from(ids[3], forged)
    result = await audit.verify_chain()
    assert not result.ok and result.first_bad_id == ids[3]
    assert result.message == f"第 {ids[3]} 条记录的哈希值与内容不符，记录可能被篡改。"


async def test_the_database_refuses_update_and_delete(db: None) -> None:
    ids = await _five()
    attempts = [
        AuditEvent.update({AuditEvent.actor_name: "别人"}).where(AuditEvent.id == ids[0]),
        AuditEvent.delete().where(AuditEvent.id == ids[4]),
        AuditEvent.raw("UPDATE audit_event SET row_hash = 'x'"),
        AuditEvent.raw("DELETE FROM audit_event"),
    ]
    if engine_type() == "postgres":
        attempts.append(AuditEvent.raw("TRUNCATE audit_event"))
    for attempt in attempts:
        with pytest.raises(Exception, match=MESSAGE):
            await attempt
    assert await AuditEvent.count() == 5
    assert (await audit.verify_chain()).ok
    await audit.record(AuditAction.LOGIN, SYSTEM)  # appending still works
    assert (await audit.verify_chain()).checked == 6


async def test_a_signed_head_detects_truncation(db: None) -> None:
    ids = await _five()
    head = await audit_chain.make_head()
    assert (head["记录号"], head["记录条数"]) == (ids[-1], 5)
    kept = audit_chain.parse_head(audit_chain.dump_head(head))
    await audit.record(AuditAction.LOGIN, SYSTEM)
    ok = await audit.verify_chain(kept)
    assert ok.ok and ok.checked == 6 and "导出的链头" in ok.message

    async with guards_lifted():  # cut the newest three rows, the head's own among them
        await AuditEvent.delete().where(AuditEvent.id >= ids[3])
    assert (await audit.verify_chain()).ok  # the chain alone cannot tell
    cut = await audit.verify_chain(kept)
    assert not cut.ok and cut.first_bad_id == ids[-1] and cut.checked == 3
    assert cut.message == (
        f"链头所记的第 {ids[-1]} 条记录已不存在："
        "操作日志在链头之后被截断（链头时共 5 条，现有 3 条）。"
    )


async def test_a_head_that_no_longer_matches_its_row_is_reported(db: None) -> None:
    await _five()
    head = audit_chain.parse_head(audit_chain.dump_head(await audit_chain.make_head()))
    wrong = {**head, "哈希值": "0" * 64}
    result = await audit.verify_chain(wrong)
    assert not result.ok and "与链头不符" in result.message


async def test_an_edited_head_file_is_refused(db: None) -> None:
    await _five()
    head = await audit_chain.make_head()
    edited = json.dumps({**head, "记录条数": 3}, ensure_ascii=False)
    with pytest.raises(audit_chain.HeadError, match="签名无效"):
        audit_chain.parse_head(edited)
    for junk in ("", "not json", "[]", json.dumps({"记录号": 1})):
        with pytest.raises(audit_chain.HeadError):
            audit_chain.parse_head(junk)


async def test_no_head_for_a_broken_chain(db: None) -> None:
    ids = await _five()
    async with guards_lifted():
        await AuditEvent.update({AuditEvent.ip: "1.2.3.4"}).where(AuditEvent.id == ids[1])
    with pytest.raises(audit_chain.HeadError, match="不能导出链头"):
        await audit_chain.make_head()


@pytest.fixture
def ring_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "ring.key"
    path.write_text(f"old1:{secrets.token_hex(32)}\n")
    saved = os.environ.get("HEGUI_AUDIT_KEY_FILE")
    os.environ["HEGUI_AUDIT_KEY_FILE"] = str(path)
    try:
        yield path
    finally:
        if saved is None:
            os.environ.pop("HEGUI_AUDIT_KEY_FILE")
        else:
            os.environ["HEGUI_AUDIT_KEY_FILE"] = saved


async def test_rotation_keeps_old_rows_verifiable(db: None, ring_file: Path) -> None:
    await _five()
    old_id, new_id, path = audit_key.rotate()
    assert path == ring_file and old_id == "old1" and new_id.startswith("k")
    assert oct(ring_file.stat().st_mode & 0o777) == "0o600"
    await audit.record(AuditAction.LOGIN, SYSTEM)
    used = [r["key_id"] for r in await AuditEvent.select(AuditEvent.key_id)]
    assert used == [old_id] * 5 + [new_id]
    assert (await audit.verify_chain()).checked == 6

    # Dropping the retired key from the ring makes its rows unverifiable — and says so.
    lines = ring_file.read_text().splitlines()
    ring_file.write_text("\n".join(line for line in lines if not line.startswith(old_id)))
    result = await audit.verify_chain()
    assert not result.ok and result.checked == 0
    assert f"编号为 {old_id} 的密钥签名，该密钥不在密钥环中" in result.message


def test_ring_text_is_checked() -> None:
    good = secrets.token_hex(32)
    ring = audit_key.parse_ring(f"# comment\nnew1:{good}\nold1:{secrets.token_hex(32)}", "t")
    assert ring.current_id == "new1" and set(ring.keys) == {"new1", "old1"}
    bare = audit_key.parse_ring(good, "t")
    assert bare.current_id.startswith("f") and len(bare.current_id) == 13
    for text, message in (
        ("", "为空"),
        ("a:" + "ab" * 8, "过短"),
        ("a:xyz", "十六进制"),
        (f"a b:{good}", "编号"),
        (f"a:{good}\na:{good}", "重复"),
    ):
        with pytest.raises(audit_key.AuditKeyError, match=message):
            audit_key.parse_ring(text, "t")


async def test_rows_from_before_the_key_are_reanchored_once(db: None) -> None:
    # Three rows as the unkeyed code wrote them (key_id empty, plain SHA-256 links).
    async with guards_lifted():
        await _five()
        await _rehash_from(0, legacy, key_id="")
        await AuditEvent.delete().where(AuditEvent.id > 3)
        assert not (await audit.verify_chain()).ok
        assert await audit_chain.reanchor_legacy() == 3
        assert await audit_chain.reanchor_legacy() == 0  # only once
    result = await audit.verify_chain()
    assert result.ok and result.checked == 4, result.message
    rows, _ = await audit.search(action=AuditAction.AUDIT_REANCHOR)
    assert rows[0]["changes"]["重新签名记录数"] == 3
    assert rows[0]["changes"]["旧链校验结果"] == "校验通过"
