"""不适用 and 延期: SASAC exempts an enterprise from an obligation, or moves its due date.

Both are rows of `Exemption`, in force until revoked; the board's cell rules read them. Each
grant and revocation notifies the enterprise group and is audited in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.db.tables import Exemption, Obligation, SubmissionVersion
from backend.db.transactions import write_transaction
from backend.domain.errors import Conflict, Invalid, NotFound
from backend.domain.reviews.notify import notify_group
from backend.domain.shared.enterprises import EnterpriseRow, get_enterprise
from backend.lib.timeutil import cn_date
from backend.rules.cohorts import covered_by_group, reports
from backend.rules.vocabulary import ExemptionKind
from backend.security.audit import Actor, AuditAction, record

MAX_REASON = 1000


def _reason(text: str | None, what: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise Invalid(f"请填写{what}的理由。")
    if len(reason) > MAX_REASON:
        raise Invalid(f"理由不能超过 {MAX_REASON} 字。")
    return reason


async def _cell(
    enterprise_id: int, obligation_id: int, *, check: bool = True
) -> tuple[EnterpriseRow, dict[str, Any]]:
    enterprise = await get_enterprise(enterprise_id)
    obligation = (
        await Obligation.select(
            Obligation.id,
            Obligation.code,
            Obligation.title,
            Obligation.due_on,
            Obligation.applies_to,
        )
        .where(Obligation.id == obligation_id)
        .first()
    )
    if enterprise is None or obligation is None:
        raise NotFound("未找到该企业或节点任务。")
    if not check:
        return enterprise, obligation
    if covered_by_group(obligation["applies_to"], enterprise.cohort):
        raise Invalid("该项为全级次任务，由所属集团统一报送，请对所属集团办理。")
    if not reports(obligation["applies_to"], enterprise.cohort):
        raise Invalid("该节点任务本就不适用于该企业，无需办理。")
    return enterprise, obligation


async def _in_force(enterprise_id: int, obligation_id: int, kind: str) -> list[dict[str, Any]]:
    return await Exemption.select().where(
        Exemption.enterprise == enterprise_id,
        Exemption.obligation == obligation_id,
        Exemption.kind == kind,
        Exemption.revoked_at.is_null(),
    )


async def _write(
    enterprise: EnterpriseRow,
    obligation: dict[str, Any],
    *,
    kind: str,
    reason: str,
    extended_to: dt.date | None,
    actor: Actor,
    title: str,
) -> dict[str, Any]:
    inserted = await Exemption.insert(
        Exemption(
            enterprise=enterprise.id,
            obligation=obligation["id"],
            kind=kind,
            reason=reason,
            extended_to=extended_to,
            granted_by=actor.id,
            granted_at=dt.datetime.now(dt.UTC),
        )
    ).returning(Exemption.id)
    exemption_id = inserted[0]["id"]
    await notify_group(
        enterprise.group_id,
        enterprise.id,
        kind="exemption",
        title=f"【{title}】{obligation['code']} {obligation['title']}",
        body=f"理由：{reason}",
    )
    await record(
        AuditAction.EXEMPTION,
        actor,
        entity="exemption",
        entity_id=exemption_id,
        enterprise_id=enterprise.id,
        changes={
            "kind": kind,
            "obligation": obligation["code"],
            "obligation_id": obligation["id"],
            "reason": reason,
            "extended_to": extended_to,
        },
    )
    return {"id": exemption_id, "kind": kind, "extended_to": extended_to}


async def grant_exemption(
    enterprise_id: int, obligation_id: int, reason: str | None, actor: Actor
) -> dict[str, Any]:
    """认定不适用: the enterprise owes nothing for this obligation while it is in force."""
    text = _reason(reason, "认定不适用")
    async with write_transaction():
        enterprise, obligation = await _cell(enterprise_id, obligation_id)
        if await _in_force(enterprise_id, obligation_id, "exempt"):
            raise Conflict("该项已认定为不适用。")
        return await _write(
            enterprise,
            obligation,
            kind="exempt",
            reason=text,
            extended_to=None,
            actor=actor,
            title="不适用",
        )


def current_due(obligation: dict[str, Any], extensions: list[dict[str, Any]]) -> dt.date:
    dates = [e["extended_to"] for e in extensions if e["extended_to"] is not None]
    return max([obligation["due_on"], *dates])


async def grant_extension(
    enterprise_id: int,
    obligation_id: int,
    extended_to: dt.date | None,
    reason: str | None,
    actor: Actor,
) -> dict[str, Any]:
    """同意延期 to a date after the current (possibly already extended) due date."""
    text = _reason(reason, "延期")
    if extended_to is None:
        raise Invalid("请填写延期后的截止日期。")
    async with write_transaction():
        enterprise, obligation = await _cell(enterprise_id, obligation_id)
        if await _in_force(enterprise_id, obligation_id, "exempt"):
            raise Conflict("该项已认定为不适用，无需延期。")
        due = current_due(obligation, await _in_force(enterprise_id, obligation_id, "extension"))
        if extended_to <= due:
            raise Invalid(f"延期后的截止日期应晚于当前截止日期（{cn_date(due)}）。")
        if await SubmissionVersion.exists().where(
            SubmissionVersion.submission.enterprise == enterprise_id,
            SubmissionVersion.submission.obligation == obligation_id,
        ):
            # Lateness is judged on the first submission; a later extension cannot undo it.
            raise Conflict("该项已报送，不能再延期：是否逾期按首次报送时间认定。")
        return await _write(
            enterprise,
            obligation,
            kind="extension",
            reason=text,
            extended_to=extended_to,
            actor=actor,
            title=f"同意延期至{cn_date(extended_to)}",
        )


async def revoke_exemption(
    exemption_id: int, actor: Actor, *, reason: str = "", enterprise_id: int | None = None
) -> dict[str, Any]:
    """Withdraw a 不适用 or an extension; `enterprise_id`, when given, must match."""
    async with write_transaction():
        row = await Exemption.select().where(Exemption.id == exemption_id).first()
        if row is None or (enterprise_id is not None and row["enterprise"] != enterprise_id):
            raise NotFound("未找到该不适用或延期记录。")
        if row["revoked_at"] is not None:
            raise Conflict("该记录已撤销。")
        enterprise, obligation = await _cell(row["enterprise"], row["obligation"], check=False)
        await Exemption.update({Exemption.revoked_at: dt.datetime.now(dt.UTC)}).where(
            Exemption.id == exemption_id
        )
        what = "不适用认定" if row["kind"] == ExemptionKind.EXEMPT else "延期"
        await notify_group(
            enterprise.group_id,
            enterprise.id,
            kind="exemption",
            title=f"【撤销{what}】{obligation['code']} {obligation['title']}",
            body=f"理由：{reason.strip()}" if reason.strip() else "",
        )
        await record(
            AuditAction.EXEMPTION,
            actor,
            entity="exemption",
            entity_id=exemption_id,
            enterprise_id=enterprise.id,
            changes={
                "kind": row["kind"],
                "obligation": obligation["code"],
                "revoked": True,
                "reason": reason.strip(),
            },
        )
    return {"id": exemption_id, "kind": row["kind"], "revoked": True}
