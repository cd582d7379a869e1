"""Sending outbox email over SMTP (aiosmtplib), configured by `KEYSTILE_SMTP_URL`:
`smtp://[user:pass@]host[:port]` (STARTTLS when offered) or `smtps://…` (implicit TLS)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import unquote, urlsplit

import aiosmtplib

from keystile.delivery.models import OutboxMessage

SMTP_PORT = 25
SMTPS_PORT = 465
# Per SMTP command; the worker bounds the whole exchange below its lease.
SMTP_TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class SmtpServer:
    hostname: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """Parse `smtp://` or `smtps://` URLs; errors never quote the URL (it may hold a password)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("KEYSTILE_SMTP_URL must start with smtp:// or smtps://")
        if not parts.hostname:
            raise ValueError("KEYSTILE_SMTP_URL has no host")
        implicit_tls = parts.scheme == "smtps"
        return cls(
            hostname=parts.hostname,
            port=parts.port or (SMTPS_PORT if implicit_tls else SMTP_PORT),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=implicit_tls,
        )


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    """The MIME message for an outbox row: plain text, with an HTML alternative when there is one."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    # Stable across retries, so a receiver can drop the copy of a message sent twice.
    domain = parseaddr(sender)[1].rpartition("@")[2] or "keystile.invalid"
    email["Message-ID"] = f"<{message.message_id}@{domain}>"
    email.set_content(message.body_text)
    if message.body_html is not None:
        email.add_alternative(message.body_html, subtype="html")
    return email


class SmtpSender:
    """Hands each message to one SMTP server."""

    def __init__(self, server: SmtpServer, sender: str) -> None:
        self.server = server
        self.sender = sender

    async def send(self, message: OutboxMessage) -> None:
        await aiosmtplib.send(
            build_email(message, self.sender),
            hostname=self.server.hostname,
            port=self.server.port,
            username=self.server.username,
            password=self.server.password,
            use_tls=self.server.implicit_tls,
            timeout=SMTP_TIMEOUT_SECONDS,
        )
