"""Request and response bodies of the M2M API and the token endpoint, field for field as the SDK
models them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.users import Metadata, ResultsMetadata, SearchQuery
from keystile.m2m.models import M2MClient

# Lengths, characters and counts are checked by the domain, which names the field in its error.


class CreateM2MClientRequest(RequestBody):
    scopes: list[str]
    client_id: str | None = None
    client_secret: str | None = None
    client_name: str | None = None
    client_description: str | None = None
    trusted_metadata: Metadata | None = None


class UpdateM2MClientRequest(RequestBody):
    client_name: str | None = None
    client_description: str | None = None
    status: str | None = None
    scopes: list[str] | None = None
    trusted_metadata: Metadata | None = None


class SearchM2MClientsRequest(RequestBody):
    cursor: str | None = Field(default=None, max_length=512)
    limit: int | None = None
    query: SearchQuery | None = None


class M2MClientOut(BaseModel):
    client_id: str
    client_name: str
    client_description: str
    status: str
    scopes: list[str]
    client_secret_last_four: str
    trusted_metadata: dict[str, Any]
    next_client_secret_last_four: str | None


class M2MClientWithSecretOut(M2MClientOut):
    client_secret: str


class M2MClientWithNextSecretOut(M2MClientOut):
    next_client_secret: str


class M2MClientResponse(StytchResponse):
    m2m_client: M2MClientOut


class CreateM2MClientResponse(StytchResponse):
    m2m_client: M2MClientWithSecretOut


class RotateStartResponse(StytchResponse):
    m2m_client: M2MClientWithNextSecretOut


class SearchM2MClientsResponse(StytchResponse):
    m2m_clients: list[M2MClientOut]
    results_metadata: ResultsMetadata


class DeleteM2MClientResponse(StytchResponse):
    client_id: str


class TokenResponse(StytchResponse):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the token type, not a secret)
    expires_in: int
    # RFC 6749 section 5.1: the granted scope, which may be narrower than the client's.
    scope: str


class OAuthErrorResponse(StytchResponse):
    """RFC 6749 section 5.2, with Stytch's status_code and request_id (both SDKs read these names)."""

    error: str
    error_description: str
    error_uri: str


def m2m_client_out(client: M2MClient) -> M2MClientOut:
    """The SDK's `M2MClient` model for a stored client."""
    return M2MClientOut(
        client_id=client.client_id,
        client_name=client.client_name,
        client_description=client.client_description,
        status=client.status,
        scopes=list(client.scopes),
        client_secret_last_four=client.secret_last_four,
        trusted_metadata=dict(client.trusted_metadata),
        next_client_secret_last_four=client.next_secret_last_four,
    )
