"""The submission API's answers as typed structs (the OpenAPI schema shows every field)."""

from __future__ import annotations

import datetime as dt

import msgspec


class FileOut(msgspec.Struct, kw_only=True):
    id: int
    name: str  # the uploader's file name
    size: int  # bytes
    sha256: str
    kind: str  # the detected file type (pdf, docx, …)


class VersionOut(msgspec.Struct, kw_only=True):
    version: int
    submitted_at: dt.datetime
    note: str
    doc_no: str  # 发文字号
    doc_on: dt.date | None  # 成文日期
    files: list[FileOut]


class ReviewOut(msgspec.Struct, kw_only=True):
    version: int | None
    decision: str  # approve | return | reopen
    grade: str | None  # excellent | good | pass (approvals)
    reasons: list[str]  # return reasons
    comment: str | None
    resubmit_by: dt.date | None
    released_at: dt.datetime | None


class SubmissionOut(msgspec.Struct, kw_only=True):
    id: int
    enterprise_id: int
    obligation_id: int
    latest_version: int
    versions: list[VersionOut]
    reviews: list[ReviewOut]  # released reviews only


class StoredFileOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    size: int
    sha256: str


class CreatedSubmissionOut(msgspec.Struct, kw_only=True):
    id: int
    version: int
    status: str  # "submitted"
    files: list[StoredFileOut]
