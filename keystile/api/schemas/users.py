"""Request and response bodies of the consumer Users API, field for field as the SDK models them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.clock import rfc3339
from keystile.factors.biometrics.profile import BIOMETRIC_REGISTRATIONS
from keystile.factors.crypto_wallets.profile import CRYPTO_WALLETS
from keystile.factors.oauth.profile import PROVIDERS
from keystile.factors.passwords.profile import PASSWORD
from keystile.factors.totp.profile import TOTPS
from keystile.factors.webauthn.profile import WEBAUTHN_REGISTRATIONS
from keystile.identity.views import UserView

Metadata = dict[str, Any]
Roles = list[Annotated[str, Field(max_length=256)]]


class NameIn(RequestBody):
    first_name: str | None = Field(default=None, max_length=256)
    middle_name: str | None = Field(default=None, max_length=256)
    last_name: str | None = Field(default=None, max_length=256)


class CreateUserRequest(RequestBody):
    email: str | None = Field(default=None, max_length=320)
    phone_number: str | None = Field(default=None, max_length=32)
    name: NameIn | None = None
    attributes: dict[str, Any] | None = None
    create_user_as_pending: bool = False
    trusted_metadata: Metadata | None = None
    untrusted_metadata: Metadata | None = None
    external_id: str | None = Field(default=None, max_length=128)
    roles: Roles | None = Field(default=None, max_length=100)


class UpdateUserRequest(RequestBody):
    name: NameIn | None = None
    attributes: dict[str, Any] | None = None
    trusted_metadata: Metadata | None = None
    untrusted_metadata: Metadata | None = None
    external_id: str | None = Field(default=None, max_length=128)
    roles: Roles | None = Field(default=None, max_length=100)


class ExchangePrimaryFactorRequest(RequestBody):
    email_address: str | None = Field(default=None, max_length=320)
    phone_number: str | None = Field(default=None, max_length=32)


class SearchQuery(RequestBody):
    operator: Literal["AND", "OR"] = "AND"
    operands: list[dict[str, Any]] = Field(default_factory=list, max_length=50)


class SearchUsersRequest(RequestBody):
    cursor: str | None = Field(default=None, max_length=512)
    limit: int | None = None
    query: SearchQuery | None = None


class EmailOut(BaseModel):
    email_id: str
    email: str
    verified: bool


class PhoneNumberOut(BaseModel):
    phone_id: str
    phone_number: str
    verified: bool


class NameOut(BaseModel):
    first_name: str
    middle_name: str
    last_name: str


class PasswordOut(BaseModel):
    password_id: str
    requires_reset: bool


class UserOut(BaseModel):
    user_id: str
    emails: list[EmailOut]
    status: str
    phone_numbers: list[PhoneNumberOut]
    webauthn_registrations: list[dict[str, Any]] = Field(default_factory=list)
    providers: list[dict[str, Any]] = Field(default_factory=list)
    totps: list[dict[str, Any]] = Field(default_factory=list)
    crypto_wallets: list[dict[str, Any]] = Field(default_factory=list)
    biometric_registrations: list[dict[str, Any]] = Field(default_factory=list)
    is_locked: bool = False
    roles: list[str]
    name: NameOut
    created_at: str | None
    password: PasswordOut | None = None
    trusted_metadata: Metadata
    untrusted_metadata: Metadata
    external_id: str
    lock_created_at: str | None = None
    lock_expires_at: str | None = None


class GetUserResponse(StytchResponse, UserOut):
    pass


class CreateUserResponse(StytchResponse):
    user_id: str
    email_id: str
    status: str
    phone_id: str
    user: UserOut


class UpdateUserResponse(StytchResponse):
    user_id: str
    emails: list[EmailOut]
    phone_numbers: list[PhoneNumberOut]
    crypto_wallets: list[dict[str, Any]]
    user: UserOut


class UserResponse(StytchResponse):
    user_id: str
    user: UserOut


class DeleteUserResponse(StytchResponse):
    user_id: str


class ResultsMetadata(BaseModel):
    total: int
    next_cursor: str | None


class SearchUsersResponse(StytchResponse):
    results: list[UserOut]
    results_metadata: ResultsMetadata


def user_out(view: UserView) -> UserOut:
    """The SDK's `User` model for a stored user (validated in one pass over plain values, which costs
    a fraction of building each nested model on its own)."""
    user, lock = view.user, view.lock
    password = view.part(PASSWORD)
    return UserOut.model_validate(
        {
            "user_id": user.user_id,
            "emails": [
                {"email_id": e.email_id, "email": e.email, "verified": e.verified} for e in view.emails
            ],
            "status": user.status,
            "phone_numbers": [
                {"phone_id": p.phone_id, "phone_number": p.phone_number, "verified": p.verified}
                for p in view.phones
            ],
            "roles": list(user.roles),
            "name": {
                "first_name": user.first_name or "",
                "middle_name": user.middle_name or "",
                "last_name": user.last_name or "",
            },
            "created_at": rfc3339(user.created_at),
            "trusted_metadata": dict(user.trusted_metadata),
            "untrusted_metadata": dict(user.untrusted_metadata),
            "external_id": user.external_id or "",
            "password": (
                {"password_id": password.password_id, "requires_reset": password.requires_reset}
                if password is not None
                else None
            ),
            "totps": [{"totp_id": totp.totp_id, "verified": totp.verified} for totp in view.part(TOTPS)],
            "webauthn_registrations": [vars(r) for r in view.part(WEBAUTHN_REGISTRATIONS)],
            "crypto_wallets": [vars(w) for w in view.part(CRYPTO_WALLETS)],
            "biometric_registrations": [vars(r) for r in view.part(BIOMETRIC_REGISTRATIONS)],
            "providers": [asdict(summary) for summary in view.part(PROVIDERS)],
            "is_locked": lock is not None,
            "lock_created_at": rfc3339(lock.created_at) if lock is not None else None,
            "lock_expires_at": rfc3339(lock.expires_at) if lock is not None else None,
        }
    )
