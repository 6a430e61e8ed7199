"""GET /api/v1/programmes and /api/v1/obligations (one item per due occurrence)."""

from __future__ import annotations

import json
from typing import Any

import msgspec
from litestar import Controller, get
from litestar.params import FromPath

from backend.db.tables import Obligation, Programme
from backend.domain.errors import NotFound
from backend.domain.programmes.schemas import (
    ObligationOut,
    ObligationPageOut,
    ProgrammeListOut,
    ProgrammeOut,
)
from backend.domain.programmes.service import PROGRAMME_FIELDS, list_programmes
from backend.domain.shared.paging import page_slice
from backend.security.policy import Access
from backend.web.params import OptionalQueryInt, QueryPage


def _programme_json(row: dict[str, Any]) -> ProgrammeOut:
    return msgspec.convert({**row, "phases": json.loads(row["phases"] or "[]")}, ProgrammeOut)


def _obligation_json(row: dict[str, Any]) -> ObligationOut:
    return ObligationOut(
        id=row["id"],
        programme_id=row["programme"],
        code=row["code"],
        title=row["title"],
        short_title=row["short_title"],
        description=row["description"],
        clause=row["clause"],
        phase=row["phase"],
        applies_to=row["applies_to"],
        recurrence=row["recurrence"],
        year=row["due_year"],
        due_on=row["due_on"].isoformat(),
        due_note=row["due_note"],
        deliverables=json.loads(row["deliverables"] or "[]"),
        weight=row["weight"],
    )


class ProgrammeApiController(Controller):
    path = "/api/v1"
    tags = ["programmes"]

    @get(
        "/programmes",
        operation_id="ListProgrammes",
        summary="工作方案",
        opt={"access": Access.BOARD},
    )
    async def list_programmes(self) -> ProgrammeListOut:
        rows = await list_programmes()
        return ProgrammeListOut(items=[_programme_json(r) for r in rows], total=len(rows))

    @get(
        "/programmes/{programme_id:int}",
        operation_id="GetProgramme",
        summary="工作方案详情",
        opt={"access": Access.BOARD},
    )
    async def get_programme(self, programme_id: FromPath[int]) -> ProgrammeOut:
        row = await Programme.select(*PROGRAMME_FIELDS).where(Programme.id == programme_id).first()
        if row is None:
            raise NotFound("未找到该工作方案。")
        return _programme_json(row)

    @get(
        "/obligations",
        operation_id="ListObligations",
        summary="节点任务（每个截止期一项）",
        opt={"access": Access.BOARD},
    )
    async def list_obligations(
        self,
        programme_id: OptionalQueryInt = None,
        year: OptionalQueryInt = None,
        page: QueryPage = 1,
        page_size: QueryPage = 100,
    ) -> ObligationPageOut:
        query = Obligation.select().where(Obligation.active == True)  # noqa: E712
        if programme_id is not None:
            query = query.where(Obligation.programme == programme_id)
        if year is not None:
            query = query.where(Obligation.due_year == year)
        rows = await query.order_by(Obligation.programme).order_by(Obligation.sort_order)
        items = page_slice(rows, page, page_size)
        return ObligationPageOut(
            items=[_obligation_json(r) for r in items],
            total=len(rows),
            page=page,
            page_size=page_size,
        )

    @get(
        "/obligations/{obligation_id:int}",
        operation_id="GetObligation",
        summary="节点任务详情",
        opt={"access": Access.BOARD},
    )
    async def get_obligation(self, obligation_id: FromPath[int]) -> ObligationOut:
        row = await Obligation.select().where(Obligation.id == obligation_id).first()
        if row is None:
            raise NotFound("未找到该节点任务。")
        return _obligation_json(row)
