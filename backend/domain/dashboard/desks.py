"""The reviewer's and the enterprise's 工作台: what waits for them.

Reviewer: one statement reads every waiting version (the review queue's own rule: a latest
version with no released decision, not 不适用), flagged with drafts and resubmissions.
Enterprise: the workspace's computation (the board's, for the group's own cells) plus one read
of the locked score snapshots."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

from backend.db import fastread
from backend.db.fastread import as_utc
from backend.db.tables import ScoreLock
from backend.domain.dashboard.schemas import (
    AgeBucketOut,
    CountOut,
    DueItemOut,
    EnterpriseDeskOut,
    LockedScoreOut,
    QueueItemOut,
    ReturnedOut,
    ReviewDeskOut,
    StatusOut,
)
from backend.domain.dashboard.service import link
from backend.domain.workspace.service import build_workspace
from backend.lib.timeutil import local_date, today
from backend.rules.cell_status import Status

# A version waiting this many calendar days or more is overdue for review (the queue's 等待天数
# filter counts the same calendar days, so the link shows exactly these).
REVIEW_DAYS = 7
AGE_STEPS = (0, 3, REVIEW_DAYS, 14, 30)
LISTED = 10
HORIZON_DAYS = 30

_WAITING = """
SELECT v.submission, v.version_no, v.submitted_at, e.name, o.code, o.title, o.due_year,
  CASE WHEN EXISTS (
    SELECT 1 FROM review d WHERE d.version = v.id AND d.state = 'draft'
  ) THEN 1 ELSE 0 END,
  CASE WHEN EXISTS (
    SELECT 1 FROM submission_version p JOIN review pr ON pr.version = p.id
    WHERE p.submission = v.submission AND p.version_no < v.version_no
      AND pr.state = 'released' AND pr.decision IN ('return', 'reopen')
  ) THEN 1 ELSE 0 END
FROM submission_version v
JOIN submission s ON s.id = v.submission AND s.latest_version = v.version_no
JOIN enterprise e ON e.id = s.enterprise
JOIN obligation o ON o.id = s.obligation
WHERE NOT EXISTS (
    SELECT 1 FROM review r WHERE r.version = v.id AND r.state = 'released'
)
AND NOT EXISTS (
    SELECT 1 FROM exemption x
    WHERE x.enterprise = s.enterprise AND x.obligation = s.obligation
      AND x.kind = 'exempt' AND x.revoked_at IS NULL
)
ORDER BY v.submitted_at, v.id
"""


def _age_label(days: int) -> str:
    return "全部待审" if days == 0 else f"等待 {days} 天及以上"


async def review_desk() -> ReviewDeskOut:
    day = today()
    items = []
    for (
        sid,
        number,
        submitted,
        name,
        code,
        title,
        year,
        draft,
        again,
    ) in await fastread.fetch_tuples(_WAITING):
        submitted_at = as_utc(submitted)
        assert submitted_at is not None
        items.append(
            QueueItemOut(
                submission_id=sid,
                enterprise_name=name,
                obligation_code=code,
                obligation_title=title,
                year=year,
                version_no=number,
                submitted_at=submitted_at.isoformat(),
                days_waiting=max(0, (day - local_date(submitted_at)).days),
                has_draft=bool(draft),
                resubmission=bool(again),
                link=f"/reviews/{sid}",
            )
        )
    drafts = [i for i in items if i.has_draft]
    again = [i for i in items if i.resubmission]
    return ReviewDeskOut(
        as_of=day.isoformat(),
        waiting=len(items),
        oldest_days=items[0].days_waiting if items else None,
        overdue=sum(1 for i in items if i.days_waiting >= REVIEW_DAYS),
        review_days=REVIEW_DAYS,
        drafts=len(drafts),
        resubmissions=len(again),
        queue_link="/reviews",
        overdue_link=link("/reviews", min_days=REVIEW_DAYS),
        ages=[
            AgeBucketOut(
                label=_age_label(n),
                count=sum(1 for i in items if i.days_waiting >= n),
                link=link("/reviews", min_days=n or None),
            )
            for n in AGE_STEPS
        ],
        oldest=items[:LISTED],
        draft_items=drafts[:LISTED],
        resubmission_items=again[:LISTED],
    )


async def latest_locked_score(group_id: int) -> LockedScoreOut | None:
    """The group's score in the latest year SASAC locked (published)."""
    rows = (
        await ScoreLock.select(ScoreLock.score_year, ScoreLock.snapshot, ScoreLock.locked_at)
        .where(ScoreLock.unlocked_at.is_null())
        .order_by(ScoreLock.score_year, ascending=False)
        .order_by(ScoreLock.id, ascending=False)
    )
    for row in rows:
        raw = row["snapshot"]
        snapshot: list[dict[str, Any]] = json.loads(raw) if isinstance(raw, str) else raw or []
        item = next((i for i in snapshot if i.get("enterprise_id") == group_id), None)
        if item is not None:
            locked_at = as_utc(row["locked_at"])
            return LockedScoreOut(
                year=row["score_year"],
                total=float(item["total"]),
                grade=str(item["grade"]),
                locked_at=locked_at.isoformat() if locked_at else "",
            )
    return None


async def enterprise_desk(group_id: int, as_of: dt.date, window_workdays: int) -> EnterpriseDeskOut:
    workspace = await build_workspace(group_id, as_of, None, window_workdays)
    due: list[DueItemOut] = []
    returned: list[ReturnedOut] = []
    for item in workspace.items:
        status = item.state.status
        column = item.column
        year_link = link("/workspace", year=column.due_year)
        target: dt.date | None = None
        if status in (Status.NOT_DUE, Status.DUE_SOON):
            target = item.state.due_on
        elif status is Status.RETURNED:
            note = item.review
            target = note.resubmit_by if note else None
            returned.append(
                ReturnedOut(
                    obligation_id=column.id,
                    code=column.code,
                    title=column.title,
                    year=column.due_year,
                    version_no=note.version if note else item.state.version_no,
                    reasons=note.reasons if note else [],
                    comment=note.comment if note else "",
                    resubmit_by=note.resubmit_by.isoformat() if note and note.resubmit_by else None,
                    link=year_link,
                )
            )
        if target is not None and 0 <= (target - as_of).days <= HORIZON_DAYS:
            due.append(
                DueItemOut(
                    obligation_id=column.id,
                    code=column.code,
                    title=column.title,
                    year=column.due_year,
                    due_on=target.isoformat(),
                    days_left=(target - as_of).days,
                    status=status.value,
                    status_label=status.label,
                    link=year_link,
                )
            )
    due.sort(key=lambda d: (d.due_on, d.code))
    counts = Counter(i.state.status for i in workspace.items)
    day = as_of.isoformat()
    return EnterpriseDeskOut(
        as_of=as_of.isoformat(),
        enterprise_id=group_id,
        enterprise_name=workspace.group.name,
        horizon_days=HORIZON_DAYS,
        statuses=[StatusOut(code=s.value, label=s.label) for s in Status],
        counts=[
            CountOut(
                status=s.value,
                count=counts[s],
                link=link("/board", as_of=day, enterprise_id=group_id, status=s.value),
            )
            for s in Status
        ],
        due=due,
        overdue=counts[Status.OVERDUE],
        returned=returned,
        score=await latest_locked_score(group_id),
        workspace_link="/workspace",
    )
