"""B2B email magic links: throttled, stored as digests, queued in the outbox with the request's
transaction; redeemed once, with PKCE when the link was sent with a challenge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from keystile.b2b.models import B2BMagicLinkToken
from keystile.calls import Call
from keystile.db import single_use
from keystile.errors import KeystileError
from keystile.factors import links
from keystile.ids import new_id

DISCOVERY = "discovery"
# `stytch_token_type` of each kind of link: apps route the callback on it.
TOKEN_TYPES = {
    DISCOVERY: "discovery",
    "login": "multi_tenant_magic_links",
    "signup": "multi_tenant_magic_links",
    "invite": "multi_tenant_magic_links",
    # A member's new address (`email_updates`): authenticated as an organization's link.
    "email_update": "multi_tenant_magic_links",
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


async def send_link(call: Call, link: Link) -> None:
    """Throttle, store the token's digest, and queue the email, all in the caller's transaction."""
    project_id, now = call.project_id, call.now

    def stored_as(token_digest: str, expires_at: datetime) -> B2BMagicLinkToken:
        return B2BMagicLinkToken(
            token_id=new_id("multi-tenant-magic-link"),
            project_id=project_id,
            token_digest=token_digest,
            kind=link.kind,
            email_address=link.email,
            organization_id=link.organization_id,
            member_id=link.member_id,
            code_challenge=link.code_challenge,
            created_at=now,
            expires_at=expires_at,
        )

    emailed = links.EmailedLink(
        link.kind, link.email, link.redirect_url, link.lifetime_minutes, token_type=TOKEN_TYPES[link.kind]
    )
    await links.send(call.db, project_id=project_id, link_to=emailed, stored_as=stored_as, now=now)


async def redeem_link(
    call: Call, token: str, *, discovery: bool, code_verifier: str | None
) -> B2BMagicLinkToken:
    """Use a discovery link (or, `discovery` false, an organization's link) exactly once.

    A link of the other family is not found, and stays usable: a callback that routes a token to the
    wrong endpoint must not burn it; nor does a wrong PKCE verifier."""
    row = await single_use.find(call.db, B2BMagicLinkToken, call.project_id, token)
    if row is None or (row.kind == DISCOVERY) != discovery:
        raise KeystileError("magic_link_not_found")
    await links.redeem(call.db, row, code_verifier, call.now)
    return row
