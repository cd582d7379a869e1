"""Delivery: email, SMS and WhatsApp messages written to an outbox in the caller's transaction, sent
later by a worker over SMTP or a Twilio-compatible API, or into the dev inbox when neither is
configured; and the toll-fraud limits on text messages."""
