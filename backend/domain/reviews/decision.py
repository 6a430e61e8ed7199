"""A review decision checked before it touches the database (Chinese messages, HTTP 400)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from backend.domain.board.history import REASON_LABELS
from backend.domain.errors import Invalid
from backend.lib.timeutil import today
from backend.rules.workdays import add_workdays

DECISIONS = ("approve", "return", "reopen")
GRADES = ("excellent", "good", "pass")
RESUBMIT_WORKDAYS = 5
NOTICE_LABELS = {"approve": "审核通过", "return": "退回修改", "reopen": "重新打开"}
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Decision:
    decision: str
    grade: str
    reasons: list[str]
    comment: str
    resubmit_by: dt.date | None


def default_resubmit_by() -> dt.date:
    return add_workdays(today(), RESUBMIT_WORKDAYS)


def validate(
    decision: str,
    grade: str | None,
    reasons: Iterable[str],
    comment: str | None,
    resubmit_by: dt.date | None,
) -> Decision:
    """Check a decision before touching the database; raises with a Chinese message (400)."""
    decision = (decision or "").strip()
    if decision not in DECISIONS:
        raise Invalid("请选择审核结论：approve（通过）、return（退回修改）或 reopen。")
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise Invalid(f"审核意见不能超过 {MAX_COMMENT} 字。")
    if decision == "approve":
        if (grade or "").strip() not in GRADES:
            raise Invalid("审核通过须选择评级：excellent（优）、good（良）或 pass（合格）。")
        return Decision(decision, (grade or "").strip(), [], text, None)
    codes = list(dict.fromkeys(c.strip() for c in reasons if c and c.strip()))
    unknown = [c for c in codes if c not in REASON_LABELS]
    if unknown:
        allowed = "、".join(f"{code}（{label}）" for code, label in REASON_LABELS.items())
        raise Invalid(f"退回原因代码无效：{'、'.join(unknown)}；可选：{allowed}。")
    if decision == "return" and not codes:
        raise Invalid("退回修改须至少选择一项退回原因。")
    if "other" in codes and not text:
        raise Invalid("退回原因选择了“其他”，请在审核意见中写明具体原因。")
    if decision == "reopen" and not text:
        raise Invalid("重新打开须填写原因，企业将看到该说明。")
    if resubmit_by is None:
        resubmit_by = default_resubmit_by()
    elif resubmit_by <= today():
        raise Invalid("重新报送期限应晚于今天。")
    return Decision(decision, "", codes, text, resubmit_by)
