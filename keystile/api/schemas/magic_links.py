"""Request and response bodies of the consumer magic-links API, as the official SDKs use them."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import UserId
from keystile.api.schemas.sessions import SessionOut
from keystile.api.schemas.users import Metadata, NameIn, UserOut
from keystile.factors.links import LinkOptions

Minutes = int | None
URL = str | None


class SendRequest(RequestBody):
    email: str = Field(max_length=320)
    login_magic_link_url: URL = Field(default=None, max_length=2048)
    signup_magic_link_url: URL = Field(default=None, max_length=2048)
    login_expiration_minutes: Minutes = None
    signup_expiration_minutes: Minutes = None
    code_challenge: str | None = Field(default=None, max_length=128)
    attributes: dict[str, Any] | None = None
    locale: str | None = Field(default=None, max_length=16)

    def link_options(self) -> LinkOptions:
        return LinkOptions(
            login_url=self.login_magic_link_url,
            signup_url=self.signup_magic_link_url,
            login_expiration_minutes=self.login_expiration_minutes,
            signup_expiration_minutes=self.signup_expiration_minutes,
            code_challenge=self.code_challenge,
        )


class LoginOrCreateRequest(SendRequest):
    create_user_as_pending: bool = False


class InviteRequest(RequestBody):
    email: str = Field(max_length=320)
    invite_magic_link_url: URL = Field(default=None, max_length=2048)
    invite_expiration_minutes: Minutes = None
    name: NameIn | None = None
    trusted_metadata: Metadata | None = None
    untrusted_metadata: Metadata | None = None
    roles: list[str] | None = Field(default=None, max_length=100)
    attributes: dict[str, Any] | None = None
    locale: str | None = Field(default=None, max_length=16)

    def link_options(self) -> LinkOptions:
        return LinkOptions(
            invite_url=self.invite_magic_link_url, invite_expiration_minutes=self.invite_expiration_minutes
        )


class RevokeInviteRequest(RequestBody):
    email: str = Field(max_length=320)


class CreateRequest(RequestBody):
    user_id: UserId
    expiration_minutes: Minutes = None
    attributes: dict[str, Any] | None = None


class AuthenticateRequest(RequestBody):
    token: str = Field(min_length=1, max_length=256)
    code_verifier: str | None = Field(default=None, max_length=256)
    session_token: str | None = Field(default=None, max_length=256)
    session_jwt: str | None = Field(default=None, max_length=8192)
    session_duration_minutes: int | None = None
    session_custom_claims: dict[str, Any] | None = None
    attributes: dict[str, Any] | None = None
    options: dict[str, Any] | None = None


class LoginOrCreateResponse(StytchResponse):
    user_id: str
    email_id: str
    user_created: bool


class SendResponse(StytchResponse):
    user_id: str
    email_id: str


class RevokeInviteResponse(StytchResponse):
    pass


class CreateResponse(StytchResponse):
    user_id: str
    token: str


class AuthenticateResponse(StytchResponse):
    user_id: str
    method_id: str
    session_token: str
    session_jwt: str
    user: UserOut
    reset_sessions: bool = False
    session: SessionOut | None = None
