"""Stytch's B2B pre-built login UI (`StytchB2B`, the `<stytch-b2b>` element of the published
`@stytch/vanilla-js`) in Chromium against keystile, in its discovery flow: the typed address gets a
discovery magic link; the link, opened on the app's page, lists the organizations the address belongs
to; choosing one signs the member in, with a member session the backend (the official Python SDK)
accepts in that organization."""

from __future__ import annotations

import uuid
from pathlib import Path

import stytch
from playwright.sync_api import Page, expect

from tests.e2e.apps import save_screenshot
from tests.e2e.vanilla import B2B_LOGIN_PATH, HOST, backend_of, link_in_dev_inbox
from tests.support.magic_links import token_of
from tests.support.server import KeystileServer, Project

# The README's way to mount the B2B UI, in the discovery flow with email magic links only.
MOUNT = f"""(args) => {{
    customElements.define("stytch-b2b", stytch.StytchB2B);
    window.client = stytch.createStytchB2BClient(args.public_token, {{ customBaseUrl: "https://{HOST}" }});
    document.getElementById("login").render({{
        client: window.client,
        config: {{
            products: [stytch.B2BProducts.emailMagicLinks],
            authFlowType: stytch.AuthFlowType.Discovery,
            sessionOptions: {{ sessionDurationMinutes: 60 }},
            emailMagicLinksOptions: {{ discoveryRedirectURL: args.redirect_url }},
        }},
    }});
}}"""


def mount(page: Page, url: str, project: Project, redirect_url: str) -> None:
    page.goto(url)
    page.evaluate(MOUNT, {"public_token": project.public_token, "redirect_url": redirect_url})


def test_prebuilt_b2b_ui_discovers_the_members_organizations_and_signs_into_the_chosen_one(
    tls_keystile: KeystileServer, b2b_sdk_project: Project, sdk_page: Page, app_origin: str, tmp_path: Path
) -> None:
    # A request to keystile the browser could not complete (a CORS refusal, a missing route's answer
    # without CORS headers) is what leaves the UI blank or stuck.
    failed: list[str] = []
    sdk_page.on("requestfailed", lambda request: failed.append(f"{request.method} {request.url}"))
    backend = backend_of(tls_keystile, b2b_sdk_project, stytch.B2BClient)
    email = f"ada@{uuid.uuid4().hex[:10]}.example.com"
    organizations = {}
    for name in ("Acme Rockets", "Globex Widgets"):
        made = backend.organizations.create(organization_name=name).organization
        backend.organizations.members.create(organization_id=made.organization_id, email_address=email)
        organizations[name] = made.organization_id
    login_url = f"{app_origin}{B2B_LOGIN_PATH}"

    mount(sdk_page, login_url, b2b_sdk_project, login_url)
    expect(sdk_page.get_by_text("Sign up or log in")).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-b2b-ui-login")
    sdk_page.get_by_placeholder("example@email.com").fill(email)
    sdk_page.get_by_role("button", name="Continue with email").click()
    expect(sdk_page.get_by_text("Check your email")).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-b2b-ui-link-sent")

    link = link_in_dev_inbox(tls_keystile, b2b_sdk_project.project_id, b2b_sdk_project.secret, email)
    assert link.startswith(f"{login_url}?")
    token_of(link, "discovery")
    # The UI on the link's page authenticates its token and lists the address's organizations.
    mount(sdk_page, link, b2b_sdk_project, login_url)
    expect(sdk_page.get_by_text("Select an organization to continue")).to_be_visible()
    for name in organizations:
        expect(sdk_page.get_by_role("button", name=name)).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-b2b-ui-organizations")

    sdk_page.get_by_role("button", name="Globex Widgets").click()
    expect(sdk_page.get_by_text("You have successfully logged in.")).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-b2b-ui-signed-in")
    tokens = sdk_page.evaluate("() => window.client.session.getTokens()")
    by_token = backend.sessions.authenticate(session_token=tokens["session_token"])
    assert by_token.member.email_address == email
    assert by_token.organization.organization_id == organizations["Globex Widgets"]
    by_jwt = backend.sessions.authenticate(session_jwt=tokens["session_jwt"])
    assert by_jwt.member_session.member_session_id == by_token.member_session.member_session_id
    # The SDK's own view of the session, refreshed through keystile.
    member = sdk_page.evaluate("async () => (await window.client.session.authenticate()).member")
    assert member["member_id"] == by_token.member.member_id

    assert [request for request in failed if HOST in request] == []
