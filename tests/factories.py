"""Small builders for test data, written through the real tables."""

from __future__ import annotations

import datetime as dt
import itertools

from backend.db.tables import (
    Enterprise,
    Exemption,
    Obligation,
    Review,
    Submission,
    SubmissionVersion,
)
from backend.rules.credit_code import make_credit_code

_serial = itertools.count(1)


async def enterprise(
    name: str, *, parent: int | None = None, upgraded: bool = False, group_id: int | None = None
) -> int:
    n = next(_serial)
    code = make_credit_code("9", "1", "150203", f"MA{n:07d}")
    rows = await Enterprise.insert(
        Enterprise(
            name=name,
            credit_code=code,
            parent=parent,
            tier=1 if parent is None else 2,
            upgraded_mgmt=upgraded,
        )
    ).returning(Enterprise.id)
    new_id = rows[0]["id"]
    parent_path = ""
    if parent is not None:
        parent_row = await Enterprise.select(Enterprise.path).where(Enterprise.id == parent).first()
        parent_path = parent_row["path"]
    await Enterprise.update(
        {Enterprise.path: f"{parent_path or '/'}{new_id}/", Enterprise.group_id: group_id or new_id}
    ).where(Enterprise.id == new_id)
    return new_id


async def obligation_id(code: str, year: int | None = None) -> int:
    query = Obligation.select(Obligation.id).where(Obligation.code == code)
    if year is not None:
        query = query.where(Obligation.due_year == year)
    row = await query.first()
    assert row is not None, code
    return row["id"]


async def submit(enterprise_id: int, obligation: int, at: dt.datetime, version_no: int = 1) -> int:
    existing = (
        await Submission.select(Submission.id)
        .where(Submission.natural_key == f"{enterprise_id}:{obligation}")
        .first()
    )
    if existing is None:
        rows = await Submission.insert(
            Submission(
                enterprise=enterprise_id,
                obligation=obligation,
                natural_key=f"{enterprise_id}:{obligation}",
            )
        ).returning(Submission.id)
        submission_id = rows[0]["id"]
    else:
        submission_id = existing["id"]
    await Submission.update({Submission.latest_version: version_no}).where(
        Submission.id == submission_id
    )
    rows = await SubmissionVersion.insert(
        SubmissionVersion(
            submission=submission_id,
            version_no=version_no,
            natural_key=f"{submission_id}:{version_no}",
            submitted_at=at,
            note="测试报送",
        )
    ).returning(SubmissionVersion.id)
    return rows[0]["id"]


async def review(version_id: int, decision: str, at: dt.datetime, grade: str = "") -> None:
    await Review.insert(
        Review(
            version=version_id,
            decision=decision,
            grade=grade,
            reasons='["material_incomplete"]' if decision == "return" else "[]",
            remark="请补充盖章页" if decision == "return" else "",
            state="released",
            released_at=at,
            created_at=at,
        )
    )


async def exempt(enterprise_id: int, obligation: int, at: dt.datetime, reason: str) -> None:
    await Exemption.insert(
        Exemption(
            enterprise=enterprise_id,
            obligation=obligation,
            kind="exempt",
            reason=reason,
            granted_at=at,
        )
    )
