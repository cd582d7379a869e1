"""Well-signed WebAuthn assertions of a software authenticator refused through the official Python SDK
on every engine: an origin off the allowlist, another RP id's hash, another user's credential. Each
starts no session and leaves the sign counter where it was."""

from __future__ import annotations

import uuid

import pytest
import stytch

from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project
from tests.support.webauthn import SoftwareAuthenticator, registered, request_challenge

DOMAIN = "app.example.com"


def new_user(client: stytch.Client) -> str:
    return str(client.users.create(email=f"webauthn-{uuid.uuid4().hex[:8]}@example.com").user_id)


def refused_then_signs_in(
    client: stytch.Client, user_id: str, assertion: str, owner: SoftwareAuthenticator
) -> None:
    """`assertion` is refused with no session started; the owner's next assertion, carrying the same
    counter as the refused one, still signs the user in (so the counter was not advanced)."""
    assert (
        error_type(
            lambda: client.webauthn.authenticate(public_key_credential=assertion, session_duration_minutes=60)
        )
        == "unable_to_auth_webauthn_registration"
    )
    assert client.sessions.get(user_id=user_id).sessions == []
    owner.counter -= 1
    signed_in = client.webauthn.authenticate(
        public_key_credential=owner.assertion(request_challenge(client, DOMAIN, user_id)),
        session_duration_minutes=60,
    )
    assert signed_in.user_id == user_id
    assert len(client.sessions.get(user_id=user_id).sessions) == 1


@pytest.fixture
def allowed(server: KeystileServer, project: Project) -> None:
    server.cli_json("projects", "domains", "add", "--project", project.project_id, DOMAIN, "--json")


@pytest.mark.usefixtures("allowed")
def test_an_origin_off_the_allowlist_is_refused(client: stytch.Client) -> None:
    user_id = new_user(client)
    authenticator = SoftwareAuthenticator(DOMAIN)
    registered(client, user_id, authenticator)
    assertion = authenticator.assertion(
        request_challenge(client, DOMAIN, user_id), origin="https://evil.example.com"
    )
    refused_then_signs_in(client, user_id, assertion, authenticator)


@pytest.mark.usefixtures("allowed")
def test_an_assertion_for_another_rp_id_is_refused(client: stytch.Client) -> None:
    user_id = new_user(client)
    authenticator = SoftwareAuthenticator(DOMAIN)
    registered(client, user_id, authenticator)
    challenge = request_challenge(client, DOMAIN, user_id)
    authenticator.rp_id = "evil.example.com"
    assertion = authenticator.assertion(challenge)
    authenticator.rp_id = DOMAIN
    refused_then_signs_in(client, user_id, assertion, authenticator)


@pytest.mark.usefixtures("allowed")
def test_another_users_credential_is_refused_on_a_users_challenge(client: stytch.Client) -> None:
    ada, bob = new_user(client), new_user(client)
    adas, bobs = SoftwareAuthenticator(DOMAIN), SoftwareAuthenticator(DOMAIN)
    registered(client, ada, adas)
    registered(client, bob, bobs)
    assertion = adas.assertion(request_challenge(client, DOMAIN, bob))
    assert client.sessions.get(user_id=ada).sessions == []
    refused_then_signs_in(client, bob, assertion, bobs)
    # Ada's counter was not advanced either: her assertion with the refused counter signs her in.
    adas.counter -= 1
    signed_in = client.webauthn.authenticate(
        public_key_credential=adas.assertion(request_challenge(client, DOMAIN, ada)),
        session_duration_minutes=60,
    )
    assert signed_in.user_id == ada
