"""GET /api/v1/enterprises and /api/v1/enterprises/{id}."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery

from backend.domain.enterprises.schemas import ContactsOut, EnterpriseDetailOut, EnterprisePageOut
from backend.domain.errors import Invalid, NotFound
from backend.domain.shared.enterprises import get_enterprise, matches_query, visible_enterprises
from backend.domain.shared.paging import page_slice
from backend.rules.cohorts import Cohort
from backend.security.policy import Access
from backend.web.dependencies import TenancyDep
from backend.web.params import QueryPage


class EnterpriseApiController(Controller):
    path = "/api/v1/enterprises"
    tags = ["enterprises"]

    @get("/", operation_id="ListEnterprises", summary="企业名录", opt={"access": Access.BOARD})
    async def list_enterprises(
        self,
        request: Request,
        tenancy: TenancyDep,
        q: FromQuery[str] = "",
        group: FromQuery[str | None] = None,
        page: QueryPage = 1,
        page_size: QueryPage = 50,
    ) -> EnterprisePageOut:
        """Search by name or 统一社会信用代码; group filters by cohort (UPG7, T1, SUB)."""
        rows = [e for e in await visible_enterprises(tenancy) if matches_query(e, q)]
        if group:
            if group.upper() not in {c.value for c in Cohort}:
                raise Invalid("分组无效，可选：UPG7、T1、SUB。")
            rows = [e for e in rows if e.cohort == group.upper()]
        items = page_slice(rows, page, page_size)
        return EnterprisePageOut(
            items=[e.to_api() for e in items], total=len(rows), page=page, page_size=page_size
        )

    @get(
        "/{enterprise_id:int}",
        operation_id="GetEnterprise",
        summary="企业详情",
        opt={"access": Access.BOARD},
    )
    async def get_one(
        self, request: Request, tenancy: TenancyDep, enterprise_id: FromPath[int]
    ) -> EnterpriseDetailOut:
        row = await get_enterprise(enterprise_id, tenancy)
        if row is None:
            raise NotFound("未找到该企业。")
        contacts = ContactsOut(
            name=row.contact_name, phone=row.contact_phone, email=row.contact_email
        )
        return EnterpriseDetailOut(**msgspec.structs.asdict(row.to_api()), contacts=contacts)
