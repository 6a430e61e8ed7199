"""The text at the head of a document, where a classification stamp (密级标志) stands: the first
page of a PDF, the first paragraphs (and the page headers) of a DOCX. Bounded on purpose: only
a prefix of a DOCX's XML is read (a regular expression over at most 512 KB, rather than a full
python-docx parse of untrusted XML that can be hundreds of MB), and only page one of a PDF.
Text that cannot be read yields "" (the name check and the declaration still apply)."""

from __future__ import annotations

import html
import logging
import re
import zipfile
from pathlib import Path

DOCX_PREFIX_BYTES = 512 * 1024
HEADER_PREFIX_BYTES = 64 * 1024
FIRST_PARAGRAPHS = 40
_PARAGRAPH = re.compile(rb"<w:p[ >].*?</w:p>", re.S)
_TEXT = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
_HEADER = re.compile(r"word/header\d*\.xml")


def pdf_first_page_text(path: Path) -> str:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed PDFs are common; no noise
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted or not reader.pages:
            return ""
        return reader.pages[0].extract_text() or ""
    except Exception:  # an unreadable PDF has no readable stamp either
        return ""


def _paragraphs(xml: bytes, limit: int) -> list[str]:
    found = []
    for paragraph in _PARAGRAPH.finditer(xml):
        text = b"".join(_TEXT.findall(paragraph.group(0))).decode("utf-8", "replace")
        if text.strip():
            found.append(html.unescape(text))
            if len(found) >= limit:
                break
    return found


def docx_head_text(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            with archive.open("word/document.xml") as body:
                lines = _paragraphs(body.read(DOCX_PREFIX_BYTES), FIRST_PARAGRAPHS)
            for name in [n for n in names if _HEADER.fullmatch(n)][:6]:
                with archive.open(name) as header:
                    lines += _paragraphs(header.read(HEADER_PREFIX_BYTES), 10)
    except Exception:  # damaged or unusual packages: nothing readable to scan
        return ""
    return "\n".join(lines)
