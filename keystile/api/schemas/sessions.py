"""Request and response bodies of the consumer Sessions API, field for field as the SDK models them."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import SessionId, TrustedTokenProfileId
from keystile.api.schemas.users import UserOut, user_out
from keystile.identity.views import UserView
from keystile.rbac.checks import AuthorizationCheck
from keystile.sessions.jwts import session_claim
from keystile.sessions.models import Session
from keystile.sessions.service import IssuedSession
from keystile.sessions.types import SessionRequest

# Generous bounds: tokens are 43 characters, and JWTs carry at most 4 KB of custom claims.
TOKEN_MAX = 256
JWT_MAX = 16_384


class NewSessionArguments(Protocol):
    """The fields of a request that starts a session."""

    @property
    def session_duration_minutes(self) -> int | None: ...
    @property
    def session_custom_claims(self) -> dict[str, Any] | None: ...


class SessionArguments(NewSessionArguments, Protocol):
    """The session fields every factor's authenticate request carries."""

    @property
    def session_token(self) -> str | None: ...
    @property
    def session_jwt(self) -> str | None: ...


def new_session_request(body: NewSessionArguments) -> SessionRequest:
    """What a request that starts a session asks of it."""
    return SessionRequest(
        duration_minutes=body.session_duration_minutes, custom_claims=body.session_custom_claims
    )


def session_request(body: SessionArguments) -> SessionRequest:
    """What an authenticate request asks of the session it returns."""
    return SessionRequest(
        duration_minutes=body.session_duration_minutes,
        session_token=body.session_token,
        session_jwt=body.session_jwt,
        custom_claims=body.session_custom_claims,
    )


class SessionFields(RequestBody):
    """The session fields of an authenticate request, as the SDKs send them."""

    session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    session_jwt: str | None = Field(default=None, max_length=JWT_MAX)
    session_duration_minutes: int | None = None
    session_custom_claims: dict[str, Any] | None = None
    telemetry_id: str | None = Field(default=None, max_length=256)


class ConsumerAuthorizationCheckIn(RequestBody):
    resource_id: str = Field(max_length=256)
    action: str = Field(max_length=256)

    def check(self) -> AuthorizationCheck:
        return AuthorizationCheck(self.resource_id, self.action)


class AuthenticateSessionRequest(RequestBody):
    session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    session_jwt: str | None = Field(default=None, max_length=JWT_MAX)
    session_duration_minutes: int | None = None
    session_custom_claims: dict[str, Any] | None = None
    authorization_check: ConsumerAuthorizationCheckIn | None = None


class AttestRequest(SessionFields):
    profile_id: TrustedTokenProfileId
    token: str = Field(min_length=1, max_length=JWT_MAX)


class MigrateRequest(RequestBody):
    session_token: str = Field(min_length=1, max_length=JWT_MAX)
    session_duration_minutes: int | None = None
    session_custom_claims: dict[str, Any] | None = None
    telemetry_id: str | None = Field(default=None, max_length=256)


class ExchangeAccessTokenRequest(RequestBody):
    access_token: str = Field(min_length=1, max_length=JWT_MAX)
    session_duration_minutes: int | None = None
    session_custom_claims: dict[str, Any] | None = None
    telemetry_id: str | None = Field(default=None, max_length=256)


class SessionAnswer(StytchResponse):
    """What attest, migrate and exchange_access_token answer: the user and the session it got (if one was
    asked for)."""

    user_id: str
    session_token: str
    session_jwt: str
    user: UserOut
    session: SessionOut | None = None


class RevokeSessionRequest(RequestBody):
    session_id: SessionId | None = None
    session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    session_jwt: str | None = Field(default=None, max_length=JWT_MAX)


class AttributesOut(BaseModel):
    ip_address: str
    user_agent: str


class SessionOut(BaseModel):
    session_id: str
    user_id: str
    started_at: str | None
    last_accessed_at: str | None
    expires_at: str | None
    attributes: AttributesOut
    authentication_factors: list[dict[str, Any]]
    custom_claims: dict[str, Any]
    roles: list[str]


class AuthenticateSessionResponse(StytchResponse):
    session: SessionOut
    session_token: str
    session_jwt: str
    user: UserOut
    verdict: dict[str, Any] | None = None


class GetSessionsResponse(StytchResponse):
    sessions: list[SessionOut]


class RevokeSessionResponse(StytchResponse):
    pass


class JWKSResponse(StytchResponse):
    keys: list[dict[str, Any]]


def session_out(session: Session, roles: list[str]) -> SessionOut:
    """The SDK's `Session` model for a stored session: its JWT's session claim with the user and the
    custom claims (validated in one pass over plain values)."""
    claim = session_claim(session, roles)
    session_id = claim.pop("id")
    return SessionOut.model_validate(
        {
            "session_id": session_id,
            "user_id": session.user_id,
            "custom_claims": session.custom_claims,
            **claim,
        }
    )


def authenticated_fields(user: UserView, issued: IssuedSession) -> dict[str, Any]:
    """The fields every consumer authenticate answer shares: the user and the session it got."""
    return {
        "user_id": user.user.user_id,
        "user": user_out(user),
        "session_token": issued.session_token,
        "session_jwt": issued.session_jwt,
        "session": session_out(issued.session, issued.roles) if issued.session is not None else None,
    }
