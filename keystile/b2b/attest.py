"""B2B `sessions.attest`: a trusted auth token, verified by its profile, starts or extends a session of
the existing member its email names, in the organization the request or the token names."""

from __future__ import annotations

from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.organizations import organization_view
from keystile.b2b.sessions import AuthenticatedMember, start_or_extend
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors.trusted_tokens.service import attested
from keystile.sessions.types import SessionRequest


async def attest(
    call: Call, *, profile_id: str, token: str, organization_id: str | None, request: SessionRequest
) -> AuthenticatedMember:
    """A member session for the token's member (a pending or invited member becomes active)."""
    proof = await attested(call, profile_id=profile_id, token=token)
    organization_ref = organization_id or proof.token.organization_id
    if organization_ref is None:
        raise KeystileError(
            "invalid_argument", "Name the organization: the trusted auth token has no organization claim."
        )
    organization = await organization_view(call, organization_ref)
    member = await MemberRepository(call.db, call.project_id).by_email(
        organization.organization_id, proof.email, for_update=True
    )
    if member is None or member.status == "deleted":
        raise KeystileError("member_not_found")
    member.status, member.updated_at = "active", call.now
    view = MemberView(member, organization)
    issued = await start_or_extend(call, member=view, factors=[proof.factor], request=request)
    return AuthenticatedMember(issued, view, view.roles)
