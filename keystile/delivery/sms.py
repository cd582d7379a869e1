"""Who delivers SMS and WhatsApp messages: the Twilio-compatible provider when `KEYSTILE_SMS_URL` is
set, the dev inbox otherwise (as email goes there without `KEYSTILE_SMTP_URL`)."""

from __future__ import annotations

from keystile.config import Settings
from keystile.delivery.dev_inbox import DevInboxSender
from keystile.delivery.twilio import TwilioAccount, TwilioSender


def text_sender(settings: Settings) -> TwilioSender | DevInboxSender:
    if settings.sms_url is None:
        return DevInboxSender()
    return TwilioSender(TwilioAccount.from_url(settings.sms_url), settings.sms_from)
