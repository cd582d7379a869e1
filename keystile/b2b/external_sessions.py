"""B2B sessions from outside proofs: `sessions.attest` (a trusted auth token, verified by its profile)
and `sessions.migrate` (a former provider's token, by the email its userinfo endpoint answers) start
or extend a session of the existing member of the organization that email names."""

from __future__ import annotations

from typing import Any

from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.organizations import organization_view
from keystile.b2b.sessions import AuthenticatedMember, start_or_extend
from keystile.b2b.views import MemberView, OrganizationView
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors.session_migration.service import imported_factor, migrated_email
from keystile.factors.trusted_tokens.service import attested
from keystile.sessions.types import SessionRequest


async def _member_session(
    call: Call, organization: OrganizationView, email: str, factor: dict[str, Any], request: SessionRequest
) -> AuthenticatedMember:
    """A session for the organization's member with `email` (a pending or invited member becomes
    active); `member_not_found` when there is none."""
    member = await MemberRepository(call.db, call.project_id).by_email(
        organization.organization_id, email, for_update=True
    )
    if member is None or member.status == "deleted":
        raise KeystileError("member_not_found")
    member.status, member.updated_at = "active", call.now
    view = MemberView(member, organization)
    issued = await start_or_extend(call, member=view, factors=[factor], request=request)
    return AuthenticatedMember(issued, view, view.roles)


async def attest(
    call: Call, *, profile_id: str, token: str, organization_id: str | None, request: SessionRequest
) -> AuthenticatedMember:
    """A member session for the trusted auth token's member, in the organization the request (or else
    the token's organization claim) names."""
    proof = await attested(call, profile_id=profile_id, token=token)
    organization_ref = organization_id or proof.token.organization_id
    if organization_ref is None:
        raise KeystileError(
            "invalid_argument", "Name the organization: the trusted auth token has no organization claim."
        )
    organization = await organization_view(call, organization_ref)
    return await _member_session(call, organization, proof.email, proof.factor, request)


async def migrate(
    call: Call, *, session_token: str, organization_id: str, request: SessionRequest
) -> AuthenticatedMember:
    """A member session for the organization's member whose email the former provider names."""
    organization = await organization_view(call, organization_id)
    email = await migrated_email(call, session_token)
    return await _member_session(call, organization, email, imported_factor(call), request)
