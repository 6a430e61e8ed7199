"""Reading programmes: the one definition of which fields a programme exposes."""

from __future__ import annotations

from typing import Any

from backend.db.tables import Programme

PROGRAMME_FIELDS = (
    Programme.id,
    Programme.code,
    Programme.title,
    Programme.doc_no,
    Programme.issuer,
    Programme.issued_on,
    Programme.period_start,
    Programme.period_end,
    Programme.phases,
)


async def list_programmes() -> list[dict[str, Any]]:
    return await Programme.select(*PROGRAMME_FIELDS).order_by(Programme.period_start)


def pick_programme(programmes: list[dict[str, Any]], wanted: int | None) -> dict[str, Any] | None:
    """The requested programme, or by default the latest one."""
    if wanted is not None:
        return next((p for p in programmes if p["id"] == wanted), None)
    return programmes[-1] if programmes else None
