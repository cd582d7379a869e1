"""Request and response bodies of the B2B email magic links API (organization login, invites,
discovery), as the official SDKs use them."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from keystile.api.schemas.b2b_discovery import DiscoveryResponse, discovery_fields
from keystile.api.schemas.b2b_organizations import Email, MemberOut, NewMemberIn, OrganizationOut
from keystile.api.schemas.b2b_sessions import EntryResponse
from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import MemberId, OrganizationId
from keystile.api.schemas.sessions import JWT_MAX, TOKEN_MAX
from keystile.b2b.discovery import Discovery
from keystile.clock import rfc3339
from keystile.factors.links import LinkOptions

Minutes = int | None
URL = str | None


class LoginOrSignupRequest(RequestBody):
    organization_id: OrganizationId
    email_address: Email
    login_redirect_url: URL = Field(default=None, max_length=2048)
    signup_redirect_url: URL = Field(default=None, max_length=2048)
    pkce_code_challenge: str | None = Field(default=None, max_length=128)
    login_template_id: str | None = Field(default=None, max_length=128)
    signup_template_id: str | None = Field(default=None, max_length=128)
    locale: str | None = Field(default=None, max_length=16)
    login_expiration_minutes: Minutes = None
    signup_expiration_minutes: Minutes = None

    def link_options(self) -> LinkOptions:
        return LinkOptions(
            login_url=self.login_redirect_url,
            signup_url=self.signup_redirect_url,
            login_expiration_minutes=self.login_expiration_minutes,
            signup_expiration_minutes=self.signup_expiration_minutes,
            code_challenge=self.pkce_code_challenge,
        )


class InviteRequest(NewMemberIn):
    organization_id: OrganizationId
    invite_redirect_url: URL = Field(default=None, max_length=2048)
    invited_by_member_id: MemberId | None = None
    invite_template_id: str | None = Field(default=None, max_length=128)
    locale: str | None = Field(default=None, max_length=16)
    invite_expiration_minutes: Minutes = None

    def link_options(self) -> LinkOptions:
        return LinkOptions(
            invite_url=self.invite_redirect_url, invite_expiration_minutes=self.invite_expiration_minutes
        )


class AuthenticateRequest(RequestBody):
    magic_links_token: str = Field(min_length=1, max_length=256)
    pkce_code_verifier: str | None = Field(default=None, max_length=256)
    session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    session_jwt: str | None = Field(default=None, max_length=JWT_MAX)
    session_duration_minutes: int | None = None
    session_custom_claims: dict[str, Any] | None = None
    locale: str | None = Field(default=None, max_length=16)
    intermediate_session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    telemetry_id: str | None = Field(default=None, max_length=256)


class DiscoverySendRequest(RequestBody):
    email_address: Email
    discovery_redirect_url: URL = Field(default=None, max_length=2048)
    pkce_code_challenge: str | None = Field(default=None, max_length=128)
    login_template_id: str | None = Field(default=None, max_length=128)
    locale: str | None = Field(default=None, max_length=16)
    discovery_expiration_minutes: Minutes = None


class DiscoveryAuthenticateRequest(RequestBody):
    discovery_magic_links_token: str = Field(min_length=1, max_length=256)
    pkce_code_verifier: str | None = Field(default=None, max_length=256)


class LoginOrSignupResponse(StytchResponse):
    member_id: str
    member_created: bool
    member: MemberOut
    organization: OrganizationOut


class InviteResponse(StytchResponse):
    member_id: str
    member: MemberOut
    organization: OrganizationOut


class AuthenticateResponse(EntryResponse):
    method_id: str
    reset_sessions: bool = False
    organization_id: str


class DiscoverySendResponse(StytchResponse):
    pass


class DiscoveryAuthenticateResponse(DiscoveryResponse):
    intermediate_session_token: str
    intermediate_session_token_expires_at: str | None


def discovery_authenticated(request_id: str, found: Discovery) -> DiscoveryAuthenticateResponse:
    """The answer of a discovery authentication: its intermediate session and organizations."""
    ist = found.intermediate
    return DiscoveryAuthenticateResponse(
        request_id=request_id,
        intermediate_session_token=ist.token if ist is not None else "",
        intermediate_session_token_expires_at=rfc3339(ist.expires_at) if ist is not None else None,
        **discovery_fields(found),
    )
