"""The enterprise form of 企业管理: validating what the admin typed, moving a subtree, and
switching an enterprise on or off. Callers run these inside one `write_transaction()`."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from backend.db.tables import Enterprise
from backend.domain.enterprises.roster import NAME_MAX
from backend.domain.errors import NotFound
from backend.domain.shared.enterprises import EnterpriseRow, get_enterprise
from backend.lib import timeutil
from backend.rules.credit_code import credit_code_error, normalize_credit_code
from backend.security.audit import Actor, AuditAction, record

_LIMITS = {"short_name": 60, "contact_name": 60, "contact_phone": 40, "contact_email": 120}
_LABELS = {
    "short_name": "简称",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "contact_email": "联系邮箱",
}


class FormError(ValueError):
    """A field the admin must correct (the message says how)."""


@dataclass
class EnterpriseForm:
    name: str = ""
    short_name: str = ""
    credit_code: str = ""
    parent_id: str = ""
    upgraded_mgmt: str = ""
    has_general_counsel: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


def form_of(e: EnterpriseRow) -> EnterpriseForm:
    values = {f.name: getattr(e, f.name, "") for f in fields(EnterpriseForm)}
    values["parent_id"] = str(e.parent_id or "")
    values["upgraded_mgmt"] = "1" if e.upgraded_mgmt else ""
    values["has_general_counsel"] = "1" if e.has_general_counsel else ""
    return EnterpriseForm(**values)


async def validated(form: EnterpriseForm, current: EnterpriseRow | None) -> dict[str, Any]:
    """The row's new values (path fields included), or FormError. Call inside the transaction."""
    name = form.name.strip()
    if not name:
        raise FormError("请填写企业名称（营业执照上的全称）。")
    if len(name) > NAME_MAX:
        raise FormError(f"企业名称不能超过 {NAME_MAX} 个字，当前为 {len(name)} 个字，请删减。")
    values: dict[str, Any] = {"name": name}
    for key, limit in _LIMITS.items():
        values[key] = getattr(form, key).strip()
        if len(values[key]) > limit:
            raise FormError(f"{_LABELS[key]}不能超过 {limit} 个字，请删减后重新保存。")
    email = values["contact_email"]
    if email and ("@" not in email or any(c.isspace() for c in email)):
        raise FormError("联系邮箱格式不正确，请填写如 name@example.com 的地址，或留空。")
    code = normalize_credit_code(form.credit_code)
    if problem := credit_code_error(code):
        raise FormError(f"统一社会信用代码有误：{problem}。")
    same = await Enterprise.select(Enterprise.id, Enterprise.name).where(
        Enterprise.credit_code == code
    )
    if same and (current is None or same[0]["id"] != current.id):
        raise FormError(
            f"统一社会信用代码“{code}”已登记为“{same[0]['name']}”，同一企业只能登记一次；"
            "如需修改该企业，请在企业列表中搜索后编辑。"
        )
    upgraded = bool(form.upgraded_mgmt)
    values |= {"credit_code": code, "upgraded_mgmt": upgraded, "parent": None, "tier": 1}
    values["has_general_counsel"] = bool(form.has_general_counsel)
    raw = form.parent_id.strip()
    if raw:
        parent = await get_enterprise(int(raw)) if raw.isdigit() else None
        if parent is None:
            raise FormError("所选上级企业不存在，请重新选择。")
        if not parent.active and (current is None or current.parent_id != parent.id):
            raise FormError(f"上级企业“{parent.name}”已停用，请选择在用的企业。")
        if current is not None and parent.path.startswith(current.path):
            raise FormError("不能把企业调整到其自身或其下属企业之下，请重新选择上级企业。")
        if upgraded:
            raise FormError(
                "提级管理企业应为市属一级企业，不能有上级企业：请清空上级企业，或取消“提级管理”。"
            )
        values |= {"parent": parent.id, "path": parent.path, "group_id": parent.group_id}
        values["tier"] = parent.path.strip("/").count("/") + 2
    return values


async def repath(old_path: str, new_path: str) -> None:
    """Move a subtree: rewrite the path, group and tier of the node and all its descendants."""
    rows = await Enterprise.select(Enterprise.id, Enterprise.path).where(
        Enterprise.path.like(f"{old_path}%")
    )
    for row in rows:
        path = new_path + row["path"][len(old_path) :]
        ids = path.strip("/").split("/")
        await Enterprise.update(
            {Enterprise.path: path, Enterprise.group_id: int(ids[0]), Enterprise.tier: len(ids)}
        ).where(Enterprise.id == row["id"])


async def enterprise_or_404(enterprise_id: int) -> EnterpriseRow:
    row = await get_enterprise(enterprise_id)
    if row is None:
        raise NotFound("未找到该企业，可能编号有误；请返回企业列表重新选择。")
    return row


async def set_active(actor: Actor, enterprise_id: int, active: bool) -> str:
    """Deactivate (only without active subsidiaries) or reactivate (only under an active
    parent), with its audit row. Returns "" when done, else why not and what to do."""
    e = await enterprise_or_404(enterprise_id)
    if e.active == active:
        return f"该企业已是“{'在用' if active else '已停用'}”状态，无需操作。"
    if not active:
        below = await Enterprise.select(Enterprise.name).where(
            Enterprise.path.like(f"{e.path}%"),
            Enterprise.id != e.id,
            Enterprise.active == True,  # noqa: E712 (a column expression)
        )
        if below:
            return (
                f"无法停用：该企业仍有 {len(below)} 家在用的下属企业"
                f"（如“{below[0]['name']}”），请先停用这些企业或将其调整到其他上级企业之下，"
                "再停用本企业。"
            )
    elif e.parent_id is not None and not (await enterprise_or_404(e.parent_id)).active:
        return "无法启用：上级企业已停用，请先启用上级企业，或将本企业调整到在用的上级企业之下。"
    await Enterprise.update(
        {Enterprise.active: active, Enterprise.updated_at: timeutil.now()}
    ).where(Enterprise.id == e.id)
    await record(
        AuditAction.ENTERPRISE_UPDATE if active else AuditAction.ENTERPRISE_DEACTIVATE,
        actor,
        entity="enterprise",
        entity_id=e.id,
        enterprise_id=e.id,
        changes={"active": {"from": e.active, "to": active}},
    )
    return ""
