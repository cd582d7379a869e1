"""Sending SMS and WhatsApp messages through a Twilio-compatible Messages API, configured by
`KEYSTILE_SMS_URL=https://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com`: each message is one
`POST {base}/2010-04-01/Accounts/{sid}/Messages.json` with the form fields To, From and Body, under
HTTP Basic `sid:token`. WhatsApp numbers carry Twilio's `whatsapp:` prefix."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import httpx

from keystile.delivery.models import WHATSAPP, OutboxMessage

# The whole exchange; the worker bounds it again below its lease.
TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class TwilioAccount:
    base_url: str
    account_sid: str
    auth_token: str

    @classmethod
    def from_url(cls, url: str) -> TwilioAccount:
        """Parse `https://sid:token@host[:port][/prefix]`; errors never quote the URL (it holds the
        token)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("KEYSTILE_SMS_URL must be an http(s) URL with a host")
        if not parts.username or not parts.password:
            raise ValueError("KEYSTILE_SMS_URL must carry ACCOUNT_SID:AUTH_TOKEN@ before the host")
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        netloc = f"{host}:{parts.port}" if parts.port else host
        return cls(
            base_url=urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", "")),
            account_sid=unquote(parts.username),
            auth_token=unquote(parts.password),
        )

    @property
    def messages_url(self) -> str:
        return f"{self.base_url}/2010-04-01/Accounts/{quote(self.account_sid, safe='')}/Messages.json"


def twilio_address(channel: str, number: str) -> str:
    """How Twilio names a number on a channel: `+1…` for SMS, `whatsapp:+1…` for WhatsApp."""
    return f"whatsapp:{number}" if channel == WHATSAPP else number


class TwilioSender:
    """Hands each text message to one Twilio-compatible Messages API."""

    def __init__(self, account: TwilioAccount, from_number: str) -> None:
        self.account = account
        self.from_number = from_number

    async def send(self, message: OutboxMessage) -> None:
        form = {
            "To": twilio_address(message.channel, message.recipient),
            "From": twilio_address(message.channel, self.from_number),
            "Body": message.body_text,
        }
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
            response = await client.post(
                self.account.messages_url,
                data=form,
                auth=(self.account.account_sid, self.account.auth_token),
            )
        # Any refusal (4xx or 5xx) leaves the message for the worker's next attempt.
        response.raise_for_status()
