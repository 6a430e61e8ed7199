"""Demo 催报 and 通报: the demo reviewer chased the late deliverables of the demo enterprise
user's group twice (a week ago, and today with a message) and one obligation's late groups
once, and generated the 通报 as of today, so 催报 and 通报 show after `make run`."""

from __future__ import annotations

import datetime as dt

from backend.db.tables import Account, ExportJob, Notification, ReminderLog
from backend.domain.board.service import BoardQuery
from backend.domain.chase.service import new_batch, send_chase
from backend.domain.chase.targets import Target, pairs_from_board, resolve
from backend.domain.exports.registry import ExportKind
from backend.domain.exports.service import run_export
from backend.lib.timeutil import today
from backend.security.audit import Actor

MESSAGE = "请于本周五前报送，逾期将在通报中列明。（演示）"


async def _backdate(batch: str, days: int) -> None:
    """The first 催报 went out a week ago: its ledger rows and messages say so."""
    when = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    rows = await ReminderLog.select(ReminderLog.notification).where(ReminderLog.batch == batch)
    await ReminderLog.update({ReminderLog.created_at: when}).where(ReminderLog.batch == batch)
    ids = [r["notification"] for r in rows if r["notification"]]
    if ids:
        await Notification.update({Notification.created_at: when}).where(Notification.id.is_in(ids))


async def chase_demo(window: int) -> int:
    """Returns the 催报 messages sent (0 when the demo has no reviewer or nothing is late)."""
    reviewer = (
        await Account.select(Account.id, Account.display_name)
        .where(Account.username == "reviewer")
        .first()
    )
    clerk = (
        await Account.select(Account.enterprise.group_id.as_alias("group_id"))
        .where(Account.username == "qiye_user")
        .first()
    )
    if reviewer is None or clerk is None:
        return 0
    actor = Actor(reviewer["id"], reviewer["display_name"])
    day = today()
    targets = await resolve(await pairs_from_board(BoardQuery(as_of=day), window), day, window,
                            strict=False)  # fmt: skip
    own: list[Target] = [t for t in targets if t.enterprise.group_id == clerk["group_id"]][:3]
    sent = 0
    if own:
        earlier = await send_chase(own, "", actor, new_batch())
        await _backdate(earlier.batch, 7)
        sent += earlier.sent + (await send_chase(own[:1], MESSAGE, actor, new_batch())).sent
    if targets:
        first = targets[0].column.id
        same = [t for t in targets if t.column.id == first and t not in own][:5]
        sent += (await send_chase(same, "", actor, new_batch())).sent
    await _circular(reviewer["id"], day)
    return sent


async def _circular(requester: int, day: dt.date) -> None:
    inserted = await ExportJob.insert(
        ExportJob(
            kind=ExportKind.CIRCULAR_DOCX.value,
            params={"as_of": day.isoformat(), "year": None, "programme_id": None},
            requested_by=requester,
        )
    ).returning(ExportJob.id)
    await run_export(int(inserted[0]["id"]))
