"""Request and response bodies of the B2B Sessions API and of every call that ends in a member session
(discovery exchange and organization creation, session exchange), as the SDK models them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from keystile.api.schemas.b2b_organizations import MemberOut, OrganizationOut, member_out, organization_out
from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import MemberId, MemberSessionId, OrganizationId, TrustedTokenProfileId
from keystile.api.schemas.sessions import JWT_MAX, TOKEN_MAX, ConsumerAuthorizationCheckIn, SessionFields
from keystile.b2b.admission import Entry
from keystile.b2b.sessions import AuthenticatedMember, IssuedMemberSession
from keystile.clock import rfc3339
from keystile.rbac.checks import AuthorizationCheck


class AuthorizationCheckIn(ConsumerAuthorizationCheckIn):
    organization_id: str = Field(max_length=128)

    def check(self) -> AuthorizationCheck:
        return AuthorizationCheck(self.resource_id, self.action, self.organization_id)


class AuthenticateMemberSessionRequest(RequestBody):
    session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    session_duration_minutes: int | None = None
    session_jwt: str | None = Field(default=None, max_length=JWT_MAX)
    session_custom_claims: dict[str, Any] | None = None
    authorization_check: AuthorizationCheckIn | None = None


class AttestMemberRequest(SessionFields):
    profile_id: TrustedTokenProfileId
    token: str = Field(min_length=1, max_length=JWT_MAX)
    organization_id: OrganizationId | None = None


class MigrateMemberSessionRequest(RequestBody):
    session_token: str = Field(min_length=1, max_length=JWT_MAX)
    organization_id: OrganizationId
    session_duration_minutes: int | None = None
    session_custom_claims: dict[str, Any] | None = None


class RevokeMemberSessionRequest(RequestBody):
    member_session_id: MemberSessionId | None = None
    session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    session_jwt: str | None = Field(default=None, max_length=JWT_MAX)
    member_id: MemberId | None = None


class ExchangeMemberSessionRequest(RequestBody):
    organization_id: OrganizationId
    session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    session_jwt: str | None = Field(default=None, max_length=JWT_MAX)
    session_duration_minutes: int | None = None
    session_custom_claims: dict[str, Any] | None = None
    locale: str | None = Field(default=None, max_length=16)
    telemetry_id: str | None = Field(default=None, max_length=256)


class MemberSessionOut(BaseModel):
    member_session_id: str
    member_id: str
    started_at: str | None
    last_accessed_at: str | None
    expires_at: str | None
    authentication_factors: list[dict[str, Any]]
    organization_id: str
    roles: list[str]
    organization_slug: str
    custom_claims: dict[str, Any]


class PrimaryRequiredOut(BaseModel):
    allowed_auth_methods: list[str]


class MfaRequiredOut(BaseModel):
    member_options: dict[str, str] | None = None
    secondary_auth_initiated: str | None = None


class AuthenticateMemberSessionResponse(StytchResponse):
    member_session: MemberSessionOut
    session_token: str
    session_jwt: str
    member: MemberOut
    organization: OrganizationOut
    verdict: dict[str, Any] | None = None


class MemberSessionAnswer(StytchResponse):
    """What attest and migrate answer: the member, its organization and its session."""

    member_id: str
    member_session: MemberSessionOut
    session_token: str
    session_jwt: str
    member: MemberOut
    organization: OrganizationOut


class ImpersonationAnswer(MemberSessionAnswer):
    """impersonation.authenticate's answer: always a full session, never an intermediate one."""

    organization_id: str
    intermediate_session_token: str
    member_authenticated: bool


class GetMemberSessionsResponse(StytchResponse):
    member_sessions: list[MemberSessionOut]


class RevokeMemberSessionResponse(StytchResponse):
    pass


class EntryResponse(StytchResponse):
    """The answer of every call that enters an organization."""

    member_id: str
    session_token: str
    session_jwt: str
    member: MemberOut
    organization: OrganizationOut
    member_authenticated: bool
    intermediate_session_token: str
    member_session: MemberSessionOut | None = None
    mfa_required: MfaRequiredOut | None = None
    primary_required: PrimaryRequiredOut | None = None
    member_device: dict[str, Any] | None = None
    intermediate_session_token_expires_at: str | None = None


def member_session_out(issued: IssuedMemberSession) -> MemberSessionOut:
    """The SDK's `MemberSession` model for a stored member session (validated in one pass over plain
    values, which copies its lists and dicts)."""
    session = issued.session
    return MemberSessionOut.model_validate(
        {
            "member_session_id": session.session_id,
            "member_id": session.member_id,
            "started_at": rfc3339(session.started_at),
            "last_accessed_at": rfc3339(session.last_accessed_at),
            "expires_at": rfc3339(session.expires_at),
            "authentication_factors": session.authentication_factors,
            "organization_id": session.organization_id,
            "roles": issued.roles,
            "organization_slug": issued.organization_slug,
            "custom_claims": session.custom_claims,
        }
    )


def entry_fields(entry: Entry) -> dict[str, Any]:
    """The `EntryResponse` fields of an entry (shared by the responses that extend it)."""
    issued, ist = entry.issued, entry.intermediate
    return {
        "member_id": entry.member.member.member_id,
        "session_token": issued.session_token if issued is not None else "",
        "session_jwt": issued.session_jwt if issued is not None else "",
        "member": member_out(entry.member),
        "organization": organization_out(entry.member.organization),
        "member_authenticated": entry.member_authenticated,
        "intermediate_session_token": ist.token if ist is not None else "",
        "member_session": member_session_out(issued) if issued is not None else None,
        "mfa_required": (
            MfaRequiredOut(
                member_options=entry.mfa_options, secondary_auth_initiated=entry.secondary_auth_initiated
            )
            if entry.mfa_required
            else None
        ),
        "primary_required": (
            PrimaryRequiredOut(allowed_auth_methods=entry.primary_required)
            if entry.primary_required is not None
            else None
        ),
        "intermediate_session_token_expires_at": rfc3339(ist.expires_at) if ist is not None else None,
    }


def member_session_answer(request_id: str, found: AuthenticatedMember) -> MemberSessionAnswer:
    """attest's and migrate's answer for the member session they started or extended."""
    return MemberSessionAnswer(
        request_id=request_id,
        member_id=found.member.member.member_id,
        member_session=member_session_out(found.issued),
        session_token=found.issued.session_token,
        session_jwt=found.issued.session_jwt,
        member=member_out(found.member, found.roles),
        organization=organization_out(found.member.organization),
    )
