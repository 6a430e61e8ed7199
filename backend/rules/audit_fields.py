"""How the 操作日志 (page and xlsx) reads an event's recorded ``changes``: one registry of
field labels and value labels, so that an auditor reads
审核决定：退回修改；退回原因：材料不全、文件无法打开 and never the keys and codes the code
wrote (``decision``, ``failed_logins``, ``wrong_password``).

Pure: ids that name something (an account, an enterprise, a submission) are listed by
``references`` and the caller looks their names up, then passes them to ``describe``.
Every key any ``record(...)`` call writes must be here (tests/integration/test_audit_labels.py
walks the source for them); a key written in Chinese is its own label."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from backend.lib.labels import LabelledEnum
from backend.rules.audit_actions import AuditAction
from backend.rules.cell_status import Status
from backend.rules.cohorts import Cohort
from backend.rules.lists.checks import Result
from backend.rules.roles import Role
from backend.rules.vocabulary import (
    Decision,
    ExemptionKind,
    Grade,
    Rating,
    ReturnReason,
    ReviewState,
)

# What an id in a change names; the service turns (kind, id) into the thing's name.
ACCOUNT, ENTERPRISE, SUBMISSION = "account", "enterprise", "submission"

_CJK = re.compile(r"[\u3400-\u9fff]")


def _codes(*vocabularies: type[LabelledEnum], **extra: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for vocabulary in vocabularies:
        merged |= {code: label for code, label in vocabulary.labels().items() if code}
    return merged | extra


@dataclass(frozen=True)
class Field:
    label: str
    values: Mapping[str, str] = field(default_factory=dict)  # code → label
    ref: str = ""  # ACCOUNT / ENTERPRISE / SUBMISSION: the value is an id of one
    hidden: bool = False  # internal ids already said by another field (kept in the chain)
    unit: str = ""


LOGIN_REASONS = {
    "unknown_user": "用户名不存在",
    "locked": "账户已锁定",
    "wrong_password": "密码错误",
    "disabled": "账户已停用",
    "wrong_current_password": "原密码错误",
    "wrong_mfa_code": "动态口令错误",
}
EXPORT_KINDS = {"assessment": "考核评分表", "board": "进度台账"}
LOGIN_STEPS = {"password": "密码（待验证动态口令）", "mfa": "动态口令"}
MFA_KINDS = {"totp": "动态口令", "recovery": "恢复码"}
# The rubric's effectiveness dimensions (seed/rubrics/*.json, "effectiveness.dimensions").
DIMENSIONS = {
    "organisation": "组织建设",
    "rules": "制度建设",
    "mechanism": "运行机制",
    "effectiveness": "合规有效性",
}

FIELDS: dict[str, Field] = {
    # accounts and sign-in
    "username": Field("用户名"),
    "display_name": Field("姓名"),
    "role": Field("角色", Role.labels()),
    "enterprise": Field("所属企业", ref=ENTERPRISE),
    "account": Field("账户", ref=ACCOUNT),
    "reason": Field("原因", _codes(**LOGIN_REASONS)),
    "failed_logins": Field("连续失败次数", unit="次"),
    "step": Field("登录步骤", LOGIN_STEPS),
    "mfa": Field("第二因素", MFA_KINDS),
    "left": Field("剩余恢复码", unit="个"),
    # not "tokens_…": the log redacts keys that name a secret (security/audit.py)
    "revoked_access": Field("同时吊销的接口令牌", unit="个"),
    "name": Field("名称"),
    # enterprises (the form's fields)
    "short_name": Field("简称"),
    "contact_name": Field("联系人"),
    "contact_phone": Field("联系电话"),
    "contact_email": Field("联系邮箱"),
    "credit_code": Field("统一社会信用代码"),
    "upgraded_mgmt": Field("提级管理"),
    "has_general_counsel": Field("设总法律顾问"),
    "parent": Field("上级企业", ref=ENTERPRISE),
    "tier": Field("层级", unit="级"),
    "path": Field("层级路径", hidden=True),  # popped before recording; internal
    "group_id": Field("所属集团", ref=ENTERPRISE),
    "active": Field("在用"),
    "file": Field("文件"),
    "created": Field("新增", unit="家"),
    "updated": Field("修改", unit="家"),
    "unchanged": Field("未变", unit="家"),
    # submissions, files, reviews, exemptions
    "submission": Field("报送材料", ref=SUBMISSION),
    "version": Field("版本", unit="版"),
    "files": Field("文件"),
    "doc_no": Field("发文字号"),
    "preview": Field("在线预览"),
    "file_name": Field("文件名"),
    "status": Field("状态", _codes(Status)),
    "obligation": Field("任务编号"),
    "obligation_id": Field("任务", hidden=True),
    "review_id": Field("审核记录", hidden=True),
    "decision": Field("审核决定", Decision.labels()),
    "grade": Field("评级", Grade.labels()),
    "reasons": Field("退回原因", ReturnReason.labels()),
    "comment": Field("审核意见"),
    "resubmit_by": Field("重新报送期限"),
    "state": Field("状态", ReviewState.labels()),
    "lists_failing_overridden": Field("三张清单检查未通过仍予通过"),
    "discarded_drafts": Field("作废的草稿", unit="份"),
    "drafted_by": Field("草稿审核人", ref=ACCOUNT),
    "kind": Field("类型", _codes(ExemptionKind, **EXPORT_KINDS)),
    "extended_to": Field("延期至"),
    "revoked": Field("撤销"),
    # scores
    "year": Field("年度"),
    "ratings": Field("有效性评价"),
    **{code: Field(label, _codes(Rating)) for code, label in DIMENSIONS.items()},
    "amount": Field("分值", unit="分"),
    "locked": Field("锁定"),
    "unlocked": Field("解除锁定"),
    "as_of": Field("截至日期"),
    "enterprises": Field("企业数", unit="家"),
    # exports, lists
    "programme_id": Field("工作方案", hidden=True),
    "cohort": Field("企业范围", _codes(Cohort)),
    "rows": Field("行数", unit="行"),
    "total": Field("符合条件", unit="条"),
    "risks": Field("风险条目", unit="条"),
    "posts": Field("岗位条目", unit="条"),
    "nodes": Field("流程条目", unit="条"),
    "result": Field("检查结果", _codes(Result)),
    # e-mail, 督促检查 and the 整改台账
    "email": Field("电子邮箱"),
    "attempts": Field("已尝试", unit="次"),
    "finding": Field("整改问题"),
    "description": Field("问题描述"),
    "severity": Field("严重程度"),
    "deadline": Field("整改期限"),
    "note": Field("进展说明"),
    # 催报
    "recipients": Field("接收人"),
    "message": Field("催报说明"),
    # the audit log's own filters
    "filters": Field("筛选条件"),
    "page": Field("页码"),
    "action": Field("操作类型", AuditAction.labels()),
    "actor": Field("操作人"),
    "enterprise_id": Field("企业编号"),
    "since": Field("开始日期"),
    "until": Field("结束日期"),
}

# A key that means something else under one action.
BY_ACTION_FIELDS: dict[tuple[str, str], Field] = {
    (AuditAction.INSPECTION_CREATE, "enterprises"): Field("检查企业", ref=ENTERPRISE),
    (AuditAction.INSPECTION_CREATE, "ratings"): Field("有效性评价", _codes(Rating)),
}
BY_ACTION: dict[tuple[str, str], str] = {
    (AuditAction.EXPORT, "name"): "导出内容",
    (AuditAction.FILE_DOWNLOAD, "name"): "文件名",
    (AuditAction.TOKEN_CREATE, "name"): "令牌名称",
    (AuditAction.TOKEN_BREAK_GLASS, "name"): "令牌名称",
    (AuditAction.UPLOAD_REFUSED, "status"): "拒绝代码",
    (AuditAction.EXPORT, "kind"): "导出类型",
    (AuditAction.EXEMPTION, "kind"): "认定类型",
    (AuditAction.AUDIT_EXPORT, "rows"): "导出条数",
    (AuditAction.ENTERPRISE_CREATE, "name"): "企业名称",
    (AuditAction.ENTERPRISE_UPDATE, "name"): "企业名称",
}


def field_of(key: str, action: str = "") -> Field | None:
    """The registry's field, None for a key nobody registered (a test keeps that empty)."""
    if _CJK.search(key):
        return Field(key)
    if (action, key) in BY_ACTION_FIELDS:
        return BY_ACTION_FIELDS[(action, key)]
    found = FIELDS.get(key)
    if found is None:
        return None
    override = BY_ACTION.get((action, key))
    return Field(override, found.values, found.ref, found.hidden, found.unit) if override else found


def references(changes: Any, action: str = "") -> set[tuple[str, int]]:
    """(kind, id) of every id in the changes that names an account, enterprise or submission."""
    found: set[tuple[str, int]] = set()
    if not isinstance(changes, dict):
        return found
    for key, value in changes.items():
        spec = field_of(str(key), action)
        if spec is not None and spec.ref:
            pair = value if isinstance(value, dict) and set(value) == {"from", "to"} else None
            values = (pair["from"], pair["to"]) if pair else value
            for one in values if isinstance(values, list | tuple) else (values,):
                if isinstance(one, int) and not isinstance(one, bool):
                    found.add((spec.ref, one))
        elif isinstance(value, dict):
            found |= references(value, action)
    return found


def _text(value: Any, spec: Field, names: Mapping[tuple[str, int], str]) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_text(v, spec, names) for v in value) or "（空）"
    if isinstance(value, int | float) and spec.ref:
        return names.get((spec.ref, int(value)), f"（已不存在，编号 {value}）")
    if isinstance(value, int | float):
        number = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{number} {spec.unit}".strip() if spec.unit else number
    if isinstance(value, str):
        return spec.values.get(value, _cn_date(value))
    return str(value)


def _cn_date(text: str) -> str:
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    return f"{day.year}年{day.month}月{day.day}日" if day else text


def _numbered(key: str, names: Mapping[tuple[str, int], str]) -> Field:
    """A key that is an enterprise id (an inspection's ratings per enterprise) reads as its
    name, its value as a rating."""
    if key.isdecimal() and len(key) < 12:
        return Field(names.get((ENTERPRISE, int(key)), "企业"), _codes(Rating))
    return Field("其他")


def describe(
    changes: Any, action: str = "", names: Mapping[tuple[str, int], str] | None = None
) -> str:
    """``字段：值`` joined with ；, ``字段：旧值 → 新值`` for a change of value, nested
    groups (ratings, filters) in （）. Codes read as labels, ids as the names given."""
    names = names or {}
    if not changes:
        return ""
    if not isinstance(changes, dict):
        return str(changes)
    parts = []
    # The log stores keys sorted; they read in the registry's order (decision before grade…).
    order = {key: n for n, key in enumerate(FIELDS)}
    items = sorted(changes.items(), key=lambda kv: order.get(str(kv[0]), len(order)))
    for key, value in items:
        spec = field_of(str(key), action) or _numbered(str(key), names)
        if spec.hidden or value is None or value == "" or value == []:
            continue  # a return has no grade, an approval no reasons: not worth a （空）
        if isinstance(value, dict) and set(value) == {"from", "to"}:
            old, new = _text(value["from"], spec, names), _text(value["to"], spec, names)
            parts.append(f"{spec.label}：{old} → {new}")
        elif isinstance(value, dict):
            inner = describe(value, action, names).replace("；", "，")
            parts.append(f"{spec.label}：（{inner or '无'}）")
        else:
            parts.append(f"{spec.label}：{_text(value, spec, names)}")
    return "；".join(parts)
