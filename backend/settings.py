"""Settings read from the environment once, with safe embedded defaults (DESIGN.md §4)."""

from __future__ import annotations

import ipaddress
import math
import os
import secrets
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    return int(raw) if raw else default


def _env_bool(name: str, default: bool = False) -> bool:
    raw = _env(name).lower()
    return raw in {"1", "true", "yes", "on"} if raw else default


def _env_list(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in _env(name).replace(" ", ",").split(",") if item.strip())


# Keys published in this repository (tests, e2e, examples) or typical placeholders: never secret.
KNOWN_KEYS = frozenset(
    {
        "test-secret-key-not-for-production",
        "e2e-secret",
        "secret",
        "secret-key",
        "secret_key",
        "changeme",
        "change-me",
        "change_me",
        "please-change-me",
        "development",
        "hegui",
        "hegui-secret",
    }
)
MIN_SECRET_CHARS = 32
MIN_SECRET_BITS = 96  # estimated; the sample estimate of 32 random hex digits is ~115


def secret_key_problem(key: str) -> str | None:
    """Why a SECRET_KEY is too weak for production, in Chinese; None when it will do.

    The estimate is length × the Shannon entropy of its own characters (64 hex digits from
    `secrets.token_hex(32)` score about 250 bits, a run of few characters far below 128), and
    a key that zlib can shrink by a quarter has a pattern."""
    if not key:
        return "生产环境必须设置 SECRET_KEY。"
    if key.lower() in KNOWN_KEYS or "not-for-production" in key.lower():
        return "SECRET_KEY 是公开的示例或测试密钥，生产环境不得使用。"
    if len(key) < MIN_SECRET_CHARS:
        return f"SECRET_KEY 过短（{len(key)} 个字符），生产环境至少需要 {MIN_SECRET_CHARS} 个字符。"
    counts = Counter(key)
    per_char = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    # A repeated pattern ("0123456789" × 4) has varied characters but compresses to little.
    compressed = len(zlib.compress(key.encode(), 9))
    if per_char * len(key) < MIN_SECRET_BITS or compressed < 0.75 * len(key.encode()):
        return "SECRET_KEY 随机性不足（字符重复或有规律），请用随机生成的密钥。"
    return None


SMTP_SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    redis_url: str
    storage_dir: Path
    secret_key: str
    max_upload_mb: int
    due_soon_workdays: int
    environment: str
    debug: bool
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_from: str
    secret_key_from_env: bool
    secure_cookies: bool
    session_idle_minutes: int
    session_absolute_hours: int
    password_min_length: int
    password_min_classes: int
    password_max_age_days: int
    password_history: int
    login_max_failures: int
    lockout_minutes: int
    # Host names the site answers to; empty accepts any (development). Loopback always passes.
    allowed_hosts: tuple[str, ...] = ()
    # Addresses or CIDRs of reverse proxies whose X-Forwarded-For / -Proto are believed.
    trusted_proxies: tuple[str, ...] = ()
    # HEGUI_DEBUG as given; `debug` is what applies (never in production).
    debug_requested: bool = False
    templates_dir: Path = field(default=ROOT_DIR / "templates")
    static_dir: Path = field(default=Path(__file__).resolve().parent / "static")
    seed_dir: Path = field(default=ROOT_DIR / "seed")
    # The store sweep leaves temporaries and unreferenced blobs younger than this alone: it
    # must exceed the longest upload (adoption to commit) and export (see storage_sweep.py).
    store_grace_hours: float = 6.0
    # A second factor (TOTP) for SASAC roles and the auditor: on by default in production.
    require_mfa: bool = False
    mfa_key: str = ""  # encrypts TOTP secrets; SECRET_KEY when empty
    # Without Redis the web process runs the hourly reminder scan itself (off in tests).
    reminder_scan_in_process: bool = True
    # E-mail: "starttls", "ssl" (implicit TLS, usually port 465) or "none" (a local relay).
    smtp_security: str = "starttls"
    smtp_timeout: float = 20.0
    # The site's address as users reach it, for the absolute links in e-mails.
    base_url: str = "http://127.0.0.1:8000"

    @property
    def mail_enabled(self) -> bool:
        """E-mail copies of messages are queued only when a server and a sender are set."""
        return bool(self.smtp_host and self.smtp_from)

    # `hegui serve`: web processes (0: the core count in production, 1 otherwise), the log
    # format ("json" or "text"), and how long a stop waits for requests in flight (uploads).
    web_workers: int = 0
    log_format: str = "text"
    shutdown_grace_seconds: int = 120

    def serve_workers(self) -> int:
        if self.web_workers > 0:
            return self.web_workers
        return (os.cpu_count() or 1) if self.is_production else 1

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def proxy_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(item, strict=False) for item in self.trusted_proxies]

    def startup_problems(self) -> list[str]:
        """What forbids serving with these settings, in Chinese (empty: all is well)."""
        problems = []
        if self.smtp_security not in SMTP_SECURITY:
            problems.append("SMTP_SECURITY 只能是 starttls、ssl 或 none。")
        for item in self.trusted_proxies:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                problems.append(f"HEGUI_TRUSTED_PROXIES 中的“{item}”不是有效的 IP 地址或网段。")
        if self.is_production:
            if self.debug_requested:
                problems.append("生产环境不得开启调试模式，请删除 HEGUI_DEBUG 设置。")
            weak = secret_key_problem(self.secret_key if self.secret_key_from_env else "")
            if weak:
                problems.append(
                    weak + "可用 python3 -c 'import secrets; print(secrets.token_hex(32))' 生成。"
                )
        return problems

    @classmethod
    def from_env(cls) -> Settings:
        var_dir = Path(_env("HEGUI_VAR_DIR") or ROOT_DIR / "var")
        environment = _env("HEGUI_ENV", "development")
        return cls(
            var_dir=var_dir,
            database_url=_env("DATABASE_URL") or f"sqlite:///{var_dir / 'hegui.sqlite3'}",
            redis_url=_env("REDIS_URL"),
            storage_dir=Path(_env("STORAGE_DIR") or var_dir / "storage"),
            # A random key per process is safe for development; production must set one.
            secret_key=_env("SECRET_KEY") or secrets.token_hex(32),
            max_upload_mb=_env_int("MAX_UPLOAD_MB", 200),
            due_soon_workdays=_env_int("DUE_SOON_WORKDAYS", 5),
            environment=environment,
            # Debug pages show tracebacks, so production can never turn them on.
            debug=_env_bool("HEGUI_DEBUG") and environment != "production",
            smtp_host=_env("SMTP_HOST"),
            smtp_port=_env_int("SMTP_PORT", 25),
            smtp_user=_env("SMTP_USER"),
            smtp_password=_env("SMTP_PASSWORD"),
            smtp_from=_env("SMTP_FROM"),
            secret_key_from_env=bool(_env("SECRET_KEY")),
            # Behind HTTPS (always in production) cookies carry Secure and the __Host- prefix.
            secure_cookies=_env_bool("HEGUI_SECURE_COOKIES", environment == "production"),
            session_idle_minutes=_env_int("SESSION_IDLE_MINUTES", 30),
            session_absolute_hours=_env_int("SESSION_ABSOLUTE_HOURS", 12),
            password_min_length=_env_int("PASSWORD_MIN_LENGTH", 8),
            password_min_classes=_env_int("PASSWORD_MIN_CLASSES", 3),
            password_max_age_days=_env_int("PASSWORD_MAX_AGE_DAYS", 90),
            password_history=_env_int("PASSWORD_HISTORY", 5),
            login_max_failures=_env_int("LOGIN_MAX_FAILURES", 5),
            lockout_minutes=_env_int("LOCKOUT_MINUTES", 30),
            store_grace_hours=max(_env_int("STORE_GRACE_HOURS", 6), 1),
            require_mfa=_env_bool("HEGUI_REQUIRE_MFA", environment == "production"),
            mfa_key=_env("HEGUI_MFA_KEY"),
            allowed_hosts=tuple(h.lower() for h in _env_list("HEGUI_ALLOWED_HOSTS")),
            trusted_proxies=_env_list("HEGUI_TRUSTED_PROXIES"),
            debug_requested=_env_bool("HEGUI_DEBUG"),
            reminder_scan_in_process=_env_bool("HEGUI_REMINDER_SCAN", True),
            smtp_security=_env("SMTP_SECURITY", "starttls").lower(),
            smtp_timeout=float(_env_int("SMTP_TIMEOUT", 20)),
            base_url=(_env("HEGUI_BASE_URL") or "http://127.0.0.1:8000").rstrip("/"),
            web_workers=max(_env_int("HEGUI_WORKERS", 0), 0),
            log_format=(
                "json"
                if _env("HEGUI_LOG_FORMAT", "json" if environment == "production" else "text")
                .lower()
                .startswith("json")
                else "text"
            ),
            shutdown_grace_seconds=max(_env_int("HEGUI_SHUTDOWN_GRACE_SECONDS", 120), 1),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
