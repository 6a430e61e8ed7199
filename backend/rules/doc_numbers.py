"""公文发文字号 (GB/T 9704-2012 7.2.5): 机关代字 + 〔年份〕 + 序号 + 号, e.g. 包国资发〔2023〕120号.

People type the year brackets every which way ([2023], (2023), 【2023】, ﹝2023﹞, 〔2023〕);
the standard form uses the hexagonal brackets 〔〕 and no 第 before the number."""

from __future__ import annotations

import re

_PATTERN = re.compile(
    r"^(?P<org>[^\[\]()（）【】〔〕﹝﹞]{1,40}?)\s*[\[(（【〔﹝]\s*(?P<year>(19|20)\d{2})\s*"
    r"[\])）】〕﹞]\s*第?\s*(?P<no>\d{1,5})\s*号$"
)


def normalize_doc_no(raw: str) -> str:
    """The standard form, or ValueError with a Chinese message saying what is expected."""
    text = raw.strip().replace(" ", "").replace("\u3000", "")
    match = _PATTERN.match(text)
    if match is None:
        raise ValueError(
            f"发文字号“{raw.strip()}”格式不正确，"
            "应为“机关代字〔年份〕序号号”，例如 包国资发〔2023〕120号。"
        )
    return f"{match['org']}〔{match['year']}〕{int(match['no'])}号"
