"""The vocabulary of messages and their delivery: what a message is about, where its e-mail
stands in the outbox, and how a background job ended. Pure enums with their Chinese labels,
plus the outbox's retry schedule."""

from __future__ import annotations

import datetime as dt
import re

from backend.lib.labels import LabelledEnum


class NotificationKind(LabelledEnum):
    """What an in-app message is about (the `kind` of `GET /api/v1/notifications`)."""

    REMINDER = "reminder", "到期提醒"
    OVERDUE = "overdue", "逾期提醒"
    CHASE = "chase", "催报"
    REVIEW = "review", "审核"
    SUBMISSION = "submission", "新报送"
    EXEMPTION = "exemption", "不适用/延期"
    DIGEST = "digest", "待审核汇总"


class OutboxStatus(LabelledEnum):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class JobOutcome(LabelledEnum):
    RUNNING = "running", "运行中"
    OK = "ok", "成功"
    FAILED = "failed", "失败"


# Delivery tries before a row is marked failed (then only the 发送记录 retry button sends it).
MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 60
BACKOFF_CAP_SECONDS = 3600


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4, 8 … minutes, at most an hour."""
    seconds = BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, BACKOFF_CAP_SECONDS))


# Deliberately plain: one @, no spaces, a dot in the domain. The server's answer is the real test.
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\".]+$")
MAX_EMAIL_LENGTH = 254


def email_problem(address: str) -> str | None:
    """Why an e-mail address is not acceptable, in Chinese; None when it is (or is empty)."""
    if not address:
        return None
    if len(address) > MAX_EMAIL_LENGTH:
        return f"电子邮箱过长（最多 {MAX_EMAIL_LENGTH} 个字符）。"
    if not _EMAIL.match(address) or ".." in address:
        return "电子邮箱格式不正确，例如 zhangsan@example.cn。"
    return None


# A version waiting longer than this many working days is "超期待审" in the reviewers' digest.
REVIEW_DUE_WORKDAYS = 5
DIGEST_HOUR = 9  # the reviewers' daily digest: 09:00 Shanghai, on working days
