"""Who delivers SMS and WhatsApp messages: the Twilio-compatible provider when `KEYSTILE_SMS_URL` is
set, the dev inbox when that is on; with neither, text sends are refused before anything is queued."""

from __future__ import annotations

from keystile.config import Settings
from keystile.delivery.dev_inbox import DevInboxSender
from keystile.delivery.twilio import TwilioAccount, TwilioSender
from keystile.errors import KeystileError


def text_sender(settings: Settings) -> TwilioSender | DevInboxSender | None:
    if settings.sms_url is not None:
        return TwilioSender(TwilioAccount.from_url(settings.sms_url), settings.sms_from)
    return DevInboxSender() if settings.dev_inbox else None


def require_text_transport(settings: Settings) -> None:
    """Refuse a text send (`sms_not_configured`) that nothing would deliver: never let a passcode
    wait in the outbox, or reach the dev inbox, unless the dev inbox was asked for."""
    if settings.sms_url is None and not settings.dev_inbox:
        raise KeystileError("sms_not_configured")
