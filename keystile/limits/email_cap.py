"""The hourly cap of emails to one address of a project, whatever sends them
(`KEYSTILE_RATE_LIMIT_EMAILS_PER_ADDRESS_PER_HOUR`), counted in the caller's transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.db.engine import EMAILS_PER_ADDRESS_PER_HOUR
from keystile.limits.send_slots import slot_key
from keystile.limits.windows import count_in_window

EMAIL_CAP_WINDOW = timedelta(hours=1)


async def count_email_to(session: AsyncSession, *, project_id: str, address: str, now: datetime) -> None:
    """Count one email to `address`, or raise `too_many_requests` past the sessions' hourly cap (0:
    no cap); the count rolls back with the caller's work."""
    cap = session.info.get(EMAILS_PER_ADDRESS_PER_HOUR, 0)
    if cap:
        await count_in_window(
            session,
            project_id=project_id,
            key=slot_key("email_address", address.lower()),
            limit=cap,
            window=EMAIL_CAP_WINDOW,
            now=now,
            refusal="Too many emails to this address in this hour.",
        )
