"""B2B email magic links: throttled, stored as digests, queued in the outbox with the request's
transaction; redeemed once, with PKCE when the link was sent with a challenge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b import tokens
from keystile.b2b.models import B2BMagicLinkToken
from keystile.delivery.outbox import enqueue_email
from keystile.errors import KeystileError
from keystile.factors.magic_links.service import SEND_INTERVAL
from keystile.factors.magic_links.tokens import magic_link, new_token, token_digest, verifier_matches
from keystile.ids import new_id
from keystile.limits.send_slots import claim_send_slot, slot_key

DISCOVERY = "discovery"
# `stytch_token_type` of each kind of link: apps route the callback on it.
TOKEN_TYPES = {
    DISCOVERY: "discovery",
    "login": "multi_tenant_magic_links",
    "signup": "multi_tenant_magic_links",
    "invite": "multi_tenant_magic_links",
}
DISCOVERY_EXPIRATION_MINUTES = 60


@dataclass(frozen=True)
class Link:
    """One email to send: what kind, to whom, where it points, for how long."""

    kind: str
    email: str
    redirect_url: str
    lifetime_minutes: int
    code_challenge: str | None = None
    organization_id: str | None = None
    member_id: str | None = None


async def send_link(db: AsyncSession, *, project_id: str, link: Link, now: datetime) -> None:
    """Throttle, store the token's digest, and queue the email, all in the caller's transaction."""
    await claim_send_slot(
        db,
        project_id=project_id,
        key=slot_key("magic_link_email", link.email),
        interval=SEND_INTERVAL,
        now=now,
    )
    token = new_token()
    db.add(
        B2BMagicLinkToken(
            token_id=new_id("multi-tenant-magic-link"),
            project_id=project_id,
            token_digest=token_digest(token),
            kind=link.kind,
            email_address=link.email,
            organization_id=link.organization_id,
            member_id=link.member_id,
            code_challenge=link.code_challenge,
            created_at=now,
            expires_at=now + timedelta(minutes=link.lifetime_minutes),
        )
    )
    await enqueue_email(
        db,
        project_id=project_id,
        to=link.email,
        template=link.kind,
        context={
            "link": magic_link(link.redirect_url, token, TOKEN_TYPES[link.kind]),
            "expiration_minutes": link.lifetime_minutes,
        },
        now=now,
    )


async def redeem_link(
    db: AsyncSession,
    *,
    project_id: str,
    token: str,
    discovery: bool,
    code_verifier: str | None,
    now: datetime,
) -> B2BMagicLinkToken:
    """Use a discovery link (or, `discovery` false, an organization's link) exactly once.

    A link of the other family is not found, and stays usable: a callback that routes a token to the
    wrong endpoint must not burn it; nor does a wrong PKCE verifier."""
    row = await tokens.find(db, B2BMagicLinkToken, project_id, token)
    if row is None or (row.kind == DISCOVERY) != discovery:
        raise KeystileError("magic_link_not_found")
    if not tokens.usable(row, now):
        raise KeystileError("unable_to_auth_magic_link")
    if row.code_challenge is not None and not verifier_matches(row.code_challenge, code_verifier):
        raise KeystileError("pkce_mismatch")
    if row.code_challenge is None and code_verifier:
        raise KeystileError("pkce_mismatch", "A code_verifier was given for a link sent without PKCE.")
    if not await tokens.redeem(db, row, now):
        raise KeystileError("unable_to_auth_magic_link")
    return row
