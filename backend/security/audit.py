"""The audit trail (操作日志): one append-only, keyed hash-chained row per security-relevant action.

Each row's ``row_hash`` is ``HMAC-SHA256(key, prev_hash + "\\n" + key_id + "\\n" + canonical)``,
``canonical`` being the compact, key-sorted JSON of its fields, ``prev_hash`` the predecessor's
``row_hash`` (64 zeros for the first) and ``key`` the ring key named by ``key_id``
(backend/security/audit_key.py; never in the database). An edited, deleted, inserted or
reordered row breaks the chain, and nobody without the key can recompute it; the database
refuses UPDATE and DELETE outright (backend/security/audit_guard.py). Removing rows from the
*end* is detected against a signed chain head kept elsewhere (backend/security/audit_chain.py).

Retention: at least 6 months (网络安全法 第二十一条); no code path updates or deletes rows.

``record`` joins an outer transaction when there is one (Piccolo nests), so the audit row
commits or rolls back with the change it describes; the outer transaction must then be a
``write_transaction()`` on SQLite, otherwise two writers could read the same predecessor."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import math
from dataclasses import dataclass
from typing import Any

from backend.db.tables.accounts import AuditEvent
from backend.db.transactions import engine_type, write_transaction
from backend.lib.timeutil import TZ, deadline_of
from backend.security.actions import (
    AuditAction as AuditAction,  # re-exported: callers record with it
)
from backend.security.audit_key import load_ring

ZERO_HASH = "0" * 64
_LOCK_KEY = 727001
_SECRET_KEYS = ("password", "passwd", "token", "secret", "totp", "csrf", "api_key")


@dataclass(frozen=True)
class Actor:
    id: int | None
    name: str
    enterprise_id: int | None = None
    ip: str = ""


SYSTEM = Actor(None, "系统")


ACTION_LABELS: dict[str, str] = AuditAction.labels()
# The log's sortable columns (URL key → column); "time" is the record order (ids only grow).
SORTABLE = {"time": AuditEvent.id, "actor": AuditEvent.actor_name, "action": AuditEvent.action}


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None
    message: str
    last_id: int = 0  # the last row that verified, for a chain head
    last_hash: str = ZERO_HASH


def _clip(text: str, length: int) -> str:
    """Control characters (CR/LF…) escaped so that no record can fake another; cut to fit."""
    escaped = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    return escaped[:length]


def _clean(value: Any) -> Any:
    """Secrets redacted, keys as strings, NaN/inf as text (PostgreSQL json refuses them)."""
    if isinstance(value, dict):
        return {
            str(k): "***" if any(s in str(k).lower() for s in _SECRET_KEYS) else _clean(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        items = [_clean(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default
    )


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(row: dict[str, Any], changes: Any) -> str:
    fields = [row[name] for name in ("actor", "actor_name", "enterprise_id", "ip", "action")]
    return _dumps(
        [_stamp(row["occurred_at"]), *fields, row["entity"], str(row["entity_id"]), changes]
    )


def _row_hash(prev_hash: str, row: dict[str, Any], changes: Any) -> str:
    """The unkeyed SHA-256 link of rows written before the key (only to re-anchor them)."""
    return hashlib.sha256(f"{prev_hash}\n{canonical(row, changes)}".encode()).hexdigest()


def row_mac(key: bytes, key_id: str, prev_hash: str, row: dict[str, Any], changes: Any) -> str:
    message = f"{prev_hash}\n{key_id}\n{canonical(row, changes)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


async def record(
    action: str,
    actor: Actor,
    *,
    entity: str = "",
    entity_id: str | int = "",
    enterprise_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> int:
    """Append one event and return its id. ``enterprise_id`` is the enterprise acted upon;
    it defaults to the actor's own."""
    changes_text = _dumps(_clean(changes or {}))
    row: dict[str, Any] = {
        "occurred_at": dt.datetime.now(dt.UTC),
        "actor": actor.id,
        "actor_name": _clip(actor.name, 60),
        "enterprise_id": enterprise_id if enterprise_id is not None else actor.enterprise_id,
        "ip": _clip(actor.ip, 45),
        "action": _clip(str(action), 40),
        "entity": _clip(entity, 40),
        "entity_id": _clip(str(entity_id), 40),
    }
    ring = load_ring()  # before the transaction: a missing key fails without touching the DB
    async with write_transaction():
        if engine_type() == "postgres":
            await AuditEvent.raw(f"SELECT pg_advisory_xact_lock({_LOCK_KEY})")
        last = (
            await AuditEvent.select(AuditEvent.row_hash)
            .order_by(AuditEvent.id, ascending=False)
            .first()
        )
        prev_hash = last["row_hash"] if last else ZERO_HASH
        digest = row_mac(ring.current, ring.current_id, prev_hash, row, json.loads(changes_text))
        inserted = await AuditEvent.insert(
            AuditEvent(
                **row,
                changes=changes_text,
                prev_hash=prev_hash,
                row_hash=digest,
                key_id=ring.current_id,
            )
        ).returning(AuditEvent.id)
    return int(inserted[0]["id"])


def load_json(raw: Any) -> Any:
    return json.loads(raw) if isinstance(raw, str | bytes) else raw


async def verify_chain(head: dict[str, Any] | None = None) -> VerifyResult:
    """Recompute every row's keyed hash in id order; stop at the first break. With ``head`` (a
    signed chain head exported earlier) also check that the log still reaches it."""
    from backend.security.audit_chain import verify

    return await verify(head)


async def search(
    *,
    action: str | None = None,
    actor: str | None = None,
    enterprise_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    page: int = 1,
    page_size: int = 50,
    order: str = "time",
    descending: bool = True,
) -> tuple[list[dict[str, Any]], int]:
    """One page of events, newest first (or by ``order``, one of SORTABLE, ties newest first),
    and the total matching. ``since``/``until`` are Shanghai calendar days, both inclusive;
    ``actor`` matches part of the actor's name."""
    where: list[Any] = []
    if action:
        where.append(AuditEvent.action == action)
    if actor:
        name = AuditEvent.actor_name  # SQLite's LIKE already ignores ASCII case
        where.append((name.ilike if engine_type() == "postgres" else name.like)(f"%{actor}%"))
    if enterprise_id is not None:
        where.append(AuditEvent.enterprise_id == enterprise_id)
    if since is not None:
        start = dt.datetime(since.year, since.month, since.day, tzinfo=TZ)
        where.append(AuditEvent.occurred_at >= start.astimezone(dt.UTC))
    if until is not None:
        where.append(AuditEvent.occurred_at <= deadline_of(until).astimezone(dt.UTC))
    page, page_size = max(page, 1), min(max(page_size, 1), 500)
    query = AuditEvent.select()
    if order in SORTABLE and order != "time":
        query = query.order_by(SORTABLE[order], ascending=not descending)
    query = query.order_by(AuditEvent.id, ascending=order == "time" and not descending)
    count = AuditEvent.count()
    if where:
        query, count = query.where(*where), count.where(*where)
    rows = await query.limit(page_size).offset((page - 1) * page_size)
    for row in rows:
        row["actor_id"] = row.pop("actor")
        row["changes"] = load_json(row["changes"])
        row["action_label"] = AuditAction.label_of(row["action"], "其他操作")
    return rows, await count
