"""Classification marks (密级标志): this system is not cleared for state secrets, so a file named
or stamped 绝密/机密/秘密 is refused. Trade and work secrets (商业秘密, 工作秘密) are not state
secrets and pass. Pure: text in, mark out."""

from __future__ import annotations

import re
import unicodedata

SECRET_MARKS = ("绝密", "机密", "秘密")
NOT_STATE_SECRETS = ("商业秘密", "工作秘密")
# Variant characters seen in marks: traditional forms and the old form 祕 of 秘.
_VARIANTS = str.maketrans({"祕": "秘", "機": "机", "絕": "绝"})
# Anything between the two characters of a mark that a person would still read as one word:
# ASCII, full-width (U+3000) and other spaces, dots and similar separators.
_GAPS = re.compile(r"[\s\u3000\u00a0\u200b·•・.\-_]+")
# A stamp on a document's first page: the mark at the start of a line, optionally followed by
# ★ and a period of protection (GB/T 9704: "秘密★1年", "机密★长期"), and little else.
_STAMP = re.compile(r"^(绝密|机密|秘密)(?:$|[★☆*＊级（(\d])")
_STAMP_MAX_CHARS = 16


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_VARIANTS)
    return _GAPS.sub("", text)


def secret_mark(original_name: str) -> str | None:
    """The mark a file name carries (秘 密, 祕密 and traditional forms count), if any."""
    name = _normal(original_name)
    for phrase in NOT_STATE_SECRETS:
        name = name.replace(phrase, "")
    return next((m for m in SECRET_MARKS if m in name), None)


def stamp_in_text(text: str) -> str | None:
    """A classification stamp on a line of its own at the head of a document's text. Prose that
    merely mentions secrets ("不涉及国家秘密", "商业秘密") is not a stamp."""
    for line in text.splitlines():
        compact = _normal(line)
        if not compact or len(compact) > _STAMP_MAX_CHARS:
            continue
        if any(compact.startswith(p) for p in NOT_STATE_SECRETS):
            continue
        if found := _STAMP.match(compact):
            return found.group(1)
    return None
