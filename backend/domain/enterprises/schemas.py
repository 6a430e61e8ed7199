"""The enterprise API's answers as typed structs (the OpenAPI schema shows every field)."""

from __future__ import annotations

import msgspec

from backend.domain.shared.enterprises import EnterpriseOut


class ContactsOut(msgspec.Struct, kw_only=True):
    name: str
    phone: str
    email: str


class EnterpriseDetailOut(EnterpriseOut, kw_only=True):
    contacts: ContactsOut  # 合规联络人


class EnterprisePageOut(msgspec.Struct, kw_only=True):
    items: list[EnterpriseOut]
    total: int
    page: int
    page_size: int
