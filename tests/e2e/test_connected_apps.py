"""examples/connected-apps in Chromium, as issue #23's acceptance has it: Authlib's OAuth 2.0 client (the
relying party) discovers the provider and sends the browser to the project's Authorization URL (the
example app) with PKCE S256 and a nonce; the app signs the user in by password, shows its consent
screen from `idp.oauth.authorize_start`, and on Allow calls `idp.oauth.authorize`, whose redirect
brings the code to the RP's callback on loopback. The RP then exchanges the code, verifies the ID token
from the JWKS, reads userinfo, refreshes, and revokes; the revoked refresh token is refused. On every
engine under test."""

from __future__ import annotations

import re
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import stytch
from playwright.sync_api import Page, expect

from tests.e2e.apps import EXAMPLES, create_project, running_app, save_screenshot
from tests.idp.conftest import SignedIn
from tests.idp.relying_party import (
    SCOPE,
    introspected,
    relying_party,
    token_error,
    verified_id_token,
)
from tests.support.loopback_json import loopback_json
from tests.support.server import KeystileServer, Project, free_port, self_addressed

APP = EXAMPLES / "connected-apps" / "app.py"


@pytest.fixture(scope="module")
def provider(database_url: str, run_dir: Path) -> Iterator[KeystileServer]:
    """keystile whose public URL is its own address (the discovery document names it)."""
    engine = database_url.split(":", 1)[0]
    server = self_addressed(database_url, run_dir / f"keystile-e2e-idp-{engine}.log").start()
    yield server
    server.stop()


def signed_up(keystile: KeystileServer, app_url: str) -> tuple[SignedIn, str]:
    """A consumer project whose Authorization URL is the app's, and a user with a password."""
    made = create_project(keystile, "Connected Apps e2e", "consumer", f"{app_url}/")
    keystile.cli_json(
        "projects",
        "connected-apps",
        "--project",
        made["project_id"],
        "--authorization-url",
        f"{app_url}/oauth/authorize",
        "--json",
    )
    project = Project(made["project_id"], made["secret"], made["public_token"], "consumer", "test")
    sdk = stytch.Client(
        project.project_id, project.secret, environment=keystile.base_url, suppress_warnings=True
    )
    email, password = f"ada-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(18)
    created = sdk.passwords.create(email=email, password=password)
    return SignedIn(project, sdk, created.user_id, email, created.session_token), password


def test_a_relying_party_signs_a_user_in_through_the_consent_page(
    provider: KeystileServer, engine_page: Page, tmp_path: Path
) -> None:
    page, port = engine_page, free_port()
    app_url = f"http://127.0.0.1:{port}"
    user, password = signed_up(provider, app_url)
    env = {
        "STYTCH_PROJECT_ID": user.project.project_id,
        "STYTCH_SECRET": user.project.secret,
        "STYTCH_BASE_URL": provider.base_url,
    }
    with (
        loopback_json({"/callback": lambda headers: (200, {"signed_in": True})}) as rp_site,
        running_app([sys.executable, str(APP)], port=port, env=env, log_path=tmp_path / "app.log"),
    ):
        callback = rp_site.url("/callback")
        app = user.sdk.connected_app.clients.create(
            client_type="third_party",
            client_name="Reports",
            client_description="Reads your monthly reports",
            redirect_urls=[callback],
        ).connected_app
        rp = relying_party(provider, user, app.client_id, app.client_secret, redirect=callback)
        assert rp.metadata["authorization_endpoint"] == f"{app_url}/oauth/authorize"
        verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
        url, state = rp.oauth.create_authorization_url(
            rp.metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
        )

        page.goto(url)
        expect(page.get_by_role("heading")).to_have_text("Sign in")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

        expect(page.get_by_role("heading")).to_have_text("Reports wants to access your account")
        expect(page.get_by_text("Reads your monthly reports")).to_be_visible()
        scopes = page.get_by_role("list", name="Requested scopes").locator("code")
        expect(scopes).to_have_text(SCOPE.split())
        save_screenshot(page, tmp_path, "connected-apps-consent")
        page.get_by_role("button", name="Allow").click()

        expect(page).to_have_url(re.compile(rf"^{re.escape(callback)}\?code="))
        redirect = page.url
    assert redirect.removeprefix(rp_site.base_url) in [path for path, _ in rp_site.seen]  # and a favicon

    token = rp.oauth.fetch_token(
        rp.metadata["token_endpoint"], authorization_response=redirect, code_verifier=verifier, state=state
    )
    claims = verified_id_token(rp, token["id_token"], nonce)
    assert (claims["sub"], claims["email"]) == (user.user_id, user.email)
    info = rp.oauth.get(rp.metadata["userinfo_endpoint"]).json()
    assert (info["sub"], info["email"]) == (user.user_id, user.email)
    granted = user.sdk.users.connected_apps(user.user_id).connected_apps
    assert [(g.connected_app_id, sorted(g.scopes_granted.split())) for g in granted] == [
        (app.client_id, sorted(SCOPE.split()))
    ]

    refreshed = rp.oauth.refresh_token(rp.metadata["token_endpoint"], refresh_token=token["refresh_token"])
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert introspected(user, refreshed["access_token"], app.client_id, app.client_secret) is not None
    revoked = rp.oauth.revoke_token(
        rp.metadata["revocation_endpoint"], token=refreshed["refresh_token"], token_type_hint="refresh_token"
    )
    assert revoked.status_code == 200
    refused = token_error(rp, grant_type="refresh_token", refresh_token=refreshed["refresh_token"])
    assert refused == "invalid_grant"
    assert introspected(user, refreshed["access_token"], app.client_id, app.client_secret) is None
