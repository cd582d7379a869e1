"""The SAML browser flow: start (an AuthnRequest to the IdP), the IdP's answer at keystile's ACS (an
SSO token for the app); and, for every protocol, the SSO token handed to the app and `sso.authenticate`
(the member, JIT provisioning, the member session)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from keystile import tokens
from keystile.b2b import intermediate, policy
from keystile.b2b.admission import Entry, enter
from keystile.b2b.members import NewMember, add_member, detailed_view
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.organizations import organization_view
from keystile.b2b.sso import registrations, saml_protocol
from keystile.b2b.sso.connections import ACTIVE
from keystile.b2b.sso.models import (
    ExternalConnection,
    OIDCConnection,
    OIDCRequest,
    SAMLConnection,
    SAMLRequest,
    SSOToken,
)
from keystile.b2b.sso.repository import EXTERNAL_PREFIX, Connection, SSORepository, connection_model
from keystile.b2b.views import MemberView, OrganizationView
from keystile.calls import Call
from keystile.clock import rfc3339
from keystile.db import single_use
from keystile.errors import KeystileError
from keystile.identity.contact import normalize_email
from keystile.ids import new_id
from keystile.projects.service import resolve_redirect_url
from keystile.sessions.types import SessionRequest

REQUEST_LIFETIME = timedelta(minutes=10)
TOKEN_LIFETIME = timedelta(minutes=10)
# How long an assertion id is remembered when the assertion names no expiry of its own.
ASSERTION_MEMORY = timedelta(hours=1)
CALLBACK_PATH = "/v1/b2b/sso/callback/"
TOKEN_TYPE = "sso"  # noqa: S105  (the stytch_token_type of the redirect, not a secret)


def acs_url(base_url: str, connection_id: str) -> str:
    """keystile's ACS URL for a connection, which is also its SP entity id (the audience)."""
    return f"{base_url.rstrip('/')}{CALLBACK_PATH}{connection_id}"


def _parties(
    base_url: str, row: SAMLConnection
) -> tuple[saml_protocol.ServiceProvider, saml_protocol.IdentityProvider]:
    url = acs_url(base_url, row.connection_id)
    # A connection migrated from another provider keeps that provider's audience and ACS URL.
    sp = saml_protocol.ServiceProvider(
        entity_id=row.alternative_audience_uri or url,
        acs_url=url,
        nameid_format=row.nameid_format,
        alternative_acs_url=row.alternative_acs_url,
    )
    idp = saml_protocol.IdentityProvider(
        entity_id=row.idp_entity_id,
        sso_url=row.idp_sso_url,
        certificates=tuple(cert["certificate"] for cert in row.verification_certificates),
    )
    return sp, idp


async def active_connection(call: Call, model: type[Connection], connection_id: str) -> Connection:
    row = await SSORepository(call.db, call.project_id).get_by(
        model, "sso_connection_not_found", connection_id=connection_id
    )
    if row.status != ACTIVE:
        raise KeystileError("requires_active_sso_connection")
    return row


async def redirect_url(call: Call, url_type: str, requested: str | None) -> str:
    return await resolve_redirect_url(
        call.db, call.project_id, url_type, requested, refusal="no_match_for_provided_sso_url"
    )


async def start(
    call: Call,
    *,
    connection_id: str,
    external_connection_id: str | None = None,
    base_url: str,
    login_redirect_url: str | None,
    signup_redirect_url: str | None,
    code_challenge: str | None,
) -> str:
    """The IdP URL carrying keystile's AuthnRequest; the request is remembered by its RelayState (and
    the external connection it is for, if any)."""
    row = await active_connection(call, SAMLConnection, connection_id)
    challenge = tokens.check_challenge(code_challenge)
    login = await redirect_url(call, "login", login_redirect_url)
    signup = await redirect_url(call, "signup", signup_redirect_url)
    relay_state = tokens.new_token()
    signing_key = (
        call.keys.cipher.decrypt(row.signing_key["private_key_encrypted"].encode("ascii"))
        if row.signing_key
        else None
    )
    request_id, location = await asyncio.to_thread(
        saml_protocol.authn_request, *_parties(base_url, row), relay_state, signing_key
    )
    call.db.add(
        SAMLRequest(
            relay_state_digest=tokens.digest(relay_state),
            request_id=request_id,
            project_id=call.project_id,
            connection_id=connection_id,
            external_connection_id=external_connection_id,
            login_redirect_url=login,
            signup_redirect_url=signup,
            code_challenge=challenge,
            created_at=call.now,
            expires_at=call.now + REQUEST_LIFETIME,
        )
    )
    return location


async def _request(call: Call, row: SAMLConnection, relay_state: str | None) -> SAMLRequest | None:
    """The pending AuthnRequest the RelayState names; None for an IdP-initiated login, if allowed."""
    found = None
    if relay_state:
        found = await SSORepository(call.db, call.project_id).find_by(
            SAMLRequest, relay_state_digest=tokens.digest(relay_state), connection_id=row.connection_id
        )
    if found is not None and tokens.usable(found, call.now):
        return found
    if row.idp_initiated_auth_disabled:
        raise KeystileError("unsolicited_saml_response")
    return None


def first_of(attributes: dict[str, list[str]], name: str | None) -> str:
    values = attributes.get(name or "", [])
    return values[0] if values else ""


def _email(row: SAMLConnection, assertion: saml_protocol.Assertion) -> str:
    """The member's email: the mapped attribute, or the NameID when it is an address."""
    raw = first_of(assertion.attributes, row.attribute_mapping.get("email")) or assertion.name_id
    try:
        return normalize_email(raw)
    except KeystileError as error:
        raise KeystileError("invalid_saml_response_email") from error


def name_of(mapping: dict[str, Any], attributes: dict[str, list[str]]) -> str:
    full = first_of(attributes, mapping.get("full_name"))
    parts = [first_of(attributes, mapping.get("first_name")), first_of(attributes, mapping.get("last_name"))]
    return (full or " ".join(part for part in parts if part))[:256]


async def receive_response(
    call: Call, *, connection_id: str, base_url: str, saml_response: str, relay_state: str | None
) -> str:
    """Verify the IdP's Response and hand the app an SSO token: the redirect URL that carries it.
    Nothing is written unless the Response checks out, answers its request (or is an allowed
    IdP-initiated one) and its assertion was never used before."""
    row = await active_connection(call, SAMLConnection, connection_id)
    request = await _request(call, row, relay_state)
    assertion = await asyncio.to_thread(
        saml_protocol.verify_response,
        *_parties(base_url, row),
        saml_response,
        request_id=request.request_id if request is not None else None,
        decryption_keys=tuple(
            call.keys.cipher.decrypt(key["private_key_encrypted"].encode("ascii"))
            for key in row.encryption_private_keys
        ),
    )
    if request is not None and not await single_use.redeem(call.db, request, call.now):
        raise KeystileError("unsolicited_saml_response", "This request was answered already.")
    email = _email(row, assertion)
    remembered_until = assertion.not_on_or_after or call.now + ASSERTION_MEMORY
    repo = SSORepository(call.db, call.project_id)
    if not await repo.first_use_of_assertion(row.connection_id, assertion.assertion_id, remembered_until):
        raise KeystileError("duplicate_saml_response")
    asserted = Asserted(
        email=email,
        name=name_of(row.attribute_mapping, assertion.attributes),
        subject=assertion.name_id,
        groups=assertion.attributes.get(row.attribute_mapping.get("groups", ""), []),
        attributes=assertion.attributes,
    )
    return await hand_token(call, row.organization_id, row.connection_id, asserted, request)


@dataclass(frozen=True)
class Asserted:
    """Who the IdP says signed in: their address, name, subject, groups and attributes."""

    email: str
    name: str
    subject: str
    groups: list[str]
    attributes: dict[str, Any]


async def hand_token(
    call: Call,
    organization_id: str,
    connection_id: str,
    asserted: Asserted,
    request: SAMLRequest | OIDCRequest | None,
) -> str:
    """The app's redirect URL (login for an active member, signup otherwise) with a new SSO token for
    what the IdP asserted, bound to the app's PKCE challenge of the request; a login started through an
    external connection is for that connection's organization."""
    if request is not None and request.external_connection_id is not None:
        external = await SSORepository(call.db, call.project_id).find_by(
            ExternalConnection, connection_id=request.external_connection_id
        )
        if external is None:
            raise KeystileError("sso_connection_not_found", "The external connection was deleted.")
        organization_id, connection_id = external.organization_id, external.connection_id
    token = tokens.new_token()
    call.db.add(
        SSOToken(
            token_id=new_id("sso-token"),
            token_digest=tokens.digest(token),
            project_id=call.project_id,
            organization_id=organization_id,
            connection_id=connection_id,
            email_address=asserted.email,
            name=asserted.name,
            provider_subject=asserted.subject[:512],
            idp_groups=asserted.groups,
            attributes={key: values[:20] for key, values in list(asserted.attributes.items())[:50]},
            code_challenge=request.code_challenge if request is not None else None,
            created_at=call.now,
            expires_at=call.now + TOKEN_LIFETIME,
        )
    )
    member = await MemberRepository(call.db, call.project_id).by_email(organization_id, asserted.email)
    returning = member is not None and member.status == "active"
    if request is not None:
        url = request.login_redirect_url if returning else request.signup_redirect_url
    else:
        url = await redirect_url(call, "login" if returning else "signup", None)
    return tokens.link(url, token, TOKEN_TYPE)


def sso_factor(token: SSOToken, now_stamp: str | None, protocol: str) -> dict[str, Any]:
    """The AuthenticationFactor of a SAML or OIDC login through a connection."""
    return {
        "type": "sso",
        "delivery_method": f"sso_{protocol}",
        "last_authenticated_at": now_stamp,
        "created_at": now_stamp,
        "updated_at": now_stamp,
        f"{protocol}_sso_factor": {
            "id": token.token_id,
            "provider_id": token.connection_id,
            "external_id": token.provider_subject,
        },
    }


async def _redeemed(call: Call, token: str, code_verifier: str | None) -> SSOToken:
    row = await single_use.find(call.db, SSOToken, call.project_id, token)
    if row is None or not tokens.usable(row, call.now):
        raise KeystileError("sso_token_not_found")
    tokens.check_pkce(row, code_verifier, issued_as="an SSO login started")
    if not await single_use.redeem(call.db, row, call.now):
        raise KeystileError("sso_token_not_found")
    return row


async def _connection_roles(
    call: Call, connection_id: str
) -> tuple[str, list[dict[str, str]], list[dict[str, str]]]:
    """The login's protocol and the active connection's implicit roles, of the connection and by IdP
    group (an OIDC connection has none: the SDK's OIDCConnection carries no role assignments); an
    external connection's roles are its own, over the other organization's active connection."""
    if connection_id.startswith(EXTERNAL_PREFIX):
        external = await SSORepository(call.db, call.project_id).get_by(
            ExternalConnection, "sso_connection_not_found", connection_id=connection_id
        )
        protocol, _, _ = await _connection_roles(call, external.external_connection_id)
        return protocol, external.connection_role_assignments, external.group_role_assignments
    if connection_model(connection_id) is OIDCConnection:
        await active_connection(call, OIDCConnection, connection_id)
        return "oidc", [], []
    saml = await active_connection(call, SAMLConnection, connection_id)
    return "saml", saml.connection_role_assignments, saml.group_role_assignments


def _may_join(organization: OrganizationView, connection_id: str) -> bool:
    """JIT provisioning by SSO, per the organization's `sso_jit_provisioning`."""
    settings = organization.organization
    if settings.sso_jit_provisioning == policy.ALL_ALLOWED:
        return True
    return (
        settings.sso_jit_provisioning == policy.RESTRICTED
        and connection_id in settings.sso_jit_provisioning_allowed_connections
    )


async def authenticate(
    call: Call,
    *,
    token: str,
    code_verifier: str | None,
    request: SessionRequest,
    intermediate_session_token: str | None,
) -> Entry:
    """Redeem an SSO token: the member it names (created when the organization provisions members by
    SSO) gets a session, or an intermediate session when the organization wants MFA."""
    row = await _redeemed(call, token, code_verifier)
    organization = await organization_view(call, row.organization_id)
    repo = MemberRepository(call.db, call.project_id)
    member = await repo.by_email(organization.organization_id, row.email_address, for_update=True)
    if member is None:
        if not _may_join(organization, row.connection_id):
            raise KeystileError("invalid_connection_for_jit_provisioning")
        new = NewMember(name=row.name or None)
        member = await add_member(
            call, organization, row.email_address, status="pending", verified=True, new=new
        )
    elif member.status == "deleted":
        raise KeystileError("member_not_found", "This member was deleted; reactivate it to let it log in.")
    protocol, connection_roles, group_roles = await _connection_roles(call, row.connection_id)
    member.sso_role_sources = policy.sso_role_sources(
        member.sso_role_sources, row.connection_id, connection_roles, group_roles, row.idp_groups
    )
    await registrations.record(
        call, member.member_id, row.connection_id, row.provider_subject, row.attributes
    )
    presented = (
        await intermediate.presented(call, intermediate_session_token) if intermediate_session_token else None
    )
    return await enter(
        call,
        member=await detailed_view(call, MemberView(member, organization)),
        factors=[sso_factor(row, rfc3339(call.now), protocol)],
        request=request,
        presented=presented,
    )
