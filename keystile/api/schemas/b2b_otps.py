"""Request bodies of the B2B passcode API (SMS for MFA, email login and discovery), as the SDKs send
them; the answers reuse the MFA, magic-link and discovery shapes."""

from __future__ import annotations

from pydantic import Field

from keystile.api.schemas.b2b_mfa import SecondFactorIn, SessionsRef
from keystile.api.schemas.b2b_organizations import Email
from keystile.api.schemas.common import RequestBody
from keystile.api.schemas.ids import OrganizationId
from keystile.api.schemas.sessions import TOKEN_MAX, SessionFields

Template = str | None


class SmsSendRequest(SessionsRef):
    mfa_phone_number: str | None = Field(default=None, max_length=32)
    locale: str | None = Field(default=None, max_length=16)


class SmsAuthenticateRequest(SecondFactorIn):
    code: str = Field(max_length=16)


class EmailLoginOrSignupRequest(RequestBody):
    organization_id: OrganizationId
    email_address: Email
    login_template_id: Template = Field(default=None, max_length=128)
    signup_template_id: Template = Field(default=None, max_length=128)
    locale: str | None = Field(default=None, max_length=16)
    login_expiration_minutes: int | None = None
    signup_expiration_minutes: int | None = None


class EmailAuthenticateRequest(SessionFields):
    organization_id: OrganizationId
    email_address: Email
    code: str = Field(max_length=16)
    intermediate_session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    locale: str | None = Field(default=None, max_length=16)


class DiscoverySendRequest(RequestBody):
    email_address: Email
    login_template_id: Template = Field(default=None, max_length=128)
    locale: str | None = Field(default=None, max_length=16)
    discovery_expiration_minutes: int | None = None


class DiscoveryAuthenticateRequest(RequestBody):
    email_address: Email
    code: str = Field(max_length=16)
