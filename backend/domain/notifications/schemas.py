"""The notifications API's answers as typed structs."""

from __future__ import annotations

import datetime as dt

import msgspec

from backend.rules.messages import NotificationKind


class NotificationOut(msgspec.Struct, kw_only=True):
    id: int
    kind: NotificationKind  # reminder, overdue, chase (催报), review, submission, …
    title: str
    body: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    link: str  # a path in the site, e.g. /workspace?year=2024#item-12


class NotificationPageOut(msgspec.Struct, kw_only=True):
    items: list[NotificationOut]
    total: int
    page: int
    page_size: int
