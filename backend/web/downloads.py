"""File downloads: one Content-Disposition for every attachment we serve."""

from __future__ import annotations

from urllib.parse import quote


def attachment(filename: str, fallback: str) -> str:
    """The Chinese name for browsers (RFC 6266 filename*), an ASCII one for the rest."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
