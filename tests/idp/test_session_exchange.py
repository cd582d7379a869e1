"""`sessions.exchange_access_token` through the official Python SDK, consumer and B2B: a first-party
client's `full_access` access token becomes a session of its user or member, once; a token without the
scope, a second exchange and a third-party client asking for the scope are refused."""

from __future__ import annotations

import pytest
from stytch.core.response_base import StytchError

from tests.idp.conftest import SignedIn
from tests.idp.relying_party import authorization_page, new_client, relying_party, sign_in
from tests.support.node_sdk import run_node_scenario
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer

FULL_ACCESS = "openid full_access"


def full_access_token(server: KeystileServer, signed_in: SignedIn, scope: str = FULL_ACCESS) -> str:
    """An access token of a first-party client that allows `full_access`, through the code flow."""
    client_id, secret = new_client(signed_in, "first_party", full_access_allowed=True)
    rp = relying_party(server, signed_in, client_id, secret)
    rp.oauth.scope = scope
    token, _ = sign_in(rp, signed_in)
    assert token["scope"].split() == scope.split()
    return str(token["access_token"])


def test_a_full_access_token_exchanges_once_for_a_user_session(
    idp_server: KeystileServer, signed_in: SignedIn
) -> None:
    access_token = full_access_token(idp_server, signed_in)
    exchanged = signed_in.sdk.sessions.exchange_access_token(
        access_token=access_token, session_duration_minutes=30
    )
    assert exchanged.user_id == signed_in.user_id and exchanged.session is not None
    [factor] = exchanged.session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("oauth", "oauth_access_token_exchange")
    authenticated = signed_in.sdk.sessions.authenticate(session_token=exchanged.session_token)
    assert authenticated.user.user_id == signed_in.user_id
    again = signed_in.sdk.sessions.exchange_access_token
    assert error_type(lambda: again(access_token=access_token)) == "invalid_access_token"

    # Without a duration the user is named but no session starts (Stytch's rule for consumers).
    bare = signed_in.sdk.sessions.exchange_access_token(access_token=full_access_token(idp_server, signed_in))
    assert (bare.user_id, bare.session_token, bare.session) == (signed_in.user_id, "", None)


def test_a_token_without_full_access_is_refused(idp_server: KeystileServer, signed_in: SignedIn) -> None:
    access_token = full_access_token(idp_server, signed_in, scope="openid email")
    with pytest.raises(StytchError) as refused:
        signed_in.sdk.sessions.exchange_access_token(access_token=access_token)
    assert (refused.value.details.status_code, refused.value.details.error_type) == (
        403,
        "access_token_missing_full_access",
    )
    garbage = signed_in.sdk.sessions.exchange_access_token
    assert error_type(lambda: garbage(access_token="not-a-token")) == "invalid_access_token"


def test_a_third_party_client_cannot_ask_for_full_access(
    idp_server: KeystileServer, signed_in: SignedIn
) -> None:
    client_id, secret = new_client(signed_in, "third_party")
    rp = relying_party(idp_server, signed_in, client_id, secret)
    rp.oauth.scope = FULL_ACCESS
    url, _ = rp.oauth.create_authorization_url(rp.metadata["authorization_endpoint"], code_verifier="v" * 48)
    assert error_type(lambda: authorization_page(signed_in, url)) == "invalid_scope"


def test_a_full_access_token_exchanges_for_a_member_session(
    idp_server: KeystileServer, member_signed_in: SignedIn
) -> None:
    access_token = full_access_token(idp_server, member_signed_in)
    exchanged = member_signed_in.sdk.sessions.exchange_access_token(access_token=access_token)
    assert exchanged.member_id == member_signed_in.user_id
    assert exchanged.organization.organization_id == member_signed_in.organization_id
    assert exchanged.member_session is not None and exchanged.session_token
    [factor] = exchanged.member_session.authentication_factors
    assert factor.delivery_method == "oauth_access_token_exchange"
    authenticated = member_signed_in.sdk.sessions.authenticate(session_token=exchanged.session_token)
    assert authenticated.member.member_id == member_signed_in.user_id
    again = member_signed_in.sdk.sessions.exchange_access_token
    assert error_type(lambda: again(access_token=access_token)) == "invalid_access_token"


@pytest.mark.parametrize("vertical", ["consumer", "b2b"])
def test_the_node_sdk_exchanges_a_token_once(
    idp_server: KeystileServer, signed_in: SignedIn, member_signed_in: SignedIn, vertical: str
) -> None:
    subject = signed_in if vertical == "consumer" else member_signed_in
    token = full_access_token(idp_server, subject)
    steps = run_node_scenario(
        idp_server, subject.project, "session_exchange", VERTICAL=vertical, ACCESS_TOKEN=token
    )["steps"]
    exchanged = steps["exchange"]
    assert (exchanged["user_id"] if vertical == "consumer" else exchanged["member_id"]) == subject.user_id
    assert subject.sdk.sessions.authenticate(session_token=exchanged["session_token"])
    assert (steps["again"]["status_code"], steps["again"]["error_type"]) == (401, "invalid_access_token")
