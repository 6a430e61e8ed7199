"""Jinja filters and globals: Chinese dates, status words, query-string building, and `can(...)`
so that templates ask the access policy instead of testing role strings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from jinja2 import pass_context
from jinja2.runtime import Context
from litestar.plugins.jinja import JinjaTemplateEngine

from backend.lib.timeutil import cn_date, cn_datetime
from backend.rules.cell_status import STATUS_SHORT, Status
from backend.rules.cohorts import AppliesTo, Cohort
from backend.rules.workdays import is_workday, last_workday_on_or_before
from backend.security.policy import Access, allowed


def thousands(value: int | float) -> str:
    return f"{value:,}"


def query_string(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


@pass_context
def can(context: Context, access: str) -> bool:
    """`{% if can("review") %}`: may the signed-in user reach routes under this access rule?"""
    request = context.get("request")
    user = request.scope.get("user") if request is not None else None
    return allowed(Access(access), user)


def configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.filters.update(
        cn_date=cn_date, cn_datetime=cn_datetime, thousands=thousands, qs=query_string
    )
    env.globals.update(
        STATUS_LABELS=Status.labels(),
        STATUS_SHORT=STATUS_SHORT,
        COHORT_LABELS=Cohort.labels(),
        APPLIES_TO_LABELS=AppliesTo.labels(),
        can=can,
        is_workday=is_workday,
        last_workday=last_workday_on_or_before,
    )
    env.trim_blocks = True
    env.lstrip_blocks = True
