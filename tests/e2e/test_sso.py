"""examples/b2b-discovery's SSO sign-in in Chromium, as Stytch's SSO backend guide has it: the app's
sign-in page, keystile's SSO start for the organization's default connection, a SAML IdP's login form
(pysaml2 on loopback), keystile's ACS, the app's /authenticate redeeming the token with
`sso.authenticate`, and the member's dashboard."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import stytch
from playwright.sync_api import Page, expect

from tests.e2e.apps import EXAMPLES, create_project, running_app, save_screenshot
from tests.sdk.test_b2b_sso_saml import active_connection
from tests.support.saml_idp import SamlIdP
from tests.support.server import KeystileServer, free_port, self_addressed

APP = EXAMPLES / "b2b-discovery" / "app.py"


@pytest.fixture(scope="module")
def sso_keystile(run_dir: Path) -> Iterator[KeystileServer]:
    """keystile on SQLite whose public URL is its own address, where the IdP sends the browser back."""
    server = self_addressed(f"sqlite:///{run_dir / 'e2e-sso.db'}", run_dir / "keystile-e2e-sso.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def idp() -> Iterator[SamlIdP]:
    provider = SamlIdP(login_form=True).start()
    yield provider
    provider.stop()


def test_sign_in_with_sso(sso_keystile: KeystileServer, idp: SamlIdP, page: Page, tmp_path: Path) -> None:
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    project = create_project(sso_keystile, "SSO e2e", "b2b", f"{app_url}/authenticate")
    b2b = stytch.B2BClient(
        project["project_id"], project["secret"], environment=sso_keystile.base_url, suppress_warnings=True
    )
    slug = f"acme-{uuid.uuid4().hex[:8]}"
    org = b2b.organizations.create(organization_name="Acme", organization_slug=slug).organization
    active_connection(b2b, idp, org.organization_id)
    email = f"ada@{slug}.example.com"
    env = {
        "STYTCH_PROJECT_ID": project["project_id"],
        "STYTCH_SECRET": project["secret"],
        "STYTCH_PUBLIC_TOKEN": project["public_token"],
        "STYTCH_BASE_URL": sso_keystile.base_url,
    }
    with running_app([sys.executable, str(APP)], port=port, env=env, log_path=tmp_path / "app.log"):
        page.goto(f"{app_url}/")
        page.get_by_label("Organization").fill(slug)
        page.get_by_role("button", name="Sign in with SSO").click()

        expect(page.get_by_role("heading")).to_have_text("Sign in to Loopback IdP")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill("correct horse battery staple")
        save_screenshot(page, tmp_path, "sso-idp-login")
        page.get_by_role("button", name="Sign in").click()

        expect(page).to_have_url(f"{app_url}/dashboard")
        expect(page.get_by_role("heading")).to_have_text(f"Welcome {email}! You're logged into the Acme org!")
        expect(page.locator("#organization-id")).to_have_text(org.organization_id)
        save_screenshot(page, tmp_path, "sso-dashboard")

    member = b2b.organizations.members.get(organization_id=org.organization_id, email_address=email).member
    assert member.status == "active" and member.email_address_verified
    assert [registration.external_id for registration in member.sso_registrations] == [email]
