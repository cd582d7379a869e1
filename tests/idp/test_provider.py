"""keystile as an OpenID provider, end to end, for a user and for a member: Authlib's OAuth 2.0 client as
the relying party (discovery, PKCE S256, code exchange, refresh, revocation), the official Python SDK as
the app's authorization page (`idp.oauth.authorize_start` / `authorize`) and as a resource server
(`idp.introspect_token_network`); ID tokens verified from the published JWKS. Then the refusals."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from stytch.core.response_base import StytchError

from tests.idp.conftest import SignedIn
from tests.idp.relying_party import (
    SCOPE,
    authorization_page,
    introspected,
    new_client,
    relying_party,
    sign_in,
    token_error,
    verified_id_token,
)
from tests.support.server import KeystileServer


def test_a_relying_party_signs_a_user_in(idp_server: KeystileServer, signed_in: SignedIn) -> None:
    client_id, secret = new_client(signed_in)
    rp = relying_party(idp_server, signed_in, client_id, secret)
    assert rp.metadata["code_challenge_methods_supported"] == ["S256"]
    token, nonce = sign_in(rp, signed_in)

    claims = verified_id_token(rp, token["id_token"], nonce)
    assert (claims["sub"], claims["email"]) == (signed_in.user_id, signed_in.email)
    info = rp.oauth.get(rp.metadata["userinfo_endpoint"]).json()
    # A password sign-up has not proven the address.
    assert (info["sub"], info["email"], info["email_verified"]) == (signed_in.user_id, signed_in.email, False)
    local = signed_in.sdk.idp.introspect_access_token_local(token["access_token"])
    assert local is not None and local.subject == signed_in.user_id and "email" in (local.scope or "").split()
    active = introspected(signed_in, token["access_token"], client_id, secret)
    assert active is not None and active.subject == signed_in.user_id

    refreshed = dict(
        rp.oauth.refresh_token(rp.metadata["token_endpoint"], refresh_token=token["refresh_token"])
    )
    assert refreshed["refresh_token"] != token["refresh_token"] and refreshed["access_token"]
    revoked = rp.oauth.revoke_token(
        rp.metadata["revocation_endpoint"], token=refreshed["refresh_token"], token_type_hint="refresh_token"
    )
    assert revoked.status_code == 200
    assert introspected(signed_in, refreshed["access_token"], client_id, secret) is None
    assert (
        token_error(rp, grant_type="refresh_token", refresh_token=refreshed["refresh_token"])
        == "invalid_grant"
    )


def test_a_dynamically_registered_public_client_signs_in(
    idp_server: KeystileServer, signed_in: SignedIn
) -> None:
    metadata = httpx.get(
        f"{idp_server.base_url}.well-known/oauth-authorization-server/v1/public/{signed_in.project.project_id}",
        timeout=10,
    ).json()
    registered = httpx.post(
        metadata["registration_endpoint"],
        json={
            "client_name": "An MCP client",
            "redirect_uris": ["http://127.0.0.1:33418/callback"],
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
        },
        timeout=10,
    )
    assert registered.status_code == 201, registered.text
    assert "client_secret" not in registered.json()
    client_id = registered.json()["client_id"]
    rp = relying_party(idp_server, signed_in, client_id, None, redirect="http://127.0.0.1:33418/callback")
    token, nonce = sign_in(rp, signed_in)
    assert verified_id_token(rp, token["id_token"], nonce)["sub"] == signed_in.user_id
    refreshed = rp.oauth.refresh_token(rp.metadata["token_endpoint"], refresh_token=token["refresh_token"])
    assert refreshed["access_token"]


def test_a_code_used_twice_revokes_what_it_minted(idp_server: KeystileServer, signed_in: SignedIn) -> None:
    client_id, secret = new_client(signed_in)
    rp = relying_party(idp_server, signed_in, client_id, secret)
    verifier = secrets.token_urlsafe(48)
    url, state = rp.oauth.create_authorization_url(
        rp.metadata["authorization_endpoint"], code_verifier=verifier
    )
    redirect, _ = authorization_page(signed_in, url)
    first = rp.oauth.fetch_token(
        rp.metadata["token_endpoint"], authorization_response=redirect, code_verifier=verifier, state=state
    )
    again = token_error(rp, authorization_response=redirect, code_verifier=verifier, state=state)
    assert again == "invalid_grant"
    assert introspected(signed_in, first["access_token"], client_id, secret) is None
    assert (
        token_error(rp, grant_type="refresh_token", refresh_token=first["refresh_token"]) == "invalid_grant"
    )


def test_a_wrong_pkce_verifier_is_refused(idp_server: KeystileServer, signed_in: SignedIn) -> None:
    client_id, secret = new_client(signed_in)
    rp = relying_party(idp_server, signed_in, client_id, secret)
    url, state = rp.oauth.create_authorization_url(
        rp.metadata["authorization_endpoint"], code_verifier=secrets.token_urlsafe(48)
    )
    redirect, _ = authorization_page(signed_in, url)
    wrong = secrets.token_urlsafe(48)
    assert (
        token_error(rp, authorization_response=redirect, code_verifier=wrong, state=state) == "invalid_grant"
    )


def test_an_unregistered_redirect_uri_gets_no_code(idp_server: KeystileServer, signed_in: SignedIn) -> None:
    client_id, _ = new_client(signed_in)
    for call in (signed_in.sdk.idp.oauth.authorize_start, signed_in.sdk.idp.oauth.authorize):
        extra = {"consent_granted": True} if call == signed_in.sdk.idp.oauth.authorize else {}
        with pytest.raises(StytchError) as refused:
            call(
                client_id=client_id,
                redirect_uri="https://attacker.example/callback",
                response_type="code",
                scopes=["openid"],
                session_token=signed_in.session_token,
                **extra,
            )
        assert (refused.value.details.status_code, refused.value.details.error_type) == (
            400,
            "invalid_request",
        )


def test_a_reused_refresh_token_revokes_its_family(idp_server: KeystileServer, signed_in: SignedIn) -> None:
    client_id, secret = new_client(signed_in)
    rp = relying_party(idp_server, signed_in, client_id, secret)
    token, _ = sign_in(rp, signed_in)
    rotated = rp.oauth.refresh_token(rp.metadata["token_endpoint"], refresh_token=token["refresh_token"])
    assert (
        token_error(rp, grant_type="refresh_token", refresh_token=token["refresh_token"]) == "invalid_grant"
    )
    assert (
        token_error(rp, grant_type="refresh_token", refresh_token=rotated["refresh_token"]) == "invalid_grant"
    )
    assert introspected(signed_in, rotated["access_token"], client_id, secret) is None


def test_a_third_party_client_needs_consent(idp_server: KeystileServer, signed_in: SignedIn) -> None:
    client_id, secret = new_client(signed_in)
    rp = relying_party(idp_server, signed_in, client_id, secret)
    url, _ = rp.oauth.create_authorization_url(
        rp.metadata["authorization_endpoint"], code_verifier=secrets.token_urlsafe(48)
    )
    redirect, started = authorization_page(signed_in, url, consent_granted=False)
    assert started.consent_required is True
    assert {result.scope for result in started.scope_results} == set(SCOPE.split())
    query = parse_qs(urlsplit(redirect).query)
    assert query["error"] == ["access_denied"] and "code" not in query


def test_scope_escalation_is_refused(idp_server: KeystileServer, signed_in: SignedIn) -> None:
    client_id, secret = new_client(signed_in)
    rp = relying_party(idp_server, signed_in, client_id, secret)
    rp.oauth.scope = "openid admin:everything"
    url, _ = rp.oauth.create_authorization_url(
        rp.metadata["authorization_endpoint"], code_verifier=secrets.token_urlsafe(48)
    )
    with pytest.raises(StytchError) as refused:
        authorization_page(signed_in, url)
    assert refused.value.details.error_type == "invalid_scope"
    rp.oauth.scope = "openid offline_access"
    token, _ = sign_in(rp, signed_in)
    wider = token_error(
        rp,
        grant_type="refresh_token",
        refresh_token=token["refresh_token"],
        scope="openid offline_access email",
    )
    assert wider == "invalid_scope"


def test_a_relying_party_signs_a_member_in(idp_server: KeystileServer, member_signed_in: SignedIn) -> None:
    member, organization_id = member_signed_in, member_signed_in.organization_id
    client_id, secret = new_client(member)
    rp = relying_party(idp_server, member, client_id, secret)
    token, nonce = sign_in(rp, member)

    claims = verified_id_token(rp, token["id_token"], nonce)
    assert (claims["sub"], claims["email"]) == (member.user_id, member.email)
    info = rp.oauth.get(rp.metadata["userinfo_endpoint"]).json()
    assert (info["sub"], info["email"]) == (member.user_id, member.email)
    active = introspected(member, token["access_token"], client_id, secret)
    assert active is not None and active.subject == member.user_id
    assert active.organization_claim["organization_id"] == organization_id
    assert set((active.scope or "").split()) == set(SCOPE.split())
    local = member.sdk.idp.introspect_access_token_local(token["access_token"])
    assert local is not None and local.organization_claim["organization_id"] == organization_id

    refreshed = dict(
        rp.oauth.refresh_token(rp.metadata["token_endpoint"], refresh_token=token["refresh_token"])
    )
    assert refreshed["refresh_token"] != token["refresh_token"]
    again = introspected(member, refreshed["access_token"], client_id, secret)
    assert again is not None and again.subject == member.user_id
    revoked = rp.oauth.revoke_token(
        rp.metadata["revocation_endpoint"], token=refreshed["refresh_token"], token_type_hint="refresh_token"
    )
    assert revoked.status_code == 200
    assert introspected(member, refreshed["access_token"], client_id, secret) is None
    assert (
        token_error(rp, grant_type="refresh_token", refresh_token=refreshed["refresh_token"])
        == "invalid_grant"
    )
    listed = member.sdk.organizations.members.get_connected_apps(organization_id, member.user_id)
    assert [app.connected_app_id for app in listed.connected_apps] == [client_id]
