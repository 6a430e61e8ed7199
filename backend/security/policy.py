"""The one place that decides who may see and do what.

Every route handler names an access rule in `opt={"access": ...}`; the app-wide guard looks the
rule up here. Every query that returns enterprise data is narrowed by `enterprise_scope`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from backend.rules.roles import Role as Role

SASAC_ROLES = frozenset({Role.SASAC_ADMIN, Role.SASAC_REVIEWER, Role.SASAC_LEADER})
ENTERPRISE_ROLES = frozenset({Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_USER})
BUSINESS_ROLES = SASAC_ROLES | ENTERPRISE_ROLES


class Access(StrEnum):
    """Access rules, named for what they protect."""

    PUBLIC = "public"  # login page, health check, static assets
    SIGNED_IN = "signed_in"  # any account, even one that must change its password first
    SECOND_FACTOR = "second_factor"  # the MFA pages: reachable half-signed-in (password only)
    ACCOUNT = "account"  # any account in good standing: own profile, tokens, messages
    BOARD = "board"  # progress data, scoped to the user's enterprises
    SUBMIT = "submit"  # deliver for one's own group and its subsidiaries
    EXPORT = "export"  # SASAC staff and leaders
    REVIEW = "review"  # SASAC reviewers
    ADMIN = "admin"  # accounts and the roster (system administration)
    AUDIT = "audit"  # the audit log, for the auditor alone (三员分立)
    API = "api"  # the API page: roles that connect systems (not leaders, not enterprise staff)
    RAISE_FINDING = "raise_finding"  # record inspections and findings (enterprises: own 自查)
    CHASE = "chase"  # 催报 and the 通报: SASAC staff who chase (admin, reviewer), not leaders


RULES: dict[Access, frozenset[Role] | None] = {
    Access.PUBLIC: None,
    Access.SIGNED_IN: frozenset(Role),
    Access.SECOND_FACTOR: frozenset(Role),
    Access.ACCOUNT: frozenset(Role),
    Access.BOARD: BUSINESS_ROLES,
    Access.SUBMIT: ENTERPRISE_ROLES,
    Access.EXPORT: SASAC_ROLES,
    Access.REVIEW: frozenset({Role.SASAC_ADMIN, Role.SASAC_REVIEWER}),
    Access.ADMIN: frozenset({Role.SASAC_ADMIN}),
    Access.AUDIT: frozenset({Role.AUDITOR}),
    Access.API: frozenset({Role.SASAC_ADMIN, Role.SASAC_REVIEWER, Role.ENTERPRISE_ADMIN}),
    # 整改台账: SASAC staff (not leaders) and enterprises record; closing is Access.REVIEW.
    Access.RAISE_FINDING: frozenset({Role.SASAC_ADMIN, Role.SASAC_REVIEWER}) | ENTERPRISE_ROLES,
    Access.CHASE: frozenset({Role.SASAC_ADMIN, Role.SASAC_REVIEWER}),
}


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    display_name: str
    role: Role
    enterprise_id: int | None  # the enterprise an enterprise account belongs to
    group_id: int | None  # and its group, whose whole tree it acts for
    enterprise_name: str = ""
    must_change_password: bool = False
    session_id_hash: str | None = None  # None for API-token requests
    token_id: int | None = None
    mfa_pending: bool = False  # password given, second factor not yet: MFA pages only
    unread: int = 0  # unread in-app messages, shown in the top bar

    @property
    def is_sasac(self) -> bool:
        return self.role in SASAC_ROLES

    @property
    def is_enterprise(self) -> bool:
        return self.role in ENTERPRISE_ROLES

    @property
    def role_label(self) -> str:
        return self.role.label


def allowed(rule: Access, user: CurrentUser | None) -> bool:
    roles = RULES[rule]
    if roles is None:
        return True
    if user is None:
        return False
    if user.mfa_pending:
        return rule is Access.SECOND_FACTOR
    if user.must_change_password and rule is not Access.SIGNED_IN:
        return False
    return user.role in roles


def enterprise_scope(user: CurrentUser | None) -> int | None:
    """The group whose tree the user may see, or None for every enterprise (SASAC roles).
    Raises for roles that see no enterprise data at all."""
    if user is None or user.role not in BUSINESS_ROLES:
        raise PermissionError("该账户无权查看企业数据")
    if user.is_sasac:
        return None
    if user.group_id is None:
        raise PermissionError("企业账户未绑定企业")
    return user.group_id


# --- 工作台 (the first page after sign-in) ----------------------------------------------------


class Desk(StrEnum):
    """The panels of the 工作台; a user gets those whose access rule admits them."""

    REVIEW = "review"  # reviewers: what waits for them
    ENTERPRISE = "enterprise"  # enterprise staff: what the group owes
    OVERVIEW = "overview"  # leaders and SASAC staff: the programme at a glance


DESK_ACCESS: dict[Desk, Access] = {
    Desk.REVIEW: Access.REVIEW,
    Desk.ENTERPRISE: Access.SUBMIT,
    Desk.OVERVIEW: Access.EXPORT,
}


def desks(user: CurrentUser | None) -> list[Desk]:
    """The user's 工作台 panels, own work first; empty for roles without one (the auditor)."""
    return [desk for desk, rule in DESK_ACCESS.items() if allowed(rule, user)]
