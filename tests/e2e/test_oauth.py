"""examples/consumer-oauth's "Sign in with Google" in Chromium, as Stytch's OAuth backend guide has it:
the app's sign-in link to keystile's OAuth start, the provider's login form (oidc-provider-mock on
loopback standing in for Google, configured through the CLI's issuer override), keystile's callback,
the app's /authenticate redeeming the token with `oauth.authenticate`, and the signed-in page."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import stytch
from playwright.sync_api import Page, expect

from tests.e2e.apps import EXAMPLES, create_project, running_app, save_screenshot
from tests.support.oidc_provider import OidcProvider, oidc_provider
from tests.support.server import KeystileServer, Project, free_port, self_addressed

APP = EXAMPLES / "consumer-oauth" / "app.py"


@pytest.fixture(scope="module")
def oauth_keystile(run_dir: Path) -> Iterator[KeystileServer]:
    """keystile on SQLite (as the other browser tests: tests/sdk/test_oauth.py covers OAuth on every
    engine) whose public URL is its own address, where the provider sends the browser back."""
    server = self_addressed(
        f"sqlite:///{run_dir / 'e2e-oauth.db'}", run_dir / "keystile-e2e-oauth.log"
    ).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def google() -> Iterator[OidcProvider]:
    with oidc_provider() as provider:
        yield provider


def test_sign_in_with_google(
    oauth_keystile: KeystileServer, google: OidcProvider, page: Page, tmp_path: Path
) -> None:
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    made = create_project(oauth_keystile, "OAuth e2e", "consumer", f"{app_url}/authenticate")
    project = Project(made["project_id"], made["secret"], made["public_token"], "consumer", "test")
    google.configure(oauth_keystile, project)
    sub = f"ada-{uuid.uuid4().hex[:8]}"
    email = f"{sub}@example.com"
    google.set_user(sub, email=email, email_verified=True, name="Ada Lovelace")
    env = {
        "STYTCH_PROJECT_ID": project.project_id,
        "STYTCH_SECRET": project.secret,
        "STYTCH_PUBLIC_TOKEN": project.public_token,
        "STYTCH_BASE_URL": oauth_keystile.base_url,
    }
    with running_app([sys.executable, str(APP)], port=port, env=env, log_path=tmp_path / "app.log"):
        page.goto(f"{app_url}/")
        page.get_by_role("link", name="Sign in with Google").click()

        expect(page.get_by_role("heading")).to_have_text("Authorize Client")
        expect(page.get_by_text("google-client")).to_be_visible()
        page.get_by_placeholder("sub").fill(sub)
        save_screenshot(page, tmp_path, "oauth-provider-login")
        page.get_by_role("button", name="Authorize").click()

        expect(page).to_have_url(f"{app_url}/profile")
        expect(page.get_by_role("heading")).to_have_text(f"Welcome {email}!")
        expect(page.locator("#email")).to_have_text(f"{email} (verified)")
        expect(page.locator("#providers")).to_have_text(f"google ({sub})")
        save_screenshot(page, tmp_path, "oauth-profile")
        user_id = page.locator("#user-id").inner_text()

    client = stytch.Client(
        project.project_id, project.secret, environment=oauth_keystile.base_url, suppress_warnings=True
    )
    user = client.users.get(user_id=user_id)
    assert [(e.email, e.verified) for e in user.emails] == [(email, True)]
    assert [(p.provider_type, p.provider_subject) for p in user.providers] == [("google", sub)]
