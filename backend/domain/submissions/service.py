"""Creating versions and reading submissions, always within the user's enterprise scope.

A version's files are renamed into the store before its rows commit. If the transaction fails
the files stay (another upload of the same content may be committing them); the store sweep
removes blobs that no row references once they are older than its grace period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from backend.db.tables import (
    Exemption,
    Obligation,
    Review,
    Submission,
    SubmissionFile,
    SubmissionVersion,
)
from backend.db.transactions import engine_type, write_transaction
from backend.domain.errors import Conflict, Invalid, NotFound
from backend.domain.lists.panel import require_lists_not_failing
from backend.domain.notifications.reviewers import notify_reviewers
from backend.domain.shared.enterprises import get_enterprise
from backend.domain.shared.uploads import IncomingFile
from backend.rules.cohorts import covered_by_group, reports
from backend.rules.doc_numbers import normalize_doc_no
from backend.rules.vocabulary import Decision, ExemptionKind, ReviewState
from backend.security.audit import Actor, AuditAction, record
from backend.storage import FileStore


@dataclass(frozen=True)
class NewVersion:
    enterprise_id: int
    obligation_id: int
    year: int | None = None
    note: str = ""
    doc_no: str = ""
    doc_on: dt.date | None = None
    not_secret_declared: bool = False


async def latest_decision(submission_id: int) -> str | None:
    """The last released decision on the submission's latest version, if any."""
    latest = (
        await Submission.select(Submission.latest_version)
        .where(Submission.id == submission_id)
        .first()
    )
    if latest is None:
        return None
    row = (
        await Review.select(Review.decision)
        .where(
            Review.version.submission == submission_id,
            Review.version.version_no == latest["latest_version"],
            Review.state == ReviewState.RELEASED,
        )
        .order_by(Review.released_at, ascending=False)
        .first()
    )
    return row["decision"] if row else None


async def _validate(new: NewVersion, scope: int | None) -> dict[str, Any]:
    enterprise = await get_enterprise(new.enterprise_id, scope)
    obligation = (
        await Obligation.select()
        .where(
            Obligation.id == new.obligation_id,
            Obligation.active == True,  # noqa: E712
        )
        .first()
    )
    if enterprise is None or obligation is None:
        raise NotFound("未找到该企业或节点任务。")
    if new.year is not None and new.year != obligation["due_year"]:
        raise Invalid(f"该节点任务属于 {obligation['due_year']} 年度，与所填年度 {new.year} 不符。")
    if covered_by_group(obligation["applies_to"], enterprise.cohort):
        raise Invalid("该项为全级次任务，由所属集团统一报送，子企业无需单独报送。")
    if not reports(obligation["applies_to"], enterprise.cohort):
        raise Invalid("该节点任务不适用于该企业。")
    if not new.not_secret_declared:
        raise Invalid("请确认所报材料不涉及国家秘密后再报送。")
    exempt = await Exemption.exists().where(
        Exemption.enterprise == new.enterprise_id,
        Exemption.obligation == new.obligation_id,
        Exemption.kind == ExemptionKind.EXEMPT,
        Exemption.revoked_at.is_null(),
    )
    if exempt:
        raise Conflict("国资委已认定该项不适用，无需报送。")
    await require_lists_not_failing(new.enterprise_id, obligation["code"])
    return obligation


async def create_version(
    new: NewVersion, files: list[IncomingFile], *, actor: Actor, scope: int | None, store: FileStore
) -> dict[str, Any]:
    if not files:
        raise Invalid("请至少上传一个文件。")
    doc_no = ""
    if new.doc_no.strip():
        try:
            doc_no = normalize_doc_no(new.doc_no)
        except ValueError as exc:
            raise Invalid(str(exc)) from None
    await _validate(new, scope)
    for f in files:
        store.adopt(f.temp_path, f.sha256)
    # If the transaction below fails, the adopted blobs stay: another upload of the same bytes
    # may be committing a row that points to them right now. Blobs no row references are
    # removed later by the store sweep, once older than its grace period (see storage.py).
    for attempt in range(5):
        try:
            return await _write(new, files, doc_no, actor)
        except Exception as exc:
            # Two versions of one submission at the same instant: on PostgreSQL the loser
            # hits the unique version key (SQLite queues writers instead); try again.
            if attempt == 4 or not _unique_violation(exc):
                raise
    raise AssertionError("unreachable")


def _unique_violation(exc: Exception) -> bool:
    return type(exc).__name__ in {"UniqueViolationError", "IntegrityError"}


async def _write(
    new: NewVersion, files: list[IncomingFile], doc_no: str, actor: Actor
) -> dict[str, Any]:
    key = f"{new.enterprise_id}:{new.obligation_id}"
    now = dt.datetime.now(dt.UTC)
    async with write_transaction():
        query = Submission.select(Submission.id, Submission.latest_version).where(
            Submission.natural_key == key
        )
        if engine_type() == "postgres":
            query = query.lock_rows()  # one version number at a time per submission
        row = await query.first()
        if row is None:
            created = await Submission.insert(
                Submission(
                    enterprise=new.enterprise_id, obligation=new.obligation_id, natural_key=key
                )
            ).returning(Submission.id)
            submission_id, number = created[0]["id"], 1
        else:
            submission_id, number = row["id"], row["latest_version"] + 1
            if await latest_decision(submission_id) == Decision.APPROVE:
                raise Conflict("该项已审核通过；如需修改，请联系国资委重新打开。")
        version = await SubmissionVersion.insert(
            SubmissionVersion(
                submission=submission_id,
                version_no=number,
                natural_key=f"{submission_id}:{number}",
                submitted_at=now,
                submitted_by=actor.id,
                note=new.note.strip()[:2000],
                doc_no=doc_no,
                doc_on=new.doc_on,
                not_secret_declared=True,
            )
        ).returning(SubmissionVersion.id)
        version_id = version[0]["id"]
        stored = []
        for f in files:
            assert f.detected is not None
            ids = await SubmissionFile.insert(
                SubmissionFile(
                    version=version_id,
                    sha256=f.sha256,
                    original_name=f.original_name,
                    size_bytes=f.size,
                    media_type=f.detected.media_type,
                    detected_kind=f.detected.kind,
                )
            ).returning(SubmissionFile.id)
            stored.append(
                {"id": ids[0]["id"], "name": f.original_name, "size": f.size, "sha256": f.sha256}
            )
        await Submission.update({Submission.latest_version: number}).where(
            Submission.id == submission_id
        )
        await record(
            AuditAction.SUBMISSION_CREATE,
            actor,
            entity="submission",
            entity_id=submission_id,
            enterprise_id=new.enterprise_id,
            changes={"version": number, "files": [s["name"] for s in stored], "doc_no": doc_no},
        )
        await notify_reviewers(submission_id, new.enterprise_id, new.obligation_id, number)
    return {"id": submission_id, "version": number, "status": "submitted", "files": stored}
