"""Request and response bodies of the consumer OAuth API (`oauth.authenticate`, `oauth.attach`), as
the official SDKs use them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import UserId
from keystile.api.schemas.sessions import JWT_MAX, TOKEN_MAX, SessionFields, SessionOut
from keystile.api.schemas.users import UserOut
from keystile.clock import rfc3339
from keystile.factors.oauth.client import ProviderTokens


class AuthenticateRequest(SessionFields):
    token: str = Field(max_length=TOKEN_MAX)
    code_verifier: str | None = Field(default=None, max_length=128)


class ProviderValuesOut(BaseModel):
    access_token: str
    refresh_token: str
    id_token: str
    scopes: list[str]
    expires_at: str | None = None


def provider_values_out(values: ProviderTokens) -> ProviderValuesOut:
    """The SDK's `provider_values` of a provider's tokens."""
    return ProviderValuesOut(
        access_token=values.access_token,
        refresh_token=values.refresh_token,
        id_token=values.id_token,
        scopes=values.scopes,
        expires_at=rfc3339(values.expires_at) if values.expires_at is not None else None,
    )


class AuthenticateResponse(StytchResponse):
    user_id: str
    provider_subject: str
    provider_type: str
    session_token: str
    session_jwt: str
    provider_values: ProviderValuesOut
    user: UserOut
    reset_sessions: bool
    oauth_user_registration_id: str
    user_created: bool
    user_session: SessionOut | None = None


class AttachRequest(RequestBody):
    provider: str = Field(max_length=32)
    user_id: UserId | None = None
    session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    session_jwt: str | None = Field(default=None, max_length=JWT_MAX)


class AttachResponse(StytchResponse):
    oauth_attach_token: str


class OneTapStartResponse(StytchResponse):
    google_client_id: str
    oauth_callback_id: str


class OneTapSubmitRequest(RequestBody):
    id_token: str = Field(max_length=JWT_MAX)
    stytch_csrf_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    login_redirect_url: str | None = Field(default=None, max_length=2048)
    signup_redirect_url: str | None = Field(default=None, max_length=2048)


class OneTapSubmitResponse(StytchResponse):
    redirect_url: str
