"""Issuing M2M access tokens by the client-credentials grant (RFC 6749 section 4.4): the token
endpoint's use case, kept to one primary-key read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.ids import is_well_formed_id
from keystile.m2m import access_tokens, claims, secrets
from keystile.m2m.repository import Grantee, M2MClientRepository

GRANT_TYPE = "client_credentials"


@dataclass(frozen=True)
class TokenRequest:
    """A token request as the token endpoint received it (`params` holds every parameter, for the
    claims template's `request.` placeholders)."""

    grant_type: str | None
    client_id: str | None
    client_secret: str | None
    scope: str | None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scopes: list[str]


def _template_context(client: Grantee) -> dict[str, Any]:
    return {
        "client_id": client.client_id,
        "client_name": client.client_name,
        "client_description": client.client_description,
        "scopes": list(client.scopes),
        "trusted_metadata": dict(client.trusted_metadata),
    }


def _public_params(request: TokenRequest) -> dict[str, Any]:
    """What the claims template may read of the request: anything but the secret."""
    return {name: value for name, value in request.params.items() if name != "client_secret"}


async def issue_token(call: Call, request: TokenRequest, *, lifetime: timedelta) -> IssuedToken:
    """RFC 6749 section 4.4: an access token for an active client whose current or next secret this
    is, carrying the requested subset of its scopes (all of them when none are requested).

    The database work is one primary-key read, and nothing about clients is cached: a client deleted,
    deactivated or rotated away gets no token from the next request on."""
    if request.grant_type != GRANT_TYPE:
        raise KeystileError("unsupported_grant_type" if request.grant_type else "invalid_request")
    if not request.client_id or not request.client_secret:
        raise KeystileError("invalid_client", "Include a client_id and a client_secret.")
    db, project_id, now = call.db, call.project_id, call.now
    well_formed = (
        is_well_formed_id(project_id)
        and is_well_formed_id(request.client_id)
        and len(request.client_secret) <= secrets.MAX_SECRET_LENGTH
    )
    client = await M2MClientRepository(db, project_id).grantee(request.client_id) if well_formed else None
    # Compared exactly, whatever the database's collation made of the lookup.
    if (
        client is None
        or client.client_id != request.client_id
        or not secrets.secret_matches(request.client_secret, client.secret_digest, client.next_secret_digest)
    ):
        raise KeystileError("invalid_client")
    if client.status != "active":
        raise KeystileError("invalid_client", "The client is inactive.")
    scopes = access_tokens.granted_scopes(client.scopes, request.scope)
    custom_claims = (
        claims.render_claims(
            client.claims_template, client=_template_context(client), request=_public_params(request)
        )
        if client.claims_template is not None
        else {}
    )
    access_token = access_tokens.mint_access_token(
        project_id=project_id,
        client_id=client.client_id,
        scopes=scopes,
        custom_claims=custom_claims,
        key=await call.keys.signer(db, project_id, now),
        lifetime=lifetime,
        now=now,
    )
    return IssuedToken(access_token, int(lifetime.total_seconds()), scopes)
