"""Request and response bodies of the B2B TOTP, recovery codes and SMS passcode APIs, as the SDK models
them, and the second-factor request every one of their authenticate calls makes."""

from __future__ import annotations

from pydantic import Field

from keystile.api.schemas.b2b_organizations import MemberOut, OrganizationOut
from keystile.api.schemas.b2b_sessions import MemberSessionOut
from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import MemberId, OrganizationId
from keystile.api.schemas.sessions import JWT_MAX, TOKEN_MAX, SessionFields, session_request
from keystile.b2b.mfa import SecondFactorRequest
from keystile.sessions.types import MemberCredentials


class MemberRef(RequestBody):
    organization_id: OrganizationId
    member_id: MemberId


class SessionsRef(MemberRef):
    """A member with the intermediate session or session a request is made with."""

    intermediate_session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    session_jwt: str | None = Field(default=None, max_length=JWT_MAX)

    def credentials(self) -> MemberCredentials:
        return MemberCredentials(self.session_token, self.session_jwt)


class SecondFactorIn(SessionFields, MemberRef):
    intermediate_session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    set_mfa_enrollment: str | None = Field(default=None, max_length=16)
    set_default_mfa: bool | None = None

    def second_factor(self) -> SecondFactorRequest:
        return SecondFactorRequest(
            organization_ref=self.organization_id,
            member_ref=self.member_id,
            intermediate_session_token=self.intermediate_session_token,
            session=session_request(self),
            set_mfa_enrollment=self.set_mfa_enrollment,
            set_default_mfa=bool(self.set_default_mfa),
        )


class CreateTotpRequest(SessionsRef):
    expiration_minutes: int | None = None


class AuthenticateTotpRequest(SecondFactorIn):
    code: str = Field(max_length=16)


class MigrateTotpRequest(MemberRef):
    secret: str = Field(max_length=256)
    recovery_codes: list[str] = Field(default_factory=list, max_length=100)


class RecoverRequest(SecondFactorIn):
    recovery_code: str = Field(max_length=128)


class MemberAnswer(StytchResponse):
    member_id: str
    member: MemberOut
    organization: OrganizationOut


class CreateTotpResponse(MemberAnswer):
    totp_registration_id: str
    secret: str
    qr_code: str
    recovery_codes: list[str]


class MigrateTotpResponse(MemberAnswer):
    totp_registration_id: str
    recovery_codes: list[str]


class SecondFactorResponse(MemberAnswer):
    session_token: str
    session_jwt: str
    member_session: MemberSessionOut | None = None
    member_device: dict[str, str] | None = None


class RecoverResponse(SecondFactorResponse):
    recovery_codes_remaining: int


class RecoveryCodesResponse(MemberAnswer):
    recovery_codes: list[str]
