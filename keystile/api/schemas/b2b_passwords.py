"""Request and response bodies of the B2B Passwords API, field for field as the SDK models them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from keystile.api.schemas.b2b_organizations import Email, MemberOut, OrganizationOut
from keystile.api.schemas.b2b_sessions import EntryResponse
from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import MemberId, OrganizationId
from keystile.api.schemas.passwords import (
    PASSWORD_MAX,
    URL_MAX,
    ImportedHashFields,
    LudsRequirementsOut,
    StrengthVerdict,
)
from keystile.api.schemas.sessions import TOKEN_MAX, SessionFields
from keystile.api.schemas.users import Metadata, Roles


class AuthenticateRequest(SessionFields):
    organization_id: OrganizationId
    email_address: Email
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    locale: str | None = Field(default=None, max_length=16)
    intermediate_session_token: str | None = Field(default=None, max_length=TOKEN_MAX)


class StrengthCheckRequest(RequestBody):
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    email_address: Email | None = None


class MigrateRequest(ImportedHashFields):
    organization_id: OrganizationId
    email_address: Email
    name: str | None = Field(default=None, max_length=256)
    trusted_metadata: Metadata | None = None
    untrusted_metadata: Metadata | None = None
    roles: Roles | None = Field(default=None, max_length=100)
    preserve_existing_sessions: bool | None = None
    mfa_phone_number: str | None = Field(default=None, max_length=32)
    set_phone_number_verified: bool | None = None
    external_id: str | None = Field(default=None, max_length=128)


class AuthenticateResponse(EntryResponse):
    organization_id: str


class ZxcvbnFeedbackOut(BaseModel):
    warning: str
    suggestions: list[str]


class StrengthCheckResponse(StrengthVerdict):
    luds_feedback: LudsRequirementsOut | None = None
    zxcvbn_feedback: ZxcvbnFeedbackOut | None = None


class MigrateResponse(StytchResponse):
    member_id: str
    member_created: bool
    member: MemberOut
    organization: OrganizationOut


class ResetStartRequest(RequestBody):
    organization_id: OrganizationId
    email_address: Email
    reset_password_redirect_url: str | None = Field(default=None, max_length=URL_MAX)
    reset_password_expiration_minutes: int | None = None
    code_challenge: str | None = Field(default=None, max_length=128)
    login_redirect_url: str | None = Field(default=None, max_length=URL_MAX)
    locale: str | None = Field(default=None, max_length=16)
    reset_password_template_id: str | None = Field(default=None, max_length=128)
    verify_email_template_id: str | None = Field(default=None, max_length=128)


class RequireResetRequest(RequestBody):
    organization_id: OrganizationId
    email_address: Email
    member_id: MemberId | None = None


class RequireResetResponse(StytchResponse):
    member_id: str
    member: MemberOut
    organization: OrganizationOut


class ResetStartResponse(StytchResponse):
    member_id: str
    member_email_id: str
    member: MemberOut


class EmailResetRequest(SessionFields):
    password_reset_token: str = Field(min_length=1, max_length=TOKEN_MAX)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    code_verifier: str | None = Field(default=None, max_length=256)
    locale: str | None = Field(default=None, max_length=16)
    intermediate_session_token: str | None = Field(default=None, max_length=TOKEN_MAX)


class EmailResetResponse(EntryResponse):
    member_email_id: str
    organization_id: str


class ExistingPasswordResetRequest(SessionFields):
    organization_id: OrganizationId
    email_address: Email
    existing_password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    new_password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    locale: str | None = Field(default=None, max_length=16)


class SessionResetRequest(SessionFields):
    organization_id: OrganizationId
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    locale: str | None = Field(default=None, max_length=16)


class DiscoveryAuthenticateRequest(RequestBody):
    email_address: Email
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class DiscoveryResetStartRequest(RequestBody):
    email_address: Email
    reset_password_redirect_url: str | None = Field(default=None, max_length=URL_MAX)
    discovery_redirect_url: str | None = Field(default=None, max_length=URL_MAX)
    reset_password_template_id: str | None = Field(default=None, max_length=128)
    reset_password_expiration_minutes: int | None = None
    pkce_code_challenge: str | None = Field(default=None, max_length=128)
    locale: str | None = Field(default=None, max_length=16)
    verify_email_template_id: str | None = Field(default=None, max_length=128)


class DiscoveryResetRequest(RequestBody):
    password_reset_token: str = Field(min_length=1, max_length=TOKEN_MAX)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    pkce_code_verifier: str | None = Field(default=None, max_length=256)
