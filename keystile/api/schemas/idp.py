"""Request and response bodies of `idp.oauth.authorize_start` and `idp.oauth.authorize`, field for
field as the SDK models them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from keystile.api.schemas.b2b_organizations import MemberOut, OrganizationOut
from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import ConnectedAppId, MemberId, OrganizationId, UserId
from keystile.api.schemas.users import UserOut
from keystile.idp.authorization import AuthorizeRequest
from keystile.idp.clients import IdpClient
from keystile.idp.directory import ScopeResult

MAX_SCOPES = 100


class _AuthorizationParameters(RequestBody):
    """The OAuth authorization request's parameters and the subject's session, as both verticals take them."""

    client_id: ConnectedAppId
    redirect_uri: str = Field(max_length=2048)
    response_type: str = Field(max_length=64)
    scopes: list[str] = Field(max_length=MAX_SCOPES)
    session_token: str | None = Field(default=None, max_length=256)
    session_jwt: str | None = Field(default=None, max_length=8192)
    prompt: str | None = Field(default=None, max_length=64)

    def authorize_request(self) -> AuthorizeRequest:
        names = set(AuthorizeRequest.__dataclass_fields__) & set(type(self).model_fields)
        return self.to_domain(AuthorizeRequest, only=names)


class Consent(RequestBody):
    """What `authorize` adds to `authorize_start`'s parameters."""

    consent_granted: bool
    state: str | None = Field(default=None, max_length=2048)
    nonce: str | None = Field(default=None, max_length=512)
    code_challenge: str | None = Field(default=None, max_length=128)
    resources: list[str] | None = Field(default=None, max_length=MAX_SCOPES)


class AuthorizeStartRequest(_AuthorizationParameters):
    user_id: UserId | None = None


class AuthorizeRequestBody(AuthorizeStartRequest, Consent):
    pass


class B2BAuthorizeStartRequest(_AuthorizationParameters):
    organization_id: OrganizationId | None = None
    member_id: MemberId | None = None


class B2BAuthorizeRequestBody(B2BAuthorizeStartRequest, Consent):
    pass


class ConnectedAppPublicOut(BaseModel):
    client_id: str
    client_name: str
    client_description: str
    client_type: str
    logo_url: str | None

    @classmethod
    def of(cls, client: IdpClient) -> ConnectedAppPublicOut:
        return cls(
            client_id=client.client_id,
            client_name=client.client_name,
            client_description=client.client_description,
            client_type=client.client_type,
            logo_url=client.logo_url,
        )


class ScopeResultOut(BaseModel):
    scope: str
    description: str
    is_grantable: bool

    @classmethod
    def of(cls, result: ScopeResult) -> ScopeResultOut:
        return cls(scope=result.scope, description=result.description, is_grantable=result.is_grantable)


class AuthorizeStartResponse(StytchResponse):
    user_id: str
    user: UserOut
    client: ConnectedAppPublicOut
    consent_required: bool
    scope_results: list[ScopeResultOut]


class B2BAuthorizeStartResponse(StytchResponse):
    member_id: str
    member: MemberOut
    organization: OrganizationOut
    client: ConnectedAppPublicOut
    consent_required: bool
    scope_results: list[ScopeResultOut]


class AuthorizeResponse(StytchResponse):
    redirect_uri: str
    authorization_code: str | None
