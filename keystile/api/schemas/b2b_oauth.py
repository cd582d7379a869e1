"""Request and response bodies of B2B OAuth discovery (`oauth.discovery.authenticate`), as the
official SDKs use them."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from keystile.api.schemas.b2b_discovery import DiscoveryResponse
from keystile.api.schemas.common import RequestBody
from keystile.api.schemas.sessions import JWT_MAX, TOKEN_MAX


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
