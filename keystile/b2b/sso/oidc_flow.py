"""The OIDC browser flow of a connection: start (the provider's authorization URL, with state, nonce and
PKCE), and the provider's redirect back to keystile's callback in three steps so that no transaction
is open while the provider is called: the pending flow read, the provider asked (code exchange, ID
token verified with Authlib's joserfc, userinfo), then the flow redeemed once and the SSO token handed."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from keystile import tokens
from keystile.b2b.sso.flow import REQUEST_LIFETIME, Asserted, acs_url, active_connection, hand_token, name_of
from keystile.b2b.sso.models import OIDCConnection, OIDCRequest
from keystile.b2b.sso.repository import SSORepository
from keystile.calls import Call
from keystile.db import single_use
from keystile.errors import KeystileError
from keystile.factors.oauth import client
from keystile.factors.oauth.configuration import Endpoints
from keystile.factors.oauth.providers import OIDC_SCOPES, Provider
from keystile.identity.contact import normalize_email


@dataclass(frozen=True)
class Pending:
    """A flow the provider sent the browser back from, read but not yet redeemed, with what asking the
    provider takes (the client, its endpoints, keystile's PKCE verifier and the nonce)."""

    state_digest: str
    connection_id: str
    organization_id: str
    attribute_mapping: dict[str, Any]
    config: Endpoints
    at: client.ProviderEndpoints
    redirect_uri: str
    verifier: str
    nonce: str


def _client_of(call: Call, row: OIDCConnection) -> tuple[Endpoints, client.ProviderEndpoints]:
    scopes = tuple(row.custom_scopes.split()) or OIDC_SCOPES
    config = Endpoints(
        provider=Provider(row.identity_provider, scopes, issuer=row.issuer, verticals=("b2b",)),
        callback_id=row.connection_id,
        client_id=row.client_id,
        client_secret=call.keys.cipher.decrypt(row.client_secret_encrypted.encode()).decode(),
        scopes=scopes,
        issuer=row.issuer,
        authorize_url=row.authorization_url,
        token_url=row.token_url,
        userinfo_url=row.userinfo_url,
    )
    at = client.ProviderEndpoints(
        authorize_url=row.authorization_url,
        token_url=row.token_url,
        userinfo_url=row.userinfo_url,
        issuer=row.issuer,
        jwks_uri=row.jwks_url,
    )
    return config, at


async def start(
    call: Call,
    *,
    connection_id: str,
    external_connection_id: str | None = None,
    base_url: str,
    login_url: str,
    signup_url: str,
    code_challenge: str | None,
    custom_scopes: str | None,
) -> str:
    """The provider's authorization URL; the flow is remembered by its state."""
    row = await active_connection(call, OIDCConnection, connection_id)
    config, at = _client_of(call, row)
    state, nonce, verifier = tokens.new_token(), tokens.new_token(), tokens.new_token()
    call.db.add(
        OIDCRequest(
            state_digest=tokens.digest(state),
            project_id=call.project_id,
            connection_id=connection_id,
            external_connection_id=external_connection_id,
            nonce=nonce,
            provider_verifier_encrypted=call.keys.cipher.encrypt(verifier.encode()).decode("ascii"),
            login_redirect_url=login_url,
            signup_redirect_url=signup_url,
            code_challenge=code_challenge,
            created_at=call.now,
            expires_at=call.now + REQUEST_LIFETIME,
        )
    )
    return client.authorization_url(
        config,
        at,
        redirect_uri=acs_url(base_url, connection_id),
        scopes=list(dict.fromkeys([*config.scopes, *(custom_scopes or "").split()])),
        state=state,
        nonce=nonce,
        code_verifier=verifier,
        extra={},
    )


async def _flow(call: Call, connection_id: str, state: str | None) -> OIDCRequest:
    found = None
    if state:
        found = await SSORepository(call.db, call.project_id).find_by(
            OIDCRequest, state_digest=tokens.digest(state), connection_id=connection_id
        )
    if found is None or not tokens.usable(found, call.now):
        raise KeystileError("invalid_oidc_state")
    return found


async def pending(call: Call, *, connection_id: str, base_url: str, state: str | None) -> Pending:
    """The unredeemed, unexpired flow of this connection that `state` names; nothing is written."""
    row = await active_connection(call, OIDCConnection, connection_id)
    flow = await _flow(call, connection_id, state)
    config, at = _client_of(call, row)
    return Pending(
        state_digest=flow.state_digest,
        connection_id=connection_id,
        organization_id=row.organization_id,
        attribute_mapping=dict(row.attribute_mapping),
        config=config,
        at=at,
        redirect_uri=acs_url(base_url, connection_id),
        verifier=call.keys.cipher.decrypt(flow.provider_verifier_encrypted.encode()).decode(),
        nonce=flow.nonce,
    )


def _values(claims: dict[str, Any]) -> dict[str, list[str]]:
    """Claims as lists of strings, the shape of SAML attributes."""
    return {
        str(name): [str(item) for item in value] if isinstance(value, list) else [str(value)]
        for name, value in list(claims.items())[:50]
        if isinstance(value, str | int | float | bool | list)
    }


async def ask_provider(pending: Pending, *, code: str | None, error: str | None, now: datetime) -> Asserted:
    """Exchange the code, verify the ID token (signature by the issuer's JWKS, `iss`, `aud`, `exp`,
    `nonce`) and read userinfo, whose subject must be the ID token's. No database is touched."""
    if error is not None:
        raise client.provider_error(error)
    if not code:
        raise KeystileError("oauth_provider_error", "The OIDC provider's redirect carried no code.")
    issued = await client.exchange_code(
        pending.config,
        pending.at,
        redirect_uri=pending.redirect_uri,
        code=code,
        code_verifier=pending.verifier,
    )
    if not issued.id_token:
        raise KeystileError("invalid_id_token", "The OpenID Connect provider issued no ID token.")
    assert pending.at.issuer is not None and pending.at.jwks_uri is not None
    claims = await client.verified_id_token(
        issued.id_token,
        issuer=pending.at.issuer,
        jwks_uri=pending.at.jwks_uri,
        audience=pending.config.client_id,
        nonce=pending.nonce,
        now=now,
    )
    profile = await client.userinfo(pending.config, pending.at, issued.access_token)
    if profile and not hmac.compare_digest(str(profile.get("sub", "")), str(claims["sub"])):
        raise KeystileError(
            "invalid_id_token", "The userinfo answer is of another subject than the ID token."
        )
    attributes = _values({**profile, **claims})
    mapping = pending.attribute_mapping
    raw = (attributes.get(mapping.get("email", "email")) or [""])[0]
    try:
        email = normalize_email(raw)
    except KeystileError as error:
        raise KeystileError("invalid_email", "The OIDC provider named no usable email address.") from error
    named = mapping if ("full_name" in mapping or "first_name" in mapping) else {
        "full_name": "name", "first_name": "given_name", "last_name": "family_name"
    }  # fmt: skip
    return Asserted(
        email=email,
        name=name_of(named, attributes),
        subject=str(claims["sub"]),
        groups=attributes.get(mapping.get("groups", ""), []),
        attributes=attributes,
    )


async def finish(call: Call, pending: Pending, asserted: Asserted) -> str:
    """Redeem the flow (exactly once: a replayed callback loses) and hand the app its SSO token."""
    flow = await SSORepository(call.db, call.project_id).find_by(
        OIDCRequest, state_digest=pending.state_digest
    )
    if flow is None or not await single_use.redeem(call.db, flow, call.now):
        raise KeystileError("invalid_oidc_state")
    return await hand_token(call, pending.organization_id, pending.connection_id, asserted, flow)
