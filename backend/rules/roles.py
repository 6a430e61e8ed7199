"""Account roles with their Chinese labels: a pure enum below the database layer (the account
table names it as its column's choices); who may do what is `backend.security.policy`."""

from __future__ import annotations

from backend.lib.labels import LabelledEnum


class Role(LabelledEnum):
    SASAC_ADMIN = "sasac_admin", "国资委系统管理员"
    SASAC_REVIEWER = "sasac_reviewer", "国资委审核人员"
    SASAC_LEADER = "sasac_leader", "国资委领导（只读）"
    ENTERPRISE_ADMIN = "enterprise_admin", "企业管理员"
    ENTERPRISE_USER = "enterprise_user", "企业填报人员"
    AUDITOR = "auditor", "安全审计员"
