"""Passkeys in Chromium with its virtual authenticator (CDP): a backend on the official Python SDK
registers a passkey for a page on a loopback origin and signs in with it naming no user; it then
serves as a second factor on a password session. Replayed challenges, a cloned authenticator's stale
counter and a page on an origin the project does not allow are refused, and nothing is written."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest
import stytch
from playwright.sync_api import Page, expect

from tests.e2e.apps import create_project, save_screenshot
from tests.e2e.webauthn_page import (
    add_virtual_authenticator,
    create_credential,
    get_credential,
    serving_page,
    sign_count,
)
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer

DOMAIN = "localhost"
STRONG_PASSWORD = "correct horse battery staple 42!"


@pytest.fixture
def project(dev_keystile: KeystileServer) -> dict[str, str]:
    # By the CLI: the browser's event loop runs in this thread, so no in-process asyncio.run.
    return create_project(dev_keystile, "Passkeys e2e", "consumer", "http://localhost:3000/authenticate")


@pytest.fixture
def client(dev_keystile: KeystileServer, project: dict[str, str]) -> stytch.Client:
    return stytch.Client(
        project["project_id"], project["secret"], environment=dev_keystile.base_url, suppress_warnings=True
    )


def allow(keystile: KeystileServer, project: dict[str, str], origin: str, verb: str = "add") -> None:
    """`keystile projects domains add|remove --project ID ORIGIN`."""
    keystile.cli_json("projects", "domains", verb, "--project", project["project_id"], origin, "--json")


def stored(keystile: KeystileServer, query: str, *args: str) -> list[tuple[object, ...]]:
    """Rows of the server's SQLite database, read directly (what was written, or not)."""
    path = keystile.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        return db.execute(query, args).fetchall()


def registrations(keystile: KeystileServer, user_id: str) -> list[tuple[object, ...]]:
    return stored(
        keystile,
        "SELECT webauthn_registration_id, sign_count FROM webauthn_registrations WHERE user_id = ?",
        user_id,
    )


def register_passkey(
    client: stytch.Client, page: Page, user_id: str
) -> stytch.consumer.models.webauthn.RegisterResponse:
    started = client.webauthn.register_start(
        user_id=user_id,
        domain=DOMAIN,
        return_passkey_credential_options=True,
        use_base64_url_encoding=True,
    )
    assert started.user_id == user_id
    options = json.loads(started.public_key_credential_creation_options)
    assert options["rp"]["id"] == DOMAIN
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    credential = create_credential(page, started.public_key_credential_creation_options)
    registered = client.webauthn.register(
        user_id=user_id, public_key_credential=credential, session_duration_minutes=60
    )
    # The same credential again: its challenge was used up.
    assert (
        error_type(lambda: client.webauthn.register(user_id=user_id, public_key_credential=credential))
        == "unable_to_register_webauthn_registration"
    )
    return registered


def test_passkey_registers_and_signs_in_without_a_user_name(
    dev_keystile: KeystileServer, project: dict[str, str], client: stytch.Client, page: Page, tmp_path: Path
) -> None:
    user = client.users.create(email=f"passkey-{uuid.uuid4().hex[:8]}@example.com")
    with serving_page() as origin:
        # The page's origin is not allowed yet: no ceremony starts.
        assert (
            error_type(lambda: client.webauthn.register_start(user_id=user.user_id, domain=DOMAIN))
            == "invalid_webauthn_registration_domain"
        )
        allow(dev_keystile, project, origin)
        page.goto(origin)
        add_virtual_authenticator(page)

        registered = register_passkey(client, page, user.user_id)
        expect(page.get_by_role("status")).to_have_text("Passkey created")
        registration_id = registered.webauthn_registration_id
        assert [r.webauthn_registration_id for r in registered.user.webauthn_registrations] == [
            registration_id
        ]
        assert registered.session is not None
        assert registered.session.authentication_factors[0].type == "webauthn"
        assert [r[0] for r in registrations(dev_keystile, user.user_id)] == [registration_id]

        # Sign in naming no user: any discoverable credential of the RP answers.
        def passkey_assertion() -> str:
            started = client.webauthn.authenticate_start(
                domain=DOMAIN, return_passkey_credential_options=True, use_base64_url_encoding=True
            )
            assert started.user_id == ""
            assert json.loads(started.public_key_credential_request_options).get("allowCredentials", []) == []
            return get_credential(page, started.public_key_credential_request_options)

        assertion = passkey_assertion()
        signed_in = client.webauthn.authenticate(public_key_credential=assertion, session_duration_minutes=60)
        assert (signed_in.user_id, signed_in.webauthn_registration_id) == (user.user_id, registration_id)
        assert signed_in.session is not None
        factor = signed_in.session.authentication_factors[0]
        assert factor.type == "webauthn"
        assert factor.webauthn_factor is not None and factor.webauthn_factor.domain == DOMAIN
        expect(page.get_by_role("status")).to_have_text("Signed in with a passkey")
        save_screenshot(page, tmp_path, "webauthn-passkey-signed-in")
        count = registrations(dev_keystile, user.user_id)[0][1]
        sessions_before = len(client.sessions.get(user_id=user.user_id).sessions)

        # The same assertion again: its challenge is used up; nothing is written.
        assert (
            error_type(
                lambda: client.webauthn.authenticate(
                    public_key_credential=assertion, session_duration_minutes=60
                )
            )
            == "unable_to_auth_webauthn_registration"
        )

        # A clone of the authenticator: two assertions made, the later one used first; the earlier
        # one, on its own pending challenge, carries a counter that is no longer above the stored one.
        earlier, later = passkey_assertion(), passkey_assertion()
        assert sign_count(later) > sign_count(earlier) > count
        client.webauthn.authenticate(public_key_credential=later)
        assert (
            error_type(
                lambda: client.webauthn.authenticate(
                    public_key_credential=earlier, session_duration_minutes=60
                )
            )
            == "unable_to_auth_webauthn_registration"
        )
        assert registrations(dev_keystile, user.user_id) == [(registration_id, sign_count(later))]
        assert len(client.sessions.get(user_id=user.user_id).sessions) == sessions_before

        # Listed, renamed, deleted; then the passkey signs nobody in.
        credentials = client.webauthn.list_credentials(user_id=user.user_id, domain=DOMAIN).credentials
        assert [(c.webauthn_registration_id, c.type) for c in credentials] == [
            (registration_id, "public-key")
        ]
        renamed = client.webauthn.update(webauthn_registration_id=registration_id, name="Laptop")
        assert renamed.webauthn_registration is not None and renamed.webauthn_registration.name == "Laptop"
        assert client.users.get(user_id=user.user_id).webauthn_registrations[0].name == "Laptop"
        deleted = client.users.delete_webauthn_registration(webauthn_registration_id=registration_id)
        assert deleted.user.webauthn_registrations == []
        assert (
            error_type(lambda: client.webauthn.authenticate(public_key_credential=passkey_assertion()))
            == "webauthn_registration_not_found"
        )


def test_webauthn_as_a_second_factor_and_a_disallowed_origin(
    dev_keystile: KeystileServer, project: dict[str, str], client: stytch.Client, page: Page, tmp_path: Path
) -> None:
    email = f"second-{uuid.uuid4().hex[:8]}@example.com"
    first = client.passwords.create(email=email, password=STRONG_PASSWORD, session_duration_minutes=60)
    with serving_page() as origin:
        allow(dev_keystile, project, origin)
        page.goto(origin)
        add_virtual_authenticator(page)
        registration_id = register_passkey(client, page, first.user_id).webauthn_registration_id

        def assertion_for_user() -> str:
            started = client.webauthn.authenticate_start(
                domain=DOMAIN, user_id=first.user_id, use_base64_url_encoding=True
            )
            assert started.user_id == first.user_id
            allowed = json.loads(started.public_key_credential_request_options)["allowCredentials"]
            assert len(allowed) == 1
            return get_credential(page, started.public_key_credential_request_options)

        # On top of the password session: the session gains the WebAuthn factor.
        upgraded = client.webauthn.authenticate(
            public_key_credential=assertion_for_user(), session_token=first.session_token
        )
        assert upgraded.session is not None and first.session is not None
        assert upgraded.session.session_id == first.session.session_id
        assert {f.type for f in upgraded.session.authentication_factors} == {"password", "webauthn"}
        save_screenshot(page, tmp_path, "webauthn-second-factor")

        # The page's origin no longer allowed (another port is): the assertion made on it is refused.
        allow(dev_keystile, project, "http://localhost:1", "add")
        allow(dev_keystile, project, origin, "remove")
        before = registrations(dev_keystile, first.user_id)
        assertion = assertion_for_user()
        assert (
            error_type(
                lambda: client.webauthn.authenticate(
                    public_key_credential=assertion, session_token=upgraded.session_token
                )
            )
            == "unable_to_auth_webauthn_registration"
        )
        assert registrations(dev_keystile, first.user_id) == before
        session = client.sessions.authenticate(session_token=upgraded.session_token).session
        assert sorted(f.type for f in session.authentication_factors) == ["password", "webauthn"]
        assert [r[0] for r in before] == [registration_id]
