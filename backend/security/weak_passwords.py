"""Passwords that are easy to guess, beyond length and character classes (等保 身份鉴别 a,
ASVS 6.2.4 / 6.2.12).

Refused:
- the 30 000 most common passwords: the `passwords` frequency list shipped in the pinned PyPI
  package zxcvbn 4.5.0 (MIT; compiled by its authors from leaked-password corpora), compared
  case-insensitively, also after removing separators and undoing l33t spelling
  (`P@ssw0rd`, `Abc@123456` → `abc123456`);
- Chinese habits: 姓名拼音 + 生日 (`Zhangwei@19900101`, `LiHua1990`), a product, agency or
  place name + year or lucky digits (`Hegui@2023`, `Sasac#2024`, `Baotou888`), and
  keyboard walks (`1qaz@WSX`, `Qwer1234!`, `!QAZ2wsx`, `Asdf;lkj` is not one, `zxcvbnm,./`)."""

from __future__ import annotations

import re
from functools import lru_cache


def _words(text: str) -> list[str]:
    return text.split()


# Names people put before a year: this system, its owners, the place, the usual suspects.
PRODUCT_WORDS = frozenset(
    _words(
        "hegui heguidudao dudao sasac gzw guoziwei baotou neimenggu nmg admin administrator root "
        "system sys test user guest welcome password passwd pass qwerty abc abcd china zhongguo "
        "beijing huawei baidu tencent alibaba company gongsi oa erp"
    )
)
LUCKY = re.compile(r"(?:1|12|123|1234|12345|123456|520|1314|5201314|666|888|8888|168|999)")
YEAR_OR_DATE = re.compile(
    r"(?:(?:19[4-9]\d|20[0-3]\d)(?:(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])?)?"  # 1990[0101]
    r"|(?:\d{2})?(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"  # [90]0101
    r"|\d{2})"  # 90
)
SEPARATORS = re.compile(r"[\s@#_.!\-*&$%+=~,;:/\\|?^()]+")
LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "3": "e", "$": "s", "5": "s",
                      "7": "t", "!": "i", "|": "l"})  # fmt: skip
SHIFTED = str.maketrans('!@#$%^&*()_+{}|:"<>?', "1234567890-=[]\\;',./")
WALKS = (
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/-['=]",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7,ki8.lo9/;p0",
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
)
_INITIALS = _words("b p m f d t n l g k h j q x zh ch sh r z c s y w")
_FINALS = _words(
    "a o e i u v ai ei ao ou an en ang eng ong er ia ie iao iu ian in iang ing iong ua uo uai "
    "ui uan un uang ue ve van vn"
)
SYLLABLES = frozenset(
    [i + f for i in _INITIALS for f in _FINALS]
    + _words(
        "a o e ai ei ao ou an en ang eng er yi wu yu ya ye yao you yan yin yang ying yong wa wo "
        "wai wei wan wen wang weng yue yuan yun"
    )
)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _is_pinyin(letters: str, most: int = 4) -> bool:
    """Whether `letters` splits into 1–`most` pinyin syllables (a given name + surname)."""
    if not letters:
        return False
    if most == 0:
        return False
    for cut in range(min(6, len(letters)), 0, -1):
        if letters[:cut] in SYLLABLES and (
            cut == len(letters) or _is_pinyin(letters[cut:], most - 1)
        ):
            return True
    return False


def _walk_runs(text: str) -> int | None:
    """How many keyboard or alphabet runs (≥ 4 characters, either direction) make up `text`,
    or None when it is not made of such runs."""
    runs, i = 0, 0
    while i < len(text):
        best = 0
        for j in range(len(text), i + 3, -1):
            piece = text[i:j]
            if any(piece in w or piece[::-1] in w for w in WALKS):
                best = j - i
                break
        if not best:
            return None
        runs, i = runs + 1, i + best
    return runs


def weakness(password: str) -> str:
    """Why `password` is easy to guess, in Chinese, or "" when it is not."""
    lowered = password.lower()
    bare = SEPARATORS.sub("", lowered)
    common = common_passwords()
    edges = lowered.strip(" @#_.!-*&$%+=~,;:/\\|?^()")  # P@ssw0rd! → p@ssw0rd → password
    candidates = {lowered, bare, edges, bare.translate(LEET), edges.translate(LEET)}
    if candidates & common:
        return "该密码过于常见，容易被猜中"
    # One word then digits (or the reverse), separators only between and around them;
    # several words (New-Start-2026!) are a passphrase and judged by the rest.
    word = re.fullmatch(r"\W*([a-z]+)\W*(\d+)\W*|\W*(\d+)\W*([a-z]+)\W*", lowered)
    if word:
        letters, digits = sorted(filter(None, word.groups()), key=str.isdigit)
        if (YEAR_OR_DATE.fullmatch(digits) or LUCKY.fullmatch(digits)) and (
            letters in PRODUCT_WORDS or letters in common
        ):
            return "密码不能是常见单词或名称加年份、数字（如 Hegui@2023）"
    name = re.fullmatch(r"([a-z]+)(\d{4,8})|(\d{4,8})([a-z]+)", bare)
    if name:  # 姓名拼音 + 生日: separators inside the name too (Wang.Fang0815)
        letters, digits = sorted(filter(None, name.groups()), key=str.isdigit)
        if YEAR_OR_DATE.fullmatch(digits) and _is_pinyin(letters):
            return "密码不能是姓名拼音加生日或年份"
    for candidate in (lowered.translate(SHIFTED), bare):
        runs = _walk_runs(candidate)
        if runs is not None and runs <= 3:
            return "密码不能是键盘上连续的按键或连续的字母、数字"
    return ""
