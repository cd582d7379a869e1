"""Request and response bodies of the consumer TOTP API, field for field as the SDK models them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import UserId
from keystile.api.schemas.sessions import SessionFields, SessionOut, authenticated_fields
from keystile.api.schemas.users import UserOut
from keystile.factors.totp.service import TotpAuthenticated


class CreateRequest(RequestBody):
    # A user_id, or an external_id standing in for one (everywhere below too).
    user_id: UserId
    expiration_minutes: int | None = None


class AuthenticateRequest(SessionFields):
    user_id: UserId
    totp_code: str = Field(max_length=16)


class RecoveryCodesRequest(RequestBody):
    user_id: UserId


class RecoverRequest(SessionFields):
    user_id: UserId
    recovery_code: str = Field(max_length=64)


class TotpOut(BaseModel):
    totp_id: str
    verified: bool
    recovery_codes: list[str]


class CreateResponse(StytchResponse):
    totp_id: str
    secret: str
    qr_code: str
    recovery_codes: list[str]
    user: UserOut
    user_id: str


class AuthenticateResponse(StytchResponse):
    """`totps.authenticate`'s answer; `totps.recover` answers with the same fields."""

    user_id: str
    session_token: str
    totp_id: str
    session_jwt: str
    user: UserOut
    session: SessionOut | None = None


class RecoveryCodesResponse(StytchResponse):
    user_id: str
    totps: list[TotpOut]


def authenticated(rid: str, result: TotpAuthenticated) -> AuthenticateResponse:
    return AuthenticateResponse(
        request_id=rid, totp_id=result.totp_id, **authenticated_fields(result.user, result.issued)
    )
