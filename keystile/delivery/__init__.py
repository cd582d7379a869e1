"""Delivery: email written to an outbox in the caller's transaction, sent later by a worker
over SMTP, or into the dev inbox when no SMTP server is configured."""
