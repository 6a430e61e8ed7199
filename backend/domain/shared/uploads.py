"""Receive a multipart upload as a stream: each file goes straight to a temporary file in the
store (hashed on the way), never whole into memory; the size limit is enforced while reading,
and whatever fails removes every temporary file it made.

MAX_UPLOAD_MB limits each file (a file of exactly that size is accepted); the whole request
may carry MAX_FILES such files plus the form around them."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import anyio.to_thread
from litestar import Request
from litestar.exceptions import HTTPException
from multipart import MultipartError, MultipartSegment, PushMultipartParser, parse_options_header

from backend.domain.errors import DomainError, Invalid, TooLarge
from backend.rules.filetypes import Detected, RejectedFile, detect, secret_mark
from backend.security.audit import Actor, AuditAction, record
from backend.storage import FileStore

MAX_FILES = 20
MAX_FIELD_BYTES = 16 * 1024
FORM_OVERHEAD = 1024 * 1024  # boundaries, part headers and form fields around the files


class UploadTooLarge(TooLarge):
    pass


@dataclass
class IncomingFile:
    original_name: str
    temp_path: Path
    size: int = 0
    sha256: str = ""
    detected: Detected | None = None


@dataclass
class UploadForm:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[IncomingFile] = field(default_factory=list)

    def discard(self) -> None:
        for incoming in self.files:
            incoming.temp_path.unlink(missing_ok=True)


def safe_name(raw: str | None) -> str:
    """The name as shown and offered on download: no folders, no control characters."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return name[:200] or "未命名文件"


async def receive_upload(request: Request, store: FileStore, max_bytes: int) -> UploadForm:
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type != "multipart/form-data" or "boundary" not in options:
        raise Invalid("请以 multipart/form-data 方式上传文件。")
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > body_limit(max_bytes):
        raise UploadTooLarge(f"上传内容超过 {_limit_text(max_bytes, MAX_FILES)} 的限制。")
    form = UploadForm()
    try:
        await _parse(request, store, max_bytes, options["boundary"], form)
        for incoming in form.files:
            await _check(incoming)
    except MultipartError:
        form.discard()
        raise Invalid("上传内容不完整或格式错误，请重新上传。") from None
    except RejectedFile as exc:
        form.discard()
        raise Invalid(str(exc)) from None
    except BaseException:
        form.discard()  # a refused, interrupted or failed upload leaves no temporary file
        raise
    return form


# Litestar's own refusals (its body-size limit) carry English details; the log says it in Chinese.
_HTTP_REASONS = {413: "上传内容超过大小限制", 400: "请求格式错误"}


async def receive_or_refuse(
    request: Request, store: FileStore, max_bytes: int, actor: Actor, entity: str
) -> UploadForm:
    """``receive_upload``; a refused upload (ours, or Litestar's body-size limit) is audited as
    上传被拒绝 with its reason in Chinese, then the refusal stands."""
    try:
        return await receive_upload(request, store, max_bytes)
    except (DomainError, HTTPException) as exc:
        if isinstance(exc, DomainError):
            reason = exc.message
        else:
            reason = _HTTP_REASONS.get(exc.status_code, "请求被拒绝")
        await record(
            AuditAction.UPLOAD_REFUSED,
            actor,
            entity=entity,
            changes={"status": exc.status_code, "reason": reason},
        )
        raise


def body_limit(max_file_bytes: int) -> int:
    return max_file_bytes * MAX_FILES + FORM_OVERHEAD


def _limit_text(max_file_bytes: int, files: int = 1) -> str:
    mb = max_file_bytes // (1024 * 1024)
    return f"{files} 个文件、每个 {mb} MB" if files > 1 else f"单个文件 {mb} MB"


async def _parse(
    request: Request, store: FileStore, max_bytes: int, boundary: str, form: UploadForm
) -> None:
    received = 0
    current: IncomingFile | None = None
    sink: BinaryIO | None = None
    digest = hashlib.sha256()
    field_name, field_value = "", b""
    parser = PushMultipartParser(boundary, max_segment_count=MAX_FILES + 20)
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > body_limit(max_bytes):
                raise UploadTooLarge(f"上传内容超过 {_limit_text(max_bytes, MAX_FILES)} 的限制。")
            for event in parser.parse(chunk):
                if isinstance(event, MultipartSegment):
                    if event.filename is not None:
                        if len(form.files) >= MAX_FILES:
                            raise Invalid(f"一次最多上传 {MAX_FILES} 个文件。")
                        current = IncomingFile(safe_name(event.filename), store.new_incoming())
                        form.files.append(current)
                        sink, digest = current.temp_path.open("wb"), hashlib.sha256()
                    else:
                        field_name, field_value = event.name or "", b""
                elif event is None:
                    if current is not None and sink is not None:
                        await anyio.to_thread.run_sync(_finish, sink)
                        current.sha256, current, sink = digest.hexdigest(), None, None
                    elif field_name:
                        form.fields[field_name] = field_value.decode("utf-8", "replace")
                        field_name = ""
                elif current is not None and sink is not None:
                    digest.update(event)
                    current.size += len(event)
                    if current.size > max_bytes:
                        raise UploadTooLarge(
                            f"“{current.original_name}”超过{_limit_text(max_bytes)} 的限制。"
                        )
                    await anyio.to_thread.run_sync(sink.write, event)
                else:
                    field_value += event
                    if len(field_value) > MAX_FIELD_BYTES:
                        raise Invalid("表单字段过长。")
        parser.close()
    finally:
        if sink is not None:
            sink.close()


def _finish(sink: BinaryIO) -> None:
    sink.flush()
    os.fsync(sink.fileno())
    sink.close()


async def _check(incoming: IncomingFile) -> None:
    if incoming.size == 0:
        raise RejectedFile(f"“{incoming.original_name}”是空文件，请检查后重新上传。")
    if mark := secret_mark(incoming.original_name):
        raise RejectedFile(
            f"“{incoming.original_name}”标有“{mark}”字样。本系统不得处理涉密信息，"
            "请勿上传国家秘密材料；如系误标，请更正文件名后重新上传。"
        )
    incoming.detected = await anyio.to_thread.run_sync(
        detect, incoming.temp_path, incoming.original_name
    )
