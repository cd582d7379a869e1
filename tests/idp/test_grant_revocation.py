"""Revoking a grant through the official SDK, end to end: a user (or a member) signs in to a Connected
App by the code flow, the grant is listed, `users.revoke` (members': `connected_apps.revoke`) removes
it, and the client's refresh token is refused and its access token introspects as inactive."""

from __future__ import annotations

from tests.idp.conftest import SignedIn
from tests.idp.relying_party import SCOPE, assert_tokens_dead, granted, introspected
from tests.support.server import KeystileServer


def test_a_user_revokes_a_connected_app(idp_server: KeystileServer, signed_in: SignedIn) -> None:
    rp, token, secret = granted(idp_server, signed_in)
    assert introspected(signed_in, token["access_token"], rp.oauth.client_id, secret) is not None
    listed = signed_in.sdk.users.connected_apps(signed_in.user_id).connected_apps
    assert [(app.connected_app_id, app.scopes_granted.split()) for app in listed] == [
        (rp.oauth.client_id, SCOPE.split())
    ]

    signed_in.sdk.users.revoke(signed_in.user_id, rp.oauth.client_id)
    assert signed_in.sdk.users.connected_apps(signed_in.user_id).connected_apps == []
    assert_tokens_dead(rp, signed_in, token, secret)


def test_a_member_revokes_a_connected_app(idp_server: KeystileServer, member_signed_in: SignedIn) -> None:
    signed_in, organization_id = member_signed_in, member_signed_in.organization_id
    assert organization_id is not None
    rp, token, secret = granted(idp_server, signed_in)
    assert introspected(signed_in, token["access_token"], rp.oauth.client_id, secret) is not None
    members = signed_in.sdk.organizations.members
    listed = members.get_connected_apps(organization_id, signed_in.user_id).connected_apps
    assert [app.connected_app_id for app in listed] == [rp.oauth.client_id]
    active = signed_in.sdk.organizations.get_connected_app(organization_id, rp.oauth.client_id).active_members
    assert [member.member_id for member in active] == [signed_in.user_id]

    members.connected_apps.revoke(organization_id, signed_in.user_id, rp.oauth.client_id)
    assert members.get_connected_apps(organization_id, signed_in.user_id).connected_apps == []
    assert_tokens_dead(rp, signed_in, token, secret)
