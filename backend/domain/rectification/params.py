"""Parse the 台账's filters and a finding's fields from a query string or a form, with a Chinese
message for each bad value. The page and the API take the same parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from backend.domain.errors import Invalid
from backend.domain.rectification.reads import SORTS, FindingFilter
from backend.domain.rectification.service import NewFinding
from backend.lib.ids import MAX_ID
from backend.lib.timeutil import end_of_day, parse_date, today
from backend.rules.rectification.vocabulary import FindingSource, FindingStatus, Severity


def parse_int(raw: str | None, label: str, minimum: int = 1) -> int | None:
    if raw is None or not str(raw).strip():
        return None
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()):
        raise Invalid(f"{label}应为正整数，收到“{raw}”。")
    value = int(text)
    if value < minimum or value > MAX_ID:
        raise Invalid(f"{label}超出范围，请检查后重试。")
    return value


def parse_day(raw: str | None, label: str) -> dt.date | None:
    try:
        return parse_date(raw)
    except ValueError as exc:
        raise Invalid(f"{label}：{exc}") from None


def parse_as_of(raw: str | None) -> tuple[dt.date, dt.datetime]:
    day = parse_day(raw, "截至日期") or today()
    return day, end_of_day(day)


def _choice(raw: str | None, labels: dict[str, str], label: str) -> str:
    value = (raw or "").strip()
    if value and value not in labels:
        raise Invalid(f"{label}“{value}”无效，可选：{'、'.join(labels.values())}。")
    return value


def parse_filter(params: Mapping[str, str | None]) -> FindingFilter:
    year = parse_int(params.get("year"), "年度", 2000)
    if year is not None and year > 2099:
        raise Invalid("年度超出范围，请检查后重试。")
    sort = (params.get("sort") or "deadline").strip()
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    if sort not in SORTS:
        raise Invalid("排序方式无效。")
    return FindingFilter(
        year=year,
        enterprise_id=parse_int(params.get("enterprise_id"), "企业编号"),
        domain=(params.get("domain") or "").strip()[:40],
        severity=_choice(params.get("severity"), Severity.labels(), "问题等级"),
        source=_choice(params.get("source"), FindingSource.labels(), "问题来源"),
        status=_choice(params.get("status"), FindingStatus.labels(), "整改状态"),
        overdue=(params.get("overdue") or "").strip() in {"1", "true", "on"},
        inspection_id=parse_int(params.get("inspection_id"), "检查编号"),
        sort=sort,
        descending=descending,
    )


def finding_from_form(fields: Mapping[str, str]) -> NewFinding:
    deadline = parse_day(fields.get("deadline"), "整改时限")
    if deadline is None:
        raise Invalid("请填写整改时限。")
    enterprise_id = parse_int(fields.get("enterprise_id"), "涉及单位")
    if enterprise_id is None:
        raise Invalid("请选择涉及单位。")
    return NewFinding(
        enterprise_id=enterprise_id,
        description=fields.get("description", ""),
        severity=fields.get("severity", ""),
        rectification_type=fields.get("rectification_type", ""),
        deadline=deadline,
        source=fields.get("source", ""),
        inspection_id=parse_int(fields.get("inspection_id"), "检查"),
        domain=fields.get("domain", ""),
        key_link=fields.get("key_link", ""),
        cause=fields.get("cause", ""),
        measures=fields.get("measures", ""),
        owner_unit=fields.get("owner_unit", ""),
        owner_name=fields.get("owner_name", ""),
        rules_made=fields.get("rules_made", ""),
        accountability=fields.get("accountability", ""),
        remark=fields.get("remark", ""),
    )
