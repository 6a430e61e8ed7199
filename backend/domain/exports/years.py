"""The export year within the programme's span: by default its current or last year, and a
year outside it refused with a message that says so (an empty workbook would look like data)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.domain.exports.registry import ExportError, ExportKind


async def span_of(programme_id: int | None) -> list[int]:
    """The years the programme's obligations fall due in (empty without a programme)."""
    from backend.domain.programmes.service import list_programmes, pick_programme
    from backend.domain.scores.inputs import programme_years

    programme = pick_programme(await list_programmes(), programme_id)
    return await programme_years(programme["id"]) if programme else []


def default_year(years: list[int], day: dt.date) -> int:
    """The year of ``day`` if the programme runs then; else its first or last year."""
    return min(max(day.year, years[0]), years[-1]) if years else day.year


async def settle_year(kind: str, raw: dict[str, Any], clean: dict[str, Any]) -> dict[str, Any]:
    """``clean`` (from ``parse_params``) with the year checked against the span, or defaulted
    into it when the user gave none."""
    years = await span_of(clean.get("programme_id"))
    if not years:
        return clean
    given = str(raw.get("year") or "").strip()
    if given and clean["year"] not in years:
        raise ExportError(
            f"年度 {clean['year']} 不在该工作方案的年度范围（{years[0]}—{years[-1]} 年）内，"
            "请重新选择。"
        )
    if not given and kind == ExportKind.ASSESSMENT:
        as_of = dt.date.fromisoformat(clean["as_of"])
        return {**clean, "year": default_year(years, as_of)}
    return clean
