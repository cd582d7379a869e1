"""Request and response bodies of the consumer crypto wallets API, field for field as the SDK models them."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import UserId
from keystile.api.schemas.sessions import SessionFields, SessionOut, authenticated_fields
from keystile.api.schemas.users import UserOut
from keystile.errors import KeystileError
from keystile.factors.crypto_wallets.service import WalletAuthenticated
from keystile.factors.crypto_wallets.signatures import SiweRequest

ADDRESS_MAX = 128


class SiweParamsIn(RequestBody):
    domain: str = Field(max_length=256)
    uri: str = Field(max_length=2048)
    resources: list[str] = Field(default_factory=list, max_length=50)
    chain_id: str | None = Field(default=None, max_length=32)
    statement: str | None = Field(default=None, max_length=1024)
    # RFC 3339 timestamps (strings on the wire; strict models take no string for a datetime).
    issued_at: str | None = Field(default=None, max_length=64)
    not_before: str | None = Field(default=None, max_length=64)
    message_request_id: str | None = Field(default=None, max_length=256)

    def to_request(self, now: datetime) -> SiweRequest:
        return SiweRequest(
            domain=self.domain,
            uri=self.uri,
            resources=self.resources,
            chain_id=self.chain_id,
            statement=self.statement,
            issued_at=_timestamp(self.issued_at) or now,
            not_before=_timestamp(self.not_before),
            request_id=self.message_request_id,
        )


def _timestamp(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise KeystileError("bad_request", f"{text!r} is not an RFC 3339 timestamp.") from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class AuthenticateStartRequest(RequestBody):
    crypto_wallet_type: str = Field(max_length=16)
    crypto_wallet_address: str = Field(max_length=ADDRESS_MAX)
    user_id: UserId | None = None
    session_token: str | None = Field(default=None, max_length=256)
    session_jwt: str | None = Field(default=None, max_length=8192)
    siwe_params: SiweParamsIn | None = None


class AuthenticateRequest(SessionFields):
    crypto_wallet_type: str = Field(max_length=16)
    crypto_wallet_address: str = Field(max_length=ADDRESS_MAX)
    signature: str = Field(max_length=1024)


class AuthenticateStartResponse(StytchResponse):
    user_id: str
    challenge: str
    user_created: bool


class SiweParamsOut(StytchResponse):
    """The SDK models these as a response of their own: they carry status_code and request_id too."""

    domain: str
    uri: str
    chain_id: str
    resources: list[str]
    issued_at: str | None = None
    message_request_id: str | None = None


class AuthenticateResponse(StytchResponse):
    user_id: str
    session_token: str
    session_jwt: str
    user: UserOut
    session: SessionOut | None = None
    siwe_params: SiweParamsOut | None = None


def authenticated(rid: str, result: WalletAuthenticated) -> AuthenticateResponse:
    siwe = SiweParamsOut(request_id=rid, **result.siwe_params) if result.siwe_params is not None else None
    return AuthenticateResponse(
        request_id=rid, siwe_params=siwe, **authenticated_fields(result.user, result.issued)
    )
