"""Consumer WebAuthn through the official Python SDK on every engine, without a browser: the options
keystile hands out, and the refusals that need no real authenticator (domains off the allowlist,
malformed or forged credentials, unknown or used challenges, unknown registrations). Chromium's
virtual authenticator drives the full ceremonies in tests/e2e/test_webauthn.py."""

from __future__ import annotations

import base64
import json
import uuid

import stytch

from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project
from tests.support.webauthn import (
    SoftwareAuthenticator,
    b64url_decode,
    forged,
    registered,
    request_challenge,
)

DOMAIN = "app.example.com"


def test_options_and_refusals(server: KeystileServer, project: Project, client: stytch.Client) -> None:
    user = client.users.create(email=f"webauthn-{uuid.uuid4().hex[:8]}@example.com")
    assert (
        error_type(lambda: client.webauthn.register_start(user_id=user.user_id, domain=DOMAIN))
        == "invalid_webauthn_registration_domain"
    )
    server.cli_json("projects", "domains", "add", "--project", project.project_id, DOMAIN, "--json")
    assert (
        error_type(
            lambda: client.webauthn.register_start(
                user_id=user.user_id, domain=DOMAIN, authenticator_type="phone"
            )
        )
        == "invalid_authenticator_type"
    )
    assert (
        error_type(
            lambda: client.webauthn.register_start(
                user_id="user-test-00000000-0000-4000-8000-000000000000", domain=DOMAIN
            )
        )
        == "user_not_found"
    )

    started = client.webauthn.register_start(
        user_id=user.user_id, domain=DOMAIN, authenticator_type="cross-platform", use_base64_url_encoding=True
    )
    options = json.loads(started.public_key_credential_creation_options)
    assert options["rp"]["id"] == DOMAIN
    assert b64url_decode(options["user"]["id"]) == user.user_id.encode()
    assert options["user"]["name"] == user.user.emails[0].email
    assert len(b64url_decode(options["challenge"])) == 32
    assert options["authenticatorSelection"]["authenticatorAttachment"] == "cross-platform"
    assert options["authenticatorSelection"]["residentKey"] == "discouraged"
    assert options["excludeCredentials"] == []
    # Without use_base64_url_encoding the bytes are standard base64.
    plain = json.loads(
        client.webauthn.register_start(
            user_id=user.user_id, domain=DOMAIN
        ).public_key_credential_creation_options
    )
    assert base64.b64decode(plain["user"]["id"], validate=True) == user.user_id.encode()

    assert (
        error_type(lambda: client.webauthn.register(user_id=user.user_id, public_key_credential="{not json"))
        == "invalid_public_key_credential"
    )
    # A forged attestation on the real challenge: refused, and the challenge is used up.
    attempt = forged("create", options["challenge"])
    for _ in range(2):
        assert (
            error_type(lambda: client.webauthn.register(user_id=user.user_id, public_key_credential=attempt))
            == "unable_to_register_webauthn_registration"
        )
    assert client.users.get(user_id=user.user_id).webauthn_registrations == []

    assert (
        error_type(lambda: client.webauthn.authenticate_start(domain=DOMAIN, user_id=user.user_id))
        == "no_active_webauthn_registrations"
    )
    assert error_type(lambda: client.webauthn.authenticate_start(domain="evil.example")) == (
        "invalid_webauthn_registration_domain"
    )
    passkey = client.webauthn.authenticate_start(
        domain=DOMAIN, return_passkey_credential_options=True, use_base64_url_encoding=True
    )
    assert passkey.user_id == ""
    request = json.loads(passkey.public_key_credential_request_options)
    assert (request["rpId"], request["userVerification"]) == (DOMAIN, "preferred")
    # An assertion of a credential nobody registered, on that challenge; then an unknown challenge.
    assert (
        error_type(
            lambda: client.webauthn.authenticate(public_key_credential=forged("get", request["challenge"]))
        )
        == "webauthn_registration_not_found"
    )
    assert (
        error_type(
            lambda: client.webauthn.authenticate(public_key_credential=forged("get", request["challenge"]))
        )
        == "unable_to_auth_webauthn_registration"
    )

    assert client.webauthn.list_credentials(user_id=user.user_id, domain=DOMAIN).credentials == []
    unknown = "webauthn-registration-test-00000000-0000-4000-8000-000000000000"
    assert error_type(lambda: client.webauthn.update(webauthn_registration_id=unknown, name="x")) == (
        "webauthn_registration_not_found"
    )
    assert error_type(
        lambda: client.users.delete_webauthn_registration(webauthn_registration_id=unknown)
    ) == ("webauthn_registration_not_found")


def test_a_software_authenticator_uses_each_challenge_once(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    """Registered and signed in through the SDK; a second, well-signed assertion on the same
    challenge is refused and starts no session."""
    server.cli_json("projects", "domains", "add", "--project", project.project_id, DOMAIN, "--json")
    user = client.users.create(email=f"webauthn-{uuid.uuid4().hex[:8]}@example.com")
    authenticator = SoftwareAuthenticator(DOMAIN)
    registration_id = registered(client, user.user_id, authenticator)

    challenge = request_challenge(client, DOMAIN, user.user_id)
    signed_in = client.webauthn.authenticate(
        public_key_credential=authenticator.assertion(challenge), session_duration_minutes=60
    )
    assert (signed_in.user_id, signed_in.webauthn_registration_id) == (user.user_id, registration_id)
    assert (
        error_type(
            lambda: client.webauthn.authenticate(
                public_key_credential=authenticator.assertion(challenge), session_duration_minutes=60
            )
        )
        == "unable_to_auth_webauthn_registration"
    )
    assert len(client.sessions.get(user_id=user.user_id).sessions) == 1


def test_domains_cli(server: KeystileServer, project: Project) -> None:
    """`keystile projects domains add|list|remove`: http only for localhost, in test projects."""
    live = server.create_project(environment="live")
    refused = server.cli("projects", "domains", "add", "--project", live.project_id, "http://localhost:3000")
    assert refused.returncode == 1 and "invalid_argument" in refused.stderr
    for origin in ("http://localhost:3000", "example.com", "http://localhost:3000"):
        server.cli_json("projects", "domains", "add", "--project", project.project_id, origin, "--json")
    listed = server.cli_json("projects", "domains", "list", "--project", project.project_id, "--json")
    assert listed == [
        {"origin": "http://localhost:3000", "rp_id": "localhost"},
        {"origin": "https://example.com", "rp_id": "example.com"},
    ]
    removed = server.cli_json(
        "projects", "domains", "remove", "--project", project.project_id, "https://example.com", "--json"
    )
    assert removed == {"removed": 1}
    assert server.cli_json("projects", "domains", "list", "--project", project.project_id, "--json") == [
        {"origin": "http://localhost:3000", "rp_id": "localhost"}
    ]
