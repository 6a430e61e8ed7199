"""Auditing refused requests — CSRF failures and 403s — without letting a flood fill the log.

Each signed-in account, and all anonymous callers together, may write at most ``LIMIT``
refusal rows per ``WINDOW`` seconds in one process; further refusals in that window are only
counted, and the count rides on that caller's next recorded refusal (``此前未记录的同类拒绝``).
So a script hammering the site costs the log at most ``LIMIT`` rows a minute per process and
caller, and nothing is silently lost from the tally. Anonymous callers never get a 403 from the
policy (they are sent to sign in), so for them only CSRF failures are recorded.

A failure to write the row is logged and never turns the refusal into something else."""

from __future__ import annotations

import logging
import time

from litestar.types import Scope

from backend.security.audit import Actor, AuditAction, record

LIMIT = 20
WINDOW = 60.0
_MAX_CALLERS = 10_000  # beyond this many distinct accounts in a window, start afresh

log = logging.getLogger("hegui.audit")
_windows: dict[int | None, list[float | int]] = {}  # caller -> [window start, used, suppressed]


def _take(caller: int | None, moment: float) -> tuple[bool, int]:
    """Whether this refusal may be recorded, and how many went unrecorded before it."""
    if len(_windows) > _MAX_CALLERS:
        _windows.clear()
    window = _windows.setdefault(caller, [moment, 0, 0])
    if moment - window[0] >= WINDOW:
        window[0], window[1] = moment, 0
    if window[1] >= LIMIT:
        window[2] = int(window[2]) + 1
        return False, 0
    suppressed = int(window[2])
    window[1], window[2] = int(window[1]) + 1, 0
    return True, suppressed


def reset() -> None:
    """Forget all windows (tests)."""
    _windows.clear()


async def audit_refusal(action: AuditAction, scope: Scope, reason: str = "") -> None:
    user = scope.get("user")
    client = scope.get("client")
    ip = client[0] if client else ""
    if user is None:
        actor = Actor(None, "匿名", None, ip)
    else:
        actor = Actor(user.id, user.username, user.enterprise_id, ip)
    may_record, suppressed = _take(actor.id, time.monotonic())
    if not may_record:
        return
    changes: dict[str, object] = {
        "请求": f"{scope.get('method', '')} {scope.get('path', '')}"[:200]
    }
    if reason:
        changes["原因"] = reason
    if suppressed:
        changes["此前未记录的同类拒绝"] = suppressed
    try:
        await record(action, actor, entity="request", changes=changes)
    except Exception:  # the refusal stands whether or not its row could be written
        log.exception("could not record the refused request")
