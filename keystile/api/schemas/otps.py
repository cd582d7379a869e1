"""Request and response bodies of the consumer one-time passcodes API, as the official SDKs use them.
`otps.authenticate` answers with the magic links' AuthenticateResponse: the SDKs model both alike."""

from __future__ import annotations

from pydantic import Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import MethodId, UserId
from keystile.api.schemas.sessions import JWT_MAX, TOKEN_MAX, SessionFields


class AttributesIn(RequestBody):
    """What the app reports about its end user (Stytch's `attributes`), for fraud checks."""

    ip_address: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=1024)


class SendOptionsIn(RequestBody):
    expiration_minutes: int | None = None
    attributes: AttributesIn | None = None
    locale: str | None = Field(default=None, max_length=16)


class NamedUserIn(RequestBody):
    """A send may name a user who is to receive the code at a contact they do not have yet."""

    user_id: UserId | None = None
    session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    session_jwt: str | None = Field(default=None, max_length=JWT_MAX)


class EmailTemplatesIn(RequestBody):
    # Accepted for compatibility: keystile renders its own templates.
    login_template_id: str | None = Field(default=None, max_length=128)
    signup_template_id: str | None = Field(default=None, max_length=128)


class EmailSendRequest(SendOptionsIn, NamedUserIn, EmailTemplatesIn):
    email: str = Field(max_length=320)


class EmailLoginOrCreateRequest(SendOptionsIn, EmailTemplatesIn):
    email: str = Field(max_length=320)
    create_user_as_pending: bool = False


class PhoneSendRequest(SendOptionsIn, NamedUserIn):
    phone_number: str = Field(max_length=64)


class PhoneLoginOrCreateRequest(SendOptionsIn):
    phone_number: str = Field(max_length=64)
    create_user_as_pending: bool = False


class AuthenticateOptionsIn(RequestBody):
    ip_match_required: bool = False
    user_agent_match_required: bool = False


class AuthenticateRequest(SessionFields):
    method_id: MethodId
    code: str = Field(max_length=16)
    attributes: AttributesIn | None = None
    options: AuthenticateOptionsIn | None = None


class SdkAuthenticateRequest(SessionFields):
    """`/sdk/v1/otps/authenticate` as vanilla-js sends it: the passcode as `token`."""

    method_id: MethodId
    token: str = Field(max_length=16)

    def to_v1(self) -> AuthenticateRequest:
        """The `/v1` request for the same passcode."""
        return AuthenticateRequest(**self.model_dump(exclude={"token"}), code=self.token)


class EmailLoginOrCreateResponse(StytchResponse):
    user_id: str
    email_id: str
    user_created: bool


class EmailSendResponse(StytchResponse):
    user_id: str
    email_id: str


class PhoneLoginOrCreateResponse(StytchResponse):
    user_id: str
    phone_id: str
    user_created: bool


class PhoneSendResponse(StytchResponse):
    user_id: str
    phone_id: str
