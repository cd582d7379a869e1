"""Revoking a grant through the official SDK, end to end: a user (or a member) signs in to a Connected
App by the code flow, the grant is listed, `users.revoke` (members': `connected_apps.revoke`) removes
it, and the client's refresh token is refused and its access token introspects as inactive."""

from __future__ import annotations

from typing import Any

from tests.idp.conftest import SignedIn
from tests.idp.relying_party import (
    SCOPE,
    RelyingParty,
    introspected,
    new_client,
    relying_party,
    sign_in,
    token_error,
)
from tests.support.server import KeystileServer


def _granted(
    idp_server: KeystileServer, signed_in: SignedIn
) -> tuple[RelyingParty, dict[str, Any], str | None]:
    client_id, secret = new_client(signed_in)
    rp = relying_party(idp_server, signed_in, client_id, secret)
    token, _ = sign_in(rp, signed_in)
    assert introspected(signed_in, token["access_token"], client_id, secret) is not None
    return rp, token, secret


def _refused_after_revocation(
    rp: RelyingParty, signed_in: SignedIn, token: dict[str, Any], secret: str | None
) -> None:
    assert (
        token_error(rp, grant_type="refresh_token", refresh_token=token["refresh_token"]) == "invalid_grant"
    )
    assert introspected(signed_in, token["access_token"], rp.oauth.client_id, secret) is None


def test_a_user_revokes_a_connected_app(idp_server: KeystileServer, signed_in: SignedIn) -> None:
    rp, token, secret = _granted(idp_server, signed_in)
    listed = signed_in.sdk.users.connected_apps(signed_in.user_id).connected_apps
    assert [(app.connected_app_id, app.scopes_granted.split()) for app in listed] == [
        (rp.oauth.client_id, SCOPE.split())
    ]

    signed_in.sdk.users.revoke(signed_in.user_id, rp.oauth.client_id)
    assert signed_in.sdk.users.connected_apps(signed_in.user_id).connected_apps == []
    _refused_after_revocation(rp, signed_in, token, secret)


def test_a_member_revokes_a_connected_app(idp_server: KeystileServer, member_signed_in: SignedIn) -> None:
    signed_in, organization_id = member_signed_in, member_signed_in.organization_id
    assert organization_id is not None
    rp, token, secret = _granted(idp_server, signed_in)
    members = signed_in.sdk.organizations.members
    listed = members.get_connected_apps(organization_id, signed_in.user_id).connected_apps
    assert [app.connected_app_id for app in listed] == [rp.oauth.client_id]
    active = signed_in.sdk.organizations.get_connected_app(organization_id, rp.oauth.client_id).active_members
    assert [member.member_id for member in active] == [signed_in.user_id]

    members.connected_apps.revoke(organization_id, signed_in.user_id, rp.oauth.client_id)
    assert members.get_connected_apps(organization_id, signed_in.user_id).connected_apps == []
    _refused_after_revocation(rp, signed_in, token, secret)
