"""What `hegui serve` says on the console: which database (with the engine's full version) before
anything else, and 服务已启动 only once the port really accepts connections."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time

import click

from backend.settings import Settings

LISTEN_WAIT_SECONDS = 120.0


def database_description(settings: Settings) -> str:
    if settings.is_postgres:
        # The server's version needs a connection; the migration step opens one next.
        return "PostgreSQL（DATABASE_URL）"
    return f"SQLite {sqlite3.sqlite_version}（{settings.sqlite_path}）"


def _probe_host(host: str) -> str:
    # A wildcard bind accepts on loopback too; connect there.
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)


def announce_when_listening(host: str, port: int, message: str) -> threading.Thread:
    """Print ``message`` once a TCP connection to (host, port) succeeds; uvicorn binds after the
    app's start-up, so printing before it would promise a service that refuses connections."""

    try:  # something else already answers there: uvicorn will refuse to start, say nothing
        socket.create_connection((_probe_host(host), port), timeout=0.5).close()
    except OSError:
        pass
    else:
        click.echo(f"端口 {port} 已被其他程序占用。", err=True)
        return threading.Thread()

    def watch() -> None:
        deadline = time.monotonic() + LISTEN_WAIT_SECONDS
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((_probe_host(host), port), timeout=0.5):
                    click.echo(message)
                    return
            except OSError:
                time.sleep(0.1)

    thread = threading.Thread(target=watch, name="announce-listening", daemon=True)
    thread.start()
    return thread
