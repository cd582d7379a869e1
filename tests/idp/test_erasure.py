"""Deleting whoever granted a Connected App takes the grant with it: a deleted user (`users.delete`),
member (`organizations.members.delete`, or deprovisioned by SCIM) or organization
(`organizations.delete`) leaves no grant, code, token family or refresh token behind; the refresh
token is refused and the access token introspects as inactive. So does revoking a grant. Another
user's grant at the same client stays."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from tests.idp.conftest import SignedIn
from tests.idp.relying_party import RelyingParty, assert_tokens_dead, granted, new_client, sign_in
from tests.support.connected_apps import provider_rows, seed_grant
from tests.support.scim import connection, patch, scim_send
from tests.support.scim import new_user as new_scim_user
from tests.support.server import KeystileServer

NONE_LEFT = {
    "connected_app_grants": 0,
    "idp_authorization_codes": 0,
    "idp_token_families": 0,
    "idp_refresh_tokens": 0,
}


def _granted(server: KeystileServer, signed_in: SignedIn) -> tuple[RelyingParty, dict[str, Any], str | None]:
    rp, token, secret = granted(server, signed_in)
    assert all(provider_rows(server, signed_in.project.project_id, rp.oauth.client_id).values())
    return rp, token, secret


def _erased(
    server: KeystileServer, signed_in: SignedIn, rp: RelyingParty, token: dict[str, Any], secret: str | None
) -> None:
    assert provider_rows(server, signed_in.project.project_id, rp.oauth.client_id) == NONE_LEFT
    assert_tokens_dead(rp, signed_in, token, secret)


def test_a_deleted_user_leaves_no_grant_or_token(idp_server: KeystileServer, signed_in: SignedIn) -> None:
    rp, token, secret = _granted(idp_server, signed_in)
    created = signed_in.sdk.passwords.create(
        email=f"{secrets.token_hex(6)}@example.com",
        password=secrets.token_urlsafe(24),
        session_duration_minutes=60,
    )
    other = replace(signed_in, user_id=created.user_id, session_token=created.session_token)
    other_token, _ = sign_in(rp, other)

    assert signed_in.sdk.users.delete(signed_in.user_id).user_id == signed_in.user_id
    assert provider_rows(idp_server, signed_in.project.project_id, rp.oauth.client_id) == {
        "connected_app_grants": 1,
        "idp_authorization_codes": 1,
        "idp_token_families": 1,
        "idp_refresh_tokens": 1,
    }
    assert_tokens_dead(rp, signed_in, token, secret)
    assert rp.oauth.refresh_token(rp.metadata["token_endpoint"], refresh_token=other_token["refresh_token"])
    assert [app.connected_app_id for app in other.sdk.users.connected_apps(other.user_id).connected_apps] == [
        rp.oauth.client_id
    ]

    other.sdk.users.delete(other.user_id)
    assert provider_rows(idp_server, signed_in.project.project_id, rp.oauth.client_id) == NONE_LEFT


def test_a_deleted_member_leaves_no_grant_or_token(
    idp_server: KeystileServer, member_signed_in: SignedIn
) -> None:
    rp, token, secret = _granted(idp_server, member_signed_in)
    member_signed_in.sdk.organizations.members.delete(
        member_signed_in.organization_id, member_signed_in.user_id
    )
    _erased(idp_server, member_signed_in, rp, token, secret)


def test_a_deleted_organization_leaves_no_grant_or_token(
    idp_server: KeystileServer, member_signed_in: SignedIn
) -> None:
    rp, token, secret = _granted(idp_server, member_signed_in)
    member_signed_in.sdk.organizations.delete(member_signed_in.organization_id)
    _erased(idp_server, member_signed_in, rp, token, secret)


def test_a_revoked_grant_and_a_deleted_client_leave_no_token(
    idp_server: KeystileServer, signed_in: SignedIn
) -> None:
    rp, token, secret = _granted(idp_server, signed_in)
    signed_in.sdk.users.revoke(signed_in.user_id, rp.oauth.client_id)
    _erased(idp_server, signed_in, rp, token, secret)

    rp, token, secret = _granted(idp_server, signed_in)
    signed_in.sdk.connected_app.clients.delete(rp.oauth.client_id)
    assert provider_rows(idp_server, signed_in.project.project_id, rp.oauth.client_id) == NONE_LEFT


def test_members_deprovisioned_by_scim_leave_no_grant(
    idp_server: KeystileServer, member_signed_in: SignedIn
) -> None:
    organization_id, base_url, token = connection(member_signed_in.sdk, idp_server)
    client_id, _ = new_client(member_signed_in)
    project_id = member_signed_in.project.project_id
    deleted, deactivated = (new_scim_user(base_url, token, name) for name in ("grace", "alan"))
    for member_id in (deleted, deactivated):
        seed_grant(
            idp_server,
            project_id,
            subject_id=member_id,
            client_id=client_id,
            scopes=["openid"],
            organization_id=organization_id,
        )
    assert provider_rows(idp_server, project_id, client_id)["connected_app_grants"] == 2

    assert scim_send("DELETE", f"{base_url}/Users/{deleted}", token, None).status_code == 204
    assert provider_rows(idp_server, project_id, client_id)["connected_app_grants"] == 1
    inactive = patch([{"op": "replace", "value": {"active": False}}])
    assert scim_send("PATCH", f"{base_url}/Users/{deactivated}", token, inactive).status_code == 200
    assert provider_rows(idp_server, project_id, client_id) == NONE_LEFT
