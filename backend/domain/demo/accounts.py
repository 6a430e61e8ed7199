"""Demo accounts, one per role, created only with the demo data and printed only for a demo
database: a production install has no account until `hegui users create` makes one."""

from __future__ import annotations

from dataclasses import dataclass

from backend.db.tables import Account, AppSetting, Enterprise, PasswordHistory
from backend.security.passwords import hash_password
from backend.security.policy import Role

DEMO_MARK = "demo_data"
DEMO_PASSWORD = "Hegui@2023"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    display_name: str
    enterprise: str = ""  # the enterprise's name, for enterprise roles


async def create_demo_accounts() -> list[DemoAccount]:
    groups = (
        await Enterprise.select(Enterprise.id, Enterprise.name, Enterprise.upgraded_mgmt)
        .where(Enterprise.parent.is_null())
        .order_by(Enterprise.id)
    )
    upgraded = next(g for g in groups if g["upgraded_mgmt"])
    other = next(g for g in groups if not g["upgraded_mgmt"])
    plan = [
        ("admin", Role.SASAC_ADMIN, "系统管理员（演示）", None),
        ("reviewer", Role.SASAC_REVIEWER, "审核人员（演示）", None),
        ("leader", Role.SASAC_LEADER, "委领导（演示）", None),
        ("auditor", Role.AUDITOR, "安全审计员（演示）", None),
        ("qiye_admin", Role.ENTERPRISE_ADMIN, "企业管理员（演示）", upgraded),
        ("qiye_user", Role.ENTERPRISE_USER, "企业填报人员（演示）", other),
    ]
    hashed = await hash_password(DEMO_PASSWORD)
    created: list[DemoAccount] = []
    for username, role, name, enterprise in plan:
        rows = await Account.insert(
            Account(
                username=username,
                display_name=name,
                role=role.value,
                enterprise=enterprise["id"] if enterprise else None,
                password_hash=hashed,
                must_change_password=False,
                password_changed_at=None,  # demo passwords do not expire
            )
        ).returning(Account.id)
        await PasswordHistory.insert(PasswordHistory(account=rows[0]["id"], password_hash=hashed))
        created.append(DemoAccount(username, role, name, enterprise["name"] if enterprise else ""))
    await AppSetting.insert(AppSetting(setting_key=DEMO_MARK, setting_value="1"))
    return created


async def demo_accounts() -> list[DemoAccount]:
    """The demo accounts of a demo database; empty for any other database."""
    if not await AppSetting.exists().where(AppSetting.setting_key == DEMO_MARK):
        return []
    rows = await Account.select(
        Account.username,
        Account.role,
        Account.display_name,
        Account.enterprise.name.as_alias("enterprise_name"),
    ).where(
        Account.username.is_in(
            ["admin", "reviewer", "leader", "auditor", "qiye_admin", "qiye_user"]
        )
    )
    return [
        DemoAccount(r["username"], Role(r["role"]), r["display_name"], r["enterprise_name"] or "")
        for r in rows
    ]
