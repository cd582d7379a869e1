"""Request and response bodies of B2B OAuth (`oauth.authenticate`, `oauth.discovery.authenticate`), as
the official SDKs use them."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from keystile.api.schemas.b2b_discovery import DiscoveryResponse
from keystile.api.schemas.b2b_sessions import EntryResponse
from keystile.api.schemas.common import RequestBody
from keystile.api.schemas.oauth import ProviderValuesOut
from keystile.api.schemas.sessions import JWT_MAX, TOKEN_MAX, SessionFields


class DiscoveryAuthenticateRequest(RequestBody):
    discovery_oauth_token: str = Field(max_length=TOKEN_MAX)
    pkce_code_verifier: str | None = Field(default=None, max_length=128)
    session_token: str | None = Field(default=None, max_length=TOKEN_MAX)
    session_jwt: str | None = Field(default=None, max_length=JWT_MAX)
    session_duration_minutes: int | None = None
    session_custom_claims: dict[str, Any] | None = None


class DiscoveryAuthenticateResponse(DiscoveryResponse):
    intermediate_session_token: str
    intermediate_session_token_expires_at: str | None
    provider_type: str
    provider_tenant_id: str
    provider_tenant_ids: list[str]
    full_name: str


class AuthenticateRequest(SessionFields):
    oauth_token: str = Field(min_length=1, max_length=TOKEN_MAX)
    pkce_code_verifier: str | None = Field(default=None, max_length=128)
    locale: str | None = Field(default=None, max_length=16)
    intermediate_session_token: str | None = Field(default=None, max_length=TOKEN_MAX)


class AuthenticateResponse(EntryResponse):
    provider_subject: str
    provider_type: str
    organization_id: str
    reset_sessions: bool = False
    provider_values: ProviderValuesOut
