"""Jinja filters and globals: Chinese dates, status words and query-string building."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar.plugins.jinja import JinjaTemplateEngine

from backend.lib.timeutil import cn_date, cn_datetime
from backend.rules.cell_status import STATUS_SHORT, Status
from backend.rules.cohorts import AppliesTo, Cohort
from backend.rules.workdays import is_workday, last_workday_on_or_before


def thousands(value: int | float) -> str:
    return f"{value:,}"


def query_string(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


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
        is_workday=is_workday,
        last_workday=last_workday_on_or_before,
    )
    env.trim_blocks = True
    env.lstrip_blocks = True
