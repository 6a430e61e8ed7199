"""Logs several processes can share: every record carries the process id and the id of the
request it belongs to, and `HEGUI_LOG_FORMAT=json` (the default in production) writes one JSON
object per line for a log collector.

Each request gets an id: the client's (or the proxy's) `X-Request-ID` when it is a short token,
otherwise a fresh one. It is echoed in the answer's `X-Request-ID`, kept in a context variable so
every record logged while serving the request carries it, and closes the request's access line
(method, path, status, duration). An operator can then follow one request from nginx through
whichever app process served it."""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import secrets
import time
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID = contextvars.ContextVar("hegui_request_id", default="")
HEADER = b"x-request-id"
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
access_log = logging.getLogger("hegui.access")


def request_id_for(offered: str) -> str:
    """The offered id when it is a plain token (nothing a log line could be forged with)."""
    return offered if _ACCEPTABLE.match(offered) else secrets.token_hex(8)


class ContextFilter(logging.Filter):
    """Adds `request_id` and `pid` to every record, so any formatter may print them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        record.pid = os.getpid()
        return True


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "pid"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line; extra fields given to a log call (`extra=`) are kept."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "pid": getattr(record, "pid", os.getpid()),
            "request_id": getattr(record, "request_id", ""),
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s [%(process)d %(request_id)s] %(name)s: %(message)s"


def log_config(fmt: str, level: str = "INFO") -> dict[str, Any]:
    """A logging dictConfig for `hegui serve` (uvicorn applies it in every worker process)."""
    formatter: dict[str, Any] = (
        {"()": "backend.web.logs.JsonFormatter"} if fmt == "json" else {"format": TEXT_FORMAT}
    )
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "main",
        "filters": ["context"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "backend.web.logs.ContextFilter"}},
        "formatters": {"main": formatter},
        "handlers": {"main": handler},
        "root": {"handlers": ["main"], "level": level},
        "loggers": {
            # Our own access line replaces uvicorn's (it has the request id and the duration).
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
            "uvicorn": {"handlers": ["main"], "propagate": False, "level": level},
            "uvicorn.error": {"handlers": ["main"], "propagate": False, "level": level},
        },
    }


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        offered = next((v for k, v in scope.get("headers", []) if k == HEADER), b"")
        request_id = request_id_for(offered.decode("latin-1"))
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k != HEADER]
                message["headers"] = [*headers, (HEADER, request_id.encode())]
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            client = scope.get("client")
            access_log.info(
                "%s %s %s",
                scope.get("method", ""),
                scope.get("path", ""),
                status or "-",
                extra={
                    "method": scope.get("method", ""),
                    "path": scope.get("path", ""),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "client": client[0] if client else "",
                },
            )
            REQUEST_ID.reset(token)

    return middleware
