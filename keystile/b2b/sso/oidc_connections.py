"""Use cases for an organization's OIDC connections: create, and update (the issuer's discovery document
fills the endpoints the request does not give; the client secret is stored encrypted)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from keystile.b2b.sso.connections import (
    ACTIVE,
    PENDING,
    administered,
    become_default,
    check_mapping,
    display_name_of,
    identity_provider_of,
)
from keystile.b2b.sso.models import OIDCConnection
from keystile.b2b.sso.repository import SSORepository
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors.oauth import client
from keystile.ids import new_id
from keystile.projects.redirects import validate_redirect_url
from keystile.sessions.types import MemberCredentials

ENDPOINTS = ("authorization_url", "token_url", "userinfo_url", "jwks_url")
DISCOVERY_WARNING = "The issuer's OpenID Provider Metadata document could not be retrieved."


@dataclass(frozen=True)
class OIDCSettings:
    """What `update_connection` was given; None: keep the current value."""

    display_name: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    issuer: str | None = None
    authorization_url: str | None = None
    token_url: str | None = None
    userinfo_url: str | None = None
    jwks_url: str | None = None
    identity_provider: str | None = None
    custom_scopes: str | None = None
    attribute_mapping: dict[str, Any] | None = None


@dataclass(frozen=True)
class Updated:
    connection: OIDCConnection
    warning: str | None


async def discovered(issuer: str | None) -> client.ProviderEndpoints | None:
    """The issuer's discovery document, fetched before any transaction opens; None when there is no
    issuer or no usable document (the update then goes on with the given values, as Stytch's does)."""
    if not issuer:
        return None
    try:
        validate_redirect_url(issuer)
        return await client.discover(issuer)
    except KeystileError:
        return None


def is_complete(row: OIDCConnection) -> bool:
    """Stytch's rule for an active connection: the issuer, the client and the four endpoints."""
    return all(
        (row.issuer, row.client_id, row.client_secret_encrypted, *(getattr(row, name) for name in ENDPOINTS))
    )


def _url(name: str, value: str) -> str:
    try:
        return validate_redirect_url(value)
    except KeystileError as error:
        raise KeystileError("invalid_argument", f"{name} must be an absolute http(s) URL.") from error


def _apply(
    call: Call, row: OIDCConnection, given: OIDCSettings, found: client.ProviderEndpoints | None
) -> None:
    if given.issuer is not None:
        row.issuer = _url("issuer", given.issuer)
    inferred = {}
    if found is not None:
        inferred = {
            "authorization_url": found.authorize_url,
            "token_url": found.token_url,
            "userinfo_url": found.userinfo_url,
            "jwks_url": found.jwks_uri,
        }
    for name in ENDPOINTS:
        value = getattr(given, name) or inferred.get(name)
        if value:
            setattr(row, name, _url(name, value))
    if given.display_name is not None:
        row.display_name = display_name_of(given.display_name, row.display_name)
    if given.identity_provider is not None:
        row.identity_provider = identity_provider_of(given.identity_provider)
    if given.client_id is not None:
        row.client_id = given.client_id
    if given.client_secret:
        row.client_secret_encrypted = call.keys.cipher.encrypt(given.client_secret.encode()).decode("ascii")
    if given.custom_scopes is not None:
        row.custom_scopes = " ".join(given.custom_scopes.split())
    if given.attribute_mapping is not None:
        row.attribute_mapping = check_mapping(given.attribute_mapping)
    row.status = ACTIVE if is_complete(row) else PENDING
    row.updated_at = call.now


async def create_connection(
    call: Call,
    *,
    organization_ref: str,
    display_name: str | None,
    identity_provider: str | None,
    acting: MemberCredentials | None,
) -> OIDCConnection:
    """A new pending connection of the organization, to be completed with the provider's details."""
    organization = await administered(call, organization_ref, acting, "create", "Creating an SSO connection")
    row = OIDCConnection(
        connection_id=new_id("oidc-connection"),
        project_id=call.project_id,
        organization_id=organization.organization_id,
        status=PENDING,
        display_name=display_name_of(display_name, "OIDC connection"),
        identity_provider=identity_provider_of(identity_provider),
        issuer="",
        client_id="",
        client_secret_encrypted="",
        authorization_url="",
        token_url="",
        userinfo_url="",
        jwks_url="",
        custom_scopes="",
        attribute_mapping={},
        created_at=call.now,
        updated_at=call.now,
    )
    call.db.add(row)
    become_default(organization, row.connection_id)
    return row


async def update_connection(
    call: Call,
    *,
    organization_ref: str,
    connection_id: str,
    settings: OIDCSettings,
    found: client.ProviderEndpoints | None,
    acting: MemberCredentials | None,
) -> Updated:
    """Apply `settings` over what the issuer's discovery document (`found`) says; the explicit values win."""
    organization = await administered(call, organization_ref, acting, "update", "Updating an SSO connection")
    row = await SSORepository(call.db, call.project_id).get_by(
        OIDCConnection,
        "sso_connection_not_found",
        for_update=True,
        organization_id=organization.organization_id,
        connection_id=connection_id,
    )
    _apply(call, row, settings, found)
    warning = DISCOVERY_WARNING if settings.issuer and found is None else None
    return Updated(row, warning)
