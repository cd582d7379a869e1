"""Emailed single-use links (consumer and B2B magic links, password resets): their lifetimes, and one
`send` that throttles, stores the token's digest and queues the email in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from keystile import tokens
from keystile.db import single_use
from keystile.db.base import Base
from keystile.delivery.outbox import enqueue_email
from keystile.errors import KeystileError
from keystile.limits.send_slots import claim_send_slot, slot_key
from keystile.tokens import digest, link, new_token

SEND_INTERVAL: Final = timedelta(seconds=1)
MIN_EXPIRATION_MINUTES: Final = 5
MAX_EXPIRATION_MINUTES: Final = 10080
LOGIN_EXPIRATION_MINUTES: Final = 60
SIGNUP_EXPIRATION_MINUTES: Final = 10080
INVITE_EXPIRATION_MINUTES: Final = 10080


@dataclass(frozen=True)
class LinkOptions:
    """Where links point and how long they live; None means the project default."""

    login_url: str | None = None
    signup_url: str | None = None
    invite_url: str | None = None
    login_expiration_minutes: int | None = None
    signup_expiration_minutes: int | None = None
    invite_expiration_minutes: int | None = None
    code_challenge: str | None = None


@dataclass(frozen=True)
class EmailedLink:
    """One email to send: its template, to whom, where the link points (and the `stytch_token_type` apps
    route the callback on), for how long, and which send limit it counts against."""

    template: str
    to: str
    redirect_url: str
    lifetime_minutes: int
    token_type: str = "magic_links"  # noqa: S105
    throttle: str = "magic_link_email"


def expiration_minutes(requested: int | None, default: int) -> int:
    if requested is None:
        return default
    if not MIN_EXPIRATION_MINUTES <= requested <= MAX_EXPIRATION_MINUTES:
        raise KeystileError("invalid_expiration")
    return requested


async def send(
    db: AsyncSession,
    *,
    project_id: str,
    link_to: EmailedLink,
    stored_as: Callable[[str, datetime], Base],
    now: datetime,
) -> None:
    """Claim the address's send slot, add the row `stored_as(token_digest, expires_at)` builds, and
    queue the email with the link."""
    await claim_send_slot(
        db, project_id=project_id, key=slot_key(link_to.throttle, link_to.to), interval=SEND_INTERVAL, now=now
    )
    token = new_token()
    db.add(stored_as(digest(token), now + timedelta(minutes=link_to.lifetime_minutes)))
    await enqueue_email(
        db,
        project_id=project_id,
        to=link_to.to,
        template=link_to.template,
        context={
            "link": link(link_to.redirect_url, token, link_to.token_type),
            "expiration_minutes": link_to.lifetime_minutes,
        },
        now=now,
    )


async def redeem(
    db: AsyncSession, row: single_use.SingleUseToken, code_verifier: str | None, now: datetime
) -> None:
    """Use an emailed magic link (consumer or B2B) exactly once: unexpired, unused and its PKCE verifier
    matching; a conditional UPDATE lets one concurrent caller win."""
    if not tokens.usable(row, now):
        raise KeystileError("unable_to_auth_magic_link")
    tokens.check_pkce(row, code_verifier, issued_as="a link sent")
    if not await single_use.redeem(db, row, now):
        raise KeystileError("unable_to_auth_magic_link")
