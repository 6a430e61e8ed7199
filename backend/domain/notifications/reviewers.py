"""Reviewers hear when a submission or a resubmission arrives, in the submitter's transaction,
so the message exists exactly when the version does."""

from __future__ import annotations

from backend.db.tables import Account, Enterprise, Obligation
from backend.domain.mail.compose import MailFacts
from backend.domain.notifications.deliver import Outgoing, deliver
from backend.rules.messages import NotificationKind
from backend.rules.roles import Role

REVIEWER_ROLES = (Role.SASAC_ADMIN.value, Role.SASAC_REVIEWER.value)


async def notify_reviewers(
    submission_id: int, enterprise_id: int, obligation_id: int, version_no: int
) -> int:
    """One message per active reviewer account; returns how many."""
    reviewers = await Account.select(Account.id).where(
        Account.active == True,  # noqa: E712 (a column expression)
        Account.role.is_in(list(REVIEWER_ROLES)),
    )
    if not reviewers:
        return 0
    enterprise = await Enterprise.select(Enterprise.name).where(Enterprise.id == enterprise_id)
    obligation = await Obligation.select(
        Obligation.title, Obligation.due_year, Obligation.clause, Obligation.due_on
    ).where(Obligation.id == obligation_id)
    name = enterprise[0]["name"] if enterprise else ""
    title = obligation[0]["title"] if obligation else ""
    if version_no > 1:
        heading = f"【重新报送】{name}：{title}（第 {version_no} 版）"
        body = f"{name} 重新报送了「{title}」第 {version_no} 版，请审核。"
    else:
        heading = f"【新报送】{name}：{title}"
        body = f"{name} 报送了「{title}」，请审核。"
    facts = MailFacts(
        enterprise=name,
        obligation=title,
        clause=(obligation[0]["clause"] or "") if obligation else "",
        due_on=obligation[0]["due_on"] if obligation else None,
    )
    ids = await deliver(
        [
            Outgoing(
                recipient=r["id"],
                kind=NotificationKind.SUBMISSION,
                title=heading,
                body=body,
                link=f"/reviews/{submission_id}",
                enterprise=enterprise_id,
                facts=facts,
            )
            for r in reviewers
        ]
    )
    return len(ids)
