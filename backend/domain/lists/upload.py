"""One uploaded workbook through the shared safe upload path (streamed, size-limited, type
detected, temporary files removed on failure), then imported."""

from __future__ import annotations

from litestar import Request

from backend.domain.errors import Invalid
from backend.domain.lists.service import ImportOutcome, import_lists
from backend.domain.shared.uploads import receive_or_refuse
from backend.lib.ids import parse_id
from backend.security.audit import Actor
from backend.settings import get_settings
from backend.storage import FileStore

TRUE = {"1", "true", "on", "yes"}


async def upload_workbook(
    request: Request,
    *,
    actor: Actor,
    tenancy: int | None,
    store: FileStore,
    dry_run: bool | None = None,
) -> ImportOutcome:
    """multipart: `file` (the workbook), optional `enterprise_id` (default: the account's own
    enterprise), optional `dry_run=1`. Nothing is kept when the workbook has errors."""
    settings = get_settings()
    limit = settings.max_upload_mb * 1024 * 1024
    form = await receive_or_refuse(request, store, limit, actor, "list_version")
    try:
        if len(form.files) != 1:
            raise Invalid("请上传一个三张清单工作簿（.xlsx）。")
        incoming = form.files[0]
        if incoming.detected is None or incoming.detected.kind != "xlsx":
            raise Invalid("三张清单须为 Excel 工作簿（.xlsx），请用系统模板填写后上传。")
        raw_id = form.fields.get("enterprise_id", "").strip()
        if raw_id and parse_id(raw_id) is None:
            raise Invalid("企业编号（enterprise_id）应为正整数。")
        enterprise_id = parse_id(raw_id) if raw_id else actor.enterprise_id
        if enterprise_id is None:
            raise Invalid("缺少企业编号（enterprise_id）。")
        if dry_run is None:
            dry_run = form.fields.get("dry_run", "").strip().lower() in TRUE
        return await import_lists(
            enterprise_id,
            incoming.temp_path,
            source_name=incoming.original_name,
            sha256=incoming.sha256,
            actor=actor,
            scope=tenancy,
            store=store,
            dry_run=dry_run,
        )
    finally:
        form.discard()  # an adopted workbook was moved; anything left is temporary
