"""Use cases for an organization's SAML connections: create, update (by fields or from the IdP's
metadata URL), remove a verification certificate or an encryption key; and, for connections of every
protocol, list and delete."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any, Final

import httpx

from keystile.b2b.organizations import administered_organization
from keystile.b2b.sso import certificates, saml_protocol
from keystile.b2b.sso.models import (
    ExternalConnection,
    OIDCConnection,
    SAMLConnection,
    SSOToken,
)
from keystile.b2b.sso.registrations import RegistrationRepository
from keystile.b2b.sso.repository import SSORepository, external_or_own_model
from keystile.b2b.views import OrganizationView
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.ids import new_id
from keystile.projects.redirects import validate_redirect_url
from keystile.rbac.defaults import SSO
from keystile.rbac.service import check_role_ids
from keystile.sessions.types import MemberCredentials

IDENTITY_PROVIDERS: Final = (
    "classlink",
    "cyberark",
    "duo",
    "generic",
    "google-workspace",
    "jumpcloud",
    "keycloak",
    "miniorange",
    "microsoft-entra",
    "okta",
    "onelogin",
    "pingfederate",
    "rippling",
    "salesforce",
    "shibboleth",
)
ACTIVE, PENDING = "active", "pending"
CERTIFICATES_MAX, KEYS_MAX = 5, 5
DEFAULT_NAMEID_FORMAT: Final = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
ENTITY_ID = re.compile(r"^[\x21-\x7e]{1,2048}$")
METADATA_MAX_BYTES = 1_000_000
METADATA_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class SAMLSettings:
    """What `update_connection` was given; None: keep the current value."""

    idp_entity_id: str | None = None
    display_name: str | None = None
    attribute_mapping: dict[str, Any] | None = None
    x509_certificate: str | None = None
    idp_sso_url: str | None = None
    saml_connection_implicit_role_assignments: list[dict[str, str]] | None = None
    saml_group_implicit_role_assignments: list[dict[str, str]] | None = None
    alternative_audience_uri: str | None = None
    identity_provider: str | None = None
    nameid_format: str | None = None
    alternative_acs_url: str | None = None
    idp_initiated_auth_disabled: bool | None = None
    saml_encryption_private_key: str | None = None
    allow_gateway_callback: bool | None = None
    signing_private_key: str | None = None


def identity_provider_of(value: str | None) -> str:
    if value is None or value == "":
        return "generic"
    if value not in IDENTITY_PROVIDERS:
        raise KeystileError("invalid_sso_idp")
    return value


def display_name_of(value: str | None, default: str) -> str:
    name = (value or default).strip()
    if len(name) > 256 or any(ord(ch) < 0x20 for ch in name):
        raise KeystileError("invalid_argument", "display_name must be at most 256 characters.")
    return name


def is_complete(row: SAMLConnection) -> bool:
    """Stytch's rule for an active connection: the IdP's entity id, SSO URL and a certificate, and an
    attribute mapping of the email and the name."""
    mapping = row.attribute_mapping
    named = "full_name" in mapping or ("first_name" in mapping and "last_name" in mapping)
    return bool(
        row.idp_entity_id
        and row.idp_sso_url
        and row.verification_certificates
        and "email" in mapping
        and named
    )


def check_mapping(mapping: dict[str, Any]) -> dict[str, str]:
    if not all(isinstance(key, str) and isinstance(value, str) for key, value in mapping.items()):
        raise KeystileError("invalid_argument", "attribute_mapping maps names to attribute names (strings).")
    return dict(mapping)


def _add_certificate(call: Call, row: SAMLConnection, pem: str) -> None:
    entry = certificates.certificate_entry(pem, call.now)
    kept = [cert for cert in row.verification_certificates if cert["certificate"] != entry["certificate"]]
    row.verification_certificates = [*kept, entry][-CERTIFICATES_MAX:]


def _add_encryption_key(call: Call, row: SAMLConnection, pem: str) -> None:
    encrypted = call.keys.cipher.encrypt(certificates.check_private_key(pem)).decode("ascii")
    entry = {"private_key_id": new_id("saml-encryption-key"), "private_key_encrypted": encrypted}
    row.encryption_private_keys = [
        *row.encryption_private_keys,
        {**entry, "created_at": call.now.isoformat()},
    ][-KEYS_MAX:]


def _set_signing_key(call: Call, row: SAMLConnection, private_key_pem: bytes) -> None:
    """Sign the connection's AuthnRequests with this key from now on (its certificate replaces the last)."""
    certificate = certificates.signing_certificate(private_key_pem, row.connection_id, call.now)
    entry = certificates.certificate_entry(certificate, call.now, kind="saml-signing-key")
    encrypted = call.keys.cipher.encrypt(private_key_pem).decode("ascii")
    row.signing_key = {**entry, "private_key_encrypted": encrypted}


def _apply(call: Call, row: SAMLConnection, given: SAMLSettings) -> None:
    if given.idp_entity_id is not None:
        if not ENTITY_ID.match(given.idp_entity_id):
            raise KeystileError("invalid_idp_entity_id")
        row.idp_entity_id = given.idp_entity_id
    if given.idp_sso_url is not None:
        try:
            row.idp_sso_url = validate_redirect_url(given.idp_sso_url)
        except KeystileError as error:
            raise KeystileError("invalid_idp_sso_url") from error
    if given.display_name is not None:
        row.display_name = display_name_of(given.display_name, row.display_name)
    if given.identity_provider is not None:
        row.identity_provider = identity_provider_of(given.identity_provider)
    if given.attribute_mapping is not None:
        row.attribute_mapping = check_mapping(given.attribute_mapping)
    if given.x509_certificate:
        _add_certificate(call, row, given.x509_certificate)
    if given.saml_encryption_private_key:
        _add_encryption_key(call, row, given.saml_encryption_private_key)
    if given.signing_private_key:
        _set_signing_key(call, row, certificates.check_signing_private_key(given.signing_private_key))
    if given.saml_connection_implicit_role_assignments is not None:
        row.connection_role_assignments = [
            {"role_id": item["role_id"]} for item in given.saml_connection_implicit_role_assignments
        ]
    if given.saml_group_implicit_role_assignments is not None:
        row.group_role_assignments = [
            {"role_id": item["role_id"], "group": item["group"]}
            for item in given.saml_group_implicit_role_assignments
        ]
    for name in ("alternative_audience_uri", "nameid_format", "alternative_acs_url"):
        value = getattr(given, name)
        if value is not None:
            setattr(row, name, value[:2048])
    for name in ("idp_initiated_auth_disabled", "allow_gateway_callback"):
        if getattr(given, name) is not None:
            setattr(row, name, getattr(given, name))
    row.status = ACTIVE if is_complete(row) else PENDING
    row.updated_at = call.now


async def administered(
    call: Call, organization_ref: str, acting: MemberCredentials | None, action: str, what: str
) -> OrganizationView:
    """The organization, once the acting member session (if any) may take `action` on `stytch.sso`."""
    return await administered_organization(call, organization_ref, acting, SSO, [action], what=what)


async def _connection(
    call: Call, organization: OrganizationView, connection_id: str, *, for_update: bool = False
) -> SAMLConnection:
    return await SSORepository(call.db, call.project_id).get_by(
        SAMLConnection,
        "saml_connection_not_found",
        for_update=for_update,
        organization_id=organization.organization_id,
        connection_id=connection_id,
    )


async def create_connection(
    call: Call,
    *,
    organization_ref: str,
    display_name: str | None,
    identity_provider: str | None,
    acting: MemberCredentials | None,
) -> SAMLConnection:
    """A new pending connection of the organization, to be completed with the IdP's details."""
    organization = await administered(call, organization_ref, acting, "create", "Creating an SSO connection")
    row = SAMLConnection(
        connection_id=new_id("saml-connection"),
        project_id=call.project_id,
        organization_id=organization.organization_id,
        status=PENDING,
        display_name=display_name_of(display_name, "SAML connection"),
        identity_provider=identity_provider_of(identity_provider),
        idp_entity_id="",
        idp_sso_url="",
        nameid_format=DEFAULT_NAMEID_FORMAT,
        alternative_audience_uri="",
        alternative_acs_url="",
        idp_initiated_auth_disabled=False,
        allow_gateway_callback=False,
        attribute_mapping={},
        connection_role_assignments=[],
        group_role_assignments=[],
        verification_certificates=[],
        encryption_private_keys=[],
        created_at=call.now,
        updated_at=call.now,
    )
    _set_signing_key(call, row, await asyncio.to_thread(certificates.new_signing_private_key))
    call.db.add(row)
    become_default(organization, row.connection_id)
    return row


def become_default(organization: OrganizationView, connection_id: str) -> None:
    """An organization's first connection is its default one."""
    if organization.organization.sso_default_connection_id is None:
        organization.organization.sso_default_connection_id = connection_id


async def update_connection(
    call: Call,
    *,
    organization_ref: str,
    connection_id: str,
    settings: SAMLSettings,
    acting: MemberCredentials | None,
) -> SAMLConnection:
    organization = await administered(call, organization_ref, acting, "update", "Updating an SSO connection")
    row = await _connection(call, organization, connection_id, for_update=True)
    await _check_assigned_roles(call, organization.organization_id, settings)
    _apply(call, row, settings)
    return row


async def _check_assigned_roles(call: Call, organization_id: str, given: SAMLSettings) -> None:
    """Implicit roles must be defined by the policy in force, as members' roles must."""
    assigned = [
        item["role_id"]
        for item in [
            *(given.saml_connection_implicit_role_assignments or []),
            *(given.saml_group_implicit_role_assignments or []),
        ]
    ]
    if assigned:
        in_force = await call.policies.policy(call.db, call.project_id, "b2b", organization_id)
        check_role_ids(in_force, assigned)


async def _fetch_metadata(url: str) -> str:
    """The IdP's metadata document at `url` (of bounded size), or `invalid_saml_metadata_url`."""
    try:
        validate_redirect_url(url)
        async with (
            httpx.AsyncClient(timeout=METADATA_TIMEOUT_SECONDS, follow_redirects=False) as client,
            client.stream("GET", url) as response,
        ):
            response.raise_for_status()
            body = b""
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > METADATA_MAX_BYTES:
                    raise ValueError("metadata too large")
    except (KeystileError, httpx.HTTPError, ValueError) as error:
        raise KeystileError("invalid_saml_metadata_url") from error
    return body.decode("utf-8", errors="replace")


async def update_by_url(
    call: Call,
    *,
    organization_ref: str,
    connection_id: str,
    metadata_url: str,
    acting: MemberCredentials | None,
) -> SAMLConnection:
    """Set the IdP's entity id, SSO URL and signing certificates from its metadata document."""
    organization = await administered(call, organization_ref, acting, "update", "Updating an SSO connection")
    idp = saml_protocol.read_metadata(await _fetch_metadata(metadata_url))
    row = await _connection(call, organization, connection_id, for_update=True)
    _apply(call, row, SAMLSettings(idp_entity_id=idp.entity_id, idp_sso_url=idp.sso_url))
    for pem in idp.certificates:
        _add_certificate(call, row, pem)
    row.status = ACTIVE if is_complete(row) else PENDING
    return row


def _without(entries: list[dict[str, Any]], key: str, value: str) -> list[dict[str, Any]]:
    """`entries` less the one whose `key` is `value`, or `sso_verification_key_not_found`."""
    kept = [entry for entry in entries if entry[key] != value]
    if len(kept) == len(entries):
        raise KeystileError("sso_verification_key_not_found")
    return kept


async def delete_verification_certificate(
    call: Call,
    *,
    organization_ref: str,
    connection_id: str,
    certificate_id: str,
    acting: MemberCredentials | None,
) -> str:
    """Remove an IdP certificate (when rotating them); an active connection keeps at least one."""
    organization = await administered(
        call, organization_ref, acting, "update", "Deleting a verification certificate"
    )
    row = await _connection(call, organization, connection_id, for_update=True)
    kept = _without(row.verification_certificates, "certificate_id", certificate_id)
    if not kept and row.status == ACTIVE:
        raise KeystileError("cannot_delete_last_sso_verification_key")
    row.verification_certificates, row.updated_at = kept, call.now
    return certificate_id


async def delete_encryption_private_key(
    call: Call,
    *,
    organization_ref: str,
    connection_id: str,
    private_key_id: str,
    acting: MemberCredentials | None,
) -> str:
    organization = await administered(call, organization_ref, acting, "update", "Deleting an encryption key")
    row = await _connection(call, organization, connection_id, for_update=True)
    row.encryption_private_keys = _without(row.encryption_private_keys, "private_key_id", private_key_id)
    row.updated_at = call.now
    return private_key_id


@dataclass(frozen=True)
class Connections:
    """An organization's connections, by protocol, oldest first."""

    saml: list[SAMLConnection]
    oidc: list[OIDCConnection]
    external: list[ExternalConnection]


async def get_connections(
    call: Call, *, organization_ref: str, acting: MemberCredentials | None
) -> Connections:
    organization = await administered(call, organization_ref, acting, "get", "Listing SSO connections")
    repo = SSORepository(call.db, call.project_id)
    return Connections(
        saml=await repo.connections(SAMLConnection, organization.organization_id),
        oidc=await repo.connections(OIDCConnection, organization.organization_id),
        external=await repo.connections(ExternalConnection, organization.organization_id),
    )


async def delete_connection(
    call: Call, *, organization_ref: str, connection_id: str, acting: MemberCredentials | None
) -> str:
    """Delete the connection, the SSO tokens it issued that were not redeemed yet, members'
    registrations at it, and other organizations' external connections through it."""
    organization = await administered(call, organization_ref, acting, "delete", "Deleting an SSO connection")
    repo = SSORepository(call.db, call.project_id)
    model = external_or_own_model(connection_id)
    row = await repo.get_by(
        model,
        "sso_connection_not_found",
        organization_id=organization.organization_id,
        connection_id=connection_id,
    )
    await repo.delete_by(SSOToken, connection_id=connection_id)
    await RegistrationRepository(call.db, call.project_id).forget_connection(row.connection_id)
    await repo.delete_by(ExternalConnection, external_connection_id=row.connection_id)
    await repo.delete_by(model, connection_id=row.connection_id)
    if organization.organization.sso_default_connection_id == connection_id:
        organization.organization.sso_default_connection_id = None
    return connection_id
