"""B2B impersonation: mint a token for a member (the CLI), and `impersonation.authenticate`, which
signs in as that member for Stytch's fixed 60 minutes (never an intermediate session or MFA)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.organizations import organization_view
from keystile.b2b.organizations_repository import OrganizationRepository
from keystile.b2b.sessions import AuthenticatedMember, start_or_extend
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors.impersonation.tokens import (
    SESSION_MINUTES,
    Impersonator,
    MintedToken,
    impersonated_factor,
    mint,
    redeemed,
)
from keystile.sessions.types import SessionRequest


async def mint_for_member(
    db: AsyncSession,
    project_id: str,
    *,
    organization_ref: str,
    member_ref: str,
    impersonator: Impersonator,
    now: datetime,
) -> MintedToken:
    """A token to sign in as the organization's member (by id, email's member id or external id)."""
    organization = await OrganizationRepository(db, project_id).resolve(organization_ref)
    if organization is None:
        raise KeystileError("organization_not_found")
    member = await MemberRepository(db, project_id).get(organization.organization_id, member_ref)
    if member is None or member.status == "deleted":
        raise KeystileError("member_not_found")
    minted = mint(
        db,
        project_id,
        subject_id=member.member_id,
        organization_id=organization.organization_id,
        impersonator=impersonator,
        now=now,
    )
    await db.flush()
    return minted


async def authenticate(call: Call, *, impersonation_token: str) -> AuthenticatedMember:
    """A 60-minute member session as the token's member, its factor naming the impersonator."""
    row = await redeemed(call.db, call.project_id, impersonation_token, call.now, b2b=True)
    assert row.organization_id is not None
    organization = await organization_view(call, row.organization_id)
    member = await MemberRepository(call.db, call.project_id).get(row.organization_id, row.subject_id)
    if member is None or member.status == "deleted":
        raise KeystileError("unable_to_auth_impersonation_token")
    view = MemberView(member, organization)
    issued = await start_or_extend(
        call,
        member=view,
        factors=[impersonated_factor(row, call.now)],
        request=SessionRequest(duration_minutes=SESSION_MINUTES),
    )
    return AuthenticatedMember(issued, view, view.roles)
