"""Lookups and the 三员分立 rule shared by the user administration pages."""

from __future__ import annotations

from typing import Any

from litestar import Request

from backend.db.tables import Account, Enterprise
from backend.domain.errors import NotFound
from backend.security.guards import current_user
from backend.security.policy import Role


async def _groups_and_enterprises() -> list[dict[str, Any]]:
    return (
        await Enterprise.select(Enterprise.id, Enterprise.name, Enterprise.path)
        .where(
            Enterprise.active == True,  # noqa: E712
            Enterprise.parent.is_null(),  # accounts belong to a group, acting for its tree
        )
        .order_by(Enterprise.path)
    )


async def _account(account_id: int) -> dict[str, Any]:
    row = (
        await Account.select(
            *Account.all_columns(exclude=[Account.password_hash]),
            Account.enterprise.name.as_alias("enterprise_name"),
        )
        .where(Account.id == account_id)
        .first()
    )
    if row is None:
        raise NotFound("未找到该用户。")
    return row


SEPARATED = (
    "安全审计员账户由安全管理员在命令行（hegui users）中管理，"
    "系统管理员不能创建、修改或代其操作（三员分立）。"
)


def _separation(request: Request, account: dict[str, Any] | None, new_role: str = "") -> str:
    """Why the system administrator may not act on this account, or "" when it may."""
    if new_role == Role.AUDITOR or (account is not None and account["role"] == Role.AUDITOR):
        return SEPARATED
    me = current_user(request)
    own = account is not None and me is not None and account["id"] == me.id
    if own and new_role and new_role != account["role"]:  # type: ignore[index]
        return "不能修改自己的角色。"
    return ""


def _enterprise_id(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None
