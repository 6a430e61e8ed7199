"""Reading submissions with their versions, files and released reviews, within a user's scope."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from backend.db.tables import Review, Submission, SubmissionFile, SubmissionVersion
from backend.domain.shared.enterprises import get_enterprise
from backend.rules.vocabulary import ReviewState
from backend.storage import FileStore


async def submission_detail(submission_id: int, scope: int | None) -> dict[str, Any] | None:
    row = (
        await Submission.select(
            Submission.id, Submission.enterprise, Submission.obligation, Submission.latest_version
        )
        .where(Submission.id == submission_id)
        .first()
    )
    if row is None or await get_enterprise(row["enterprise"], scope) is None:
        return None
    versions = (
        await SubmissionVersion.select(
            SubmissionVersion.id,
            SubmissionVersion.version_no,
            SubmissionVersion.submitted_at,
            SubmissionVersion.note,
            SubmissionVersion.doc_no,
            SubmissionVersion.doc_on,
        )
        .where(SubmissionVersion.submission == submission_id)
        .order_by(SubmissionVersion.version_no)
    )
    ids = [v["id"] for v in versions] or [0]
    files = await SubmissionFile.select(
        SubmissionFile.id,
        SubmissionFile.version,
        SubmissionFile.original_name,
        SubmissionFile.size_bytes,
        SubmissionFile.sha256,
        SubmissionFile.detected_kind,
    ).where(SubmissionFile.version.is_in(ids))
    reviews = (
        await Review.select(
            Review.id,
            Review.version,
            Review.decision,
            Review.grade,
            Review.reasons,
            Review.remark,
            Review.resubmit_by,
            Review.released_at,
        )
        .where(Review.version.is_in(ids), Review.state == ReviewState.RELEASED)
        .order_by(Review.released_at)
    )
    number_of = {v["id"]: v["version_no"] for v in versions}
    return {
        "id": row["id"],
        "enterprise_id": row["enterprise"],
        "obligation_id": row["obligation"],
        "latest_version": row["latest_version"],
        "versions": [
            {
                "version": v["version_no"],
                "submitted_at": v["submitted_at"],
                "note": v["note"],
                "doc_no": v["doc_no"],
                "doc_on": v["doc_on"],
                "files": [
                    {
                        "id": f["id"],
                        "name": f["original_name"],
                        "size": f["size_bytes"],
                        "sha256": f["sha256"],
                        "kind": f["detected_kind"],
                    }
                    for f in files
                    if f["version"] == v["id"]
                ],
            }
            for v in versions
        ],
        "reviews": [
            {
                "version": number_of.get(r["version"]),
                "decision": r["decision"],
                "grade": r["grade"],
                "reasons": json.loads(r["reasons"] or "[]"),
                "comment": r["remark"],
                "resubmit_by": r["resubmit_by"],
                "released_at": r["released_at"],
            }
            for r in reviews
        ],
    }


async def file_for_download(
    submission_id: int, file_id: int, scope: int | None, store: FileStore
) -> tuple[Path, dict[str, Any]] | None:
    row = (
        await SubmissionFile.select(
            SubmissionFile.id,
            SubmissionFile.sha256,
            SubmissionFile.original_name,
            SubmissionFile.media_type,
            SubmissionFile.version._.submission.as_alias("submission"),
            SubmissionFile.version._.submission._.enterprise.as_alias("enterprise"),
        )
        .where(SubmissionFile.id == file_id)
        .first()
    )
    if row is None or row["submission"] != submission_id:
        return None
    if await get_enterprise(row["enterprise"], scope) is None:
        return None
    path = store.path_for(row["sha256"])
    return (path, row) if path.is_file() else None
