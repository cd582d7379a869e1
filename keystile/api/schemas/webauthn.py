"""Request and response bodies of the consumer WebAuthn API, field for field as the SDK models them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import UserId
from keystile.api.schemas.sessions import SessionFields, SessionOut, authenticated_fields
from keystile.api.schemas.users import UserOut
from keystile.factors.webauthn.profile import RegistrationSummary
from keystile.factors.webauthn.service import WebAuthnAuthenticated

# A navigator.credentials response: ids up to 1023 bytes, attestation objects of a few kilobytes.
CREDENTIAL_MAX = 64 * 1024
DOMAIN_MAX = 253


class RegisterStartRequest(RequestBody):
    user_id: UserId
    domain: str = Field(max_length=DOMAIN_MAX)
    user_agent: str | None = Field(default=None, max_length=2048)
    authenticator_type: str | None = Field(default=None, max_length=32)
    return_passkey_credential_options: bool = False
    override_id: str | None = Field(default=None, max_length=64)
    override_name: str | None = Field(default=None, max_length=256)
    override_display_name: str | None = Field(default=None, max_length=256)
    use_base64_url_encoding: bool = False


class RegisterRequest(SessionFields):
    user_id: UserId
    public_key_credential: str = Field(max_length=CREDENTIAL_MAX)


class AuthenticateStartRequest(RequestBody):
    domain: str = Field(max_length=DOMAIN_MAX)
    user_id: UserId | None = None
    return_passkey_credential_options: bool = False
    use_base64_url_encoding: bool = False


class AuthenticateRequest(SessionFields):
    public_key_credential: str = Field(max_length=CREDENTIAL_MAX)


class UpdateRequest(RequestBody):
    name: str = Field(max_length=256)


class RegisterStartResponse(StytchResponse):
    user_id: str
    public_key_credential_creation_options: str


class AuthenticateStartResponse(StytchResponse):
    user_id: str
    public_key_credential_request_options: str


class AuthenticatedResponse(StytchResponse):
    """`webauthn.register`'s answer; `webauthn.authenticate` answers with the same fields."""

    user_id: str
    webauthn_registration_id: str
    session_token: str
    session_jwt: str
    user: UserOut
    session: SessionOut | None = None


class CredentialOut(BaseModel):
    credential_id: str
    webauthn_registration_id: str
    type: str
    public_key: str


class ListCredentialsResponse(StytchResponse):
    credentials: list[CredentialOut]


class UpdateResponse(StytchResponse):
    webauthn_registration: RegistrationSummary


def authenticated(rid: str, result: WebAuthnAuthenticated) -> AuthenticatedResponse:
    return AuthenticatedResponse(
        request_id=rid,
        webauthn_registration_id=result.webauthn_registration_id,
        **authenticated_fields(result.user, result.issued),
    )
