"""Stytch's pre-built login UI (`StytchUI`, the `<stytch-ui>` element of the published
`@stytch/vanilla-js`) in Chromium against keystile: it renders from keystile's bootstrap, sends an
email magic link for the typed address, and the link, opened on the app's page, signs in."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.apps import save_screenshot
from tests.e2e.vanilla import HOST, LOGIN_PATH, accepted_by_backend, link_in_dev_inbox
from tests.support.magic_links import new_address, token_of
from tests.support.server import KeystileServer, Project

# The README's way to mount the UI (`mountLogin` of 6.3.0 appends the element without its props).
MOUNT = f"""(args) => {{
    customElements.define("stytch-ui", stytch.StytchUI);
    window.client = stytch.createStytchClient(args.public_token, {{ customBaseUrl: "https://{HOST}" }});
    document.getElementById("login").render({{
        client: window.client,
        config: {{
            products: [stytch.Products.emailMagicLinks],
            emailMagicLinksOptions: {{
                loginRedirectURL: args.redirect_url,
                signupRedirectURL: args.redirect_url,
                loginExpirationMinutes: 30,
                signupExpirationMinutes: 30,
            }},
        }},
    }});
}}"""
# What the app's redirect page does with the link's token: the SDK's authenticate.
AUTHENTICATE = f"""async (args) => {{
    const client = stytch.createStytchClient(args.public_token, {{ customBaseUrl: "https://{HOST}" }});
    await client.magicLinks.authenticate(args.token, {{ session_duration_minutes: 60 }});
    const user = await client.user.get();
    document.getElementById("state").textContent = "signed in as " + user.emails[0].email;
    return {{ user, tokens: client.session.getTokens() }};
}}"""


def test_prebuilt_ui_signs_in_by_email_magic_link(
    tls_keystile: KeystileServer, sdk_project: Project, sdk_page: Page, app_origin: str, tmp_path: Path
) -> None:
    # A request the browser could not complete (a CORS refusal, a missing route's answer without
    # CORS headers) is what leaves the UI blank or stuck.
    failed: list[str] = []
    sdk_page.on("requestfailed", lambda request: failed.append(f"{request.method} {request.url}"))
    login_url = f"{app_origin}{LOGIN_PATH}"
    sdk_page.goto(login_url)
    sdk_page.evaluate(MOUNT, {"public_token": sdk_project.public_token, "redirect_url": login_url})
    expect(sdk_page.get_by_text("Sign up or log in")).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-ui-login")

    email = new_address("prebuilt-ui")
    sdk_page.get_by_placeholder("example@email.com").fill(email)
    sdk_page.get_by_role("button", name="Continue with email").click()
    expect(sdk_page.get_by_text("Check your email")).to_be_visible()
    expect(sdk_page.get_by_text(email)).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-ui-link-sent")

    link = link_in_dev_inbox(tls_keystile, sdk_project.project_id, sdk_project.secret, email)
    assert link.startswith(f"{login_url}?")
    sdk_page.goto(link)
    signed_in = sdk_page.evaluate(
        AUTHENTICATE, {"public_token": sdk_project.public_token, "token": token_of(link)}
    )
    expect(sdk_page.get_by_text(f"signed in as {email}")).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-ui-signed-in")
    assert signed_in["user"]["emails"][0] == {
        **signed_in["user"]["emails"][0],
        "email": email,
        "verified": True,
    }
    assert accepted_by_backend(tls_keystile, sdk_project, signed_in["tokens"]) == signed_in["user"]["user_id"]
    assert failed == []
