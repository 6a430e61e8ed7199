"""Delivery: claim the due outbox rows and send them over one SMTP connection (stdlib smtplib,
in a worker thread so the event loop never waits on the mail server). Each row ends sent, or
pending again with a backoff, or failed after the last try — with the reason in Chinese."""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

import anyio.to_thread

from backend.domain.mail.outbox import (
    Claimed,
    claim_due,
    mark_failed,
    mark_sent,
    release_stale_claims,
)
from backend.rules.messages import OutboxStatus
from backend.settings import Settings, get_settings

log = logging.getLogger("hegui.mail")
BATCH = 50


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not (self.sent or self.retrying or self.failed):
            return "没有待发送的邮件。"
        return f"发送 {self.sent} 封，稍后重试 {self.retrying} 封，失败 {self.failed} 封。"


def reason(exc: BaseException, settings: Settings) -> str:
    """Why a send failed, as the 发送记录 page says it."""
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "邮件服务器拒绝登录，请检查 SMTP_USER 和 SMTP_PASSWORD。"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "邮件服务器拒收该收件地址，请核对电子邮箱。"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return "邮件服务器拒绝了发件人地址，请检查 SMTP_FROM。"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"邮件服务器返回错误（代码 {exc.smtp_code}）。"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return "邮件服务器不支持所配置的加密方式，请检查 SMTP_SECURITY。"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"与邮件服务器（{where}）的连接中断。"
    if isinstance(exc, ssl.SSLError):
        return f"与邮件服务器（{where}）建立加密连接失败，请检查 SMTP_SECURITY 和端口。"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"连接邮件服务器（{where}）超时。"
    if isinstance(exc, OSError):
        return f"无法连接邮件服务器（{where}）。"
    return "发送失败，原因未知，请查看服务日志。"


def _message(row: Claimed, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    name, address = parseaddr(settings.smtp_from)
    message["From"] = str(Address(display_name=name, addr_spec=address)) if name else address
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    domain = address.rpartition("@")[2] or "hegui"
    # The same id on every try: a copy that did arrive once can be recognised.
    message["Message-ID"] = f"<outbox-{row.id}@{domain}>"
    message.set_content(row.body, charset="utf-8")
    return message


def _connect(settings: Settings) -> smtplib.SMTP:
    if settings.smtp_security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=settings.smtp_timeout,
            context=ssl.create_default_context(),
        )
    else:
        server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
        if settings.smtp_security == "starttls":
            server.starttls(context=ssl.create_default_context())
    if settings.smtp_user:
        server.login(settings.smtp_user, settings.smtp_password)
    return server


def _send_batch(rows: list[Claimed], settings: Settings) -> list[str | None]:
    """Blocking: send each row; None for sent, else the reason (a connection failure fails all)."""
    try:
        server = _connect(settings)
    except Exception as exc:  # every row of the batch waits for the next try
        log.warning("连接邮件服务器失败：%s", exc)
        return [reason(exc, settings)] * len(rows)
    outcomes: list[str | None] = []
    try:
        for row in rows:
            try:
                server.send_message(_message(row, settings))
                outcomes.append(None)
            except Exception as exc:
                log.warning("邮件 %s 发送失败：%s", row.id, exc)
                outcomes.append(reason(exc, settings))
                if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
                    outcomes.extend([reason(exc, settings)] * (len(rows) - len(outcomes)))
                    break
    finally:
        try:
            server.quit()
        except Exception:  # the connection may be gone already
            server.close()
    return outcomes


async def send_due(limit: int = BATCH) -> SendResult:
    """Deliver what is due now; safe to run from several workers at once."""
    result = SendResult()
    settings = get_settings()
    if not settings.mail_enabled:
        return result
    await release_stale_claims()
    while True:
        rows = await claim_due(limit)
        if not rows:
            return result
        outcomes = await anyio.to_thread.run_sync(_send_batch, rows, settings)
        for row, error in zip(rows, outcomes, strict=True):
            if error is None:
                await mark_sent(row.id)
                result.sent += 1
            elif await mark_failed(row.id, row.attempts, error) is OutboxStatus.FAILED:
                result.failed += 1
                result.errors.append(error)
            else:
                result.retrying += 1
                result.errors.append(error)
        if any(e is not None for e in outcomes):
            return result  # a failing server is tried again later, not in a tight loop
