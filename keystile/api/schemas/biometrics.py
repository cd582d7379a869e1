"""Request and response bodies of the mobile SDKs' biometrics calls (`/sdk/v1/biometrics`), as
stytch-ios and stytch-android encode them: bytes as standard base64."""

from __future__ import annotations

from pydantic import Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import BiometricRegistrationId
from keystile.api.schemas.sessions import SessionOut, authenticated_fields
from keystile.api.schemas.users import UserOut
from keystile.factors.biometrics.service import BiometricAuthenticated, Started

# Base64 of a 32-byte key or a 64-byte signature, with room for a client's line breaks refused later.
BASE64_MAX = 256


class StartRequest(RequestBody):
    public_key: str = Field(max_length=BASE64_MAX)


class CompleteRequest(RequestBody):
    biometric_registration_id: BiometricRegistrationId
    signature: str = Field(max_length=BASE64_MAX)
    session_duration_minutes: int | None = None


class StartResponse(StytchResponse):
    biometric_registration_id: str
    challenge: str


class AuthenticatedResponse(StytchResponse):
    user_id: str
    biometric_registration_id: str
    session_token: str
    session_jwt: str
    user: UserOut
    session: SessionOut | None = None


def started(rid: str, result: Started) -> StartResponse:
    return StartResponse(
        request_id=rid, biometric_registration_id=result.biometric_registration_id, challenge=result.challenge
    )


def authenticated(rid: str, result: BiometricAuthenticated) -> AuthenticatedResponse:
    return AuthenticatedResponse(
        request_id=rid,
        biometric_registration_id=result.biometric_registration_id,
        **authenticated_fields(result.user, result.issued),
    )
