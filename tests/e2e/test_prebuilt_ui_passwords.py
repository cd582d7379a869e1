"""Stytch's pre-built login UI (`<stytch-ui>` of the published `@stytch/vanilla-js`) configured with
passwords, in Chromium against keystile: a new address signs up by setting a password (its strength
checked as it is typed), then signs back in by it; an account without a password is sent a reset link,
which opened on the app's page (`<stytch-reset-password>`) sets one and signs the user in. The app's
backend (official Python SDK) accepts each session."""

from __future__ import annotations

from pathlib import Path

import stytch
from playwright.sync_api import Page, expect

from tests.e2e.apps import save_screenshot
from tests.e2e.vanilla import (
    HOST,
    LOGIN_PATH,
    SIGN_OUT,
    accepted_by_backend,
    backend_of,
    link_in_dev_inbox,
    mount,
    send_to,
)
from tests.support.magic_links import new_address, token_of
from tests.support.server import KeystileServer, Project

PASSWORD = "correct-horse-battery-staple-9"
NEW_PASSWORD = "another-horse-battery-staple-7"
SIGNED_IN = "You have successfully logged in."
TOKENS = "() => window.client.session.getTokens()"
# What the app's reset page does: `<stytch-reset-password>`, which reads the link's token from the URL.
MOUNT_RESET = f"""(args) => {{
    customElements.define("stytch-reset-password", stytch.StytchResetPassword);
    window.client = stytch.createStytchClient(args.public_token, {{ customBaseUrl: "https://{HOST}" }});
    const reset = document.createElement("stytch-reset-password");
    document.body.appendChild(reset);
    const config = {{ products: [stytch.Products.passwords], ...args.options }};
    reset.render({{ client: window.client, config }});
}}"""


def type_password(page: Page, password: str) -> None:
    """Types a new password; the UI enables its button once `passwords/strength_check` finds it valid."""
    page.get_by_label("Password", exact=True).fill(password)
    expect(page.get_by_role("button", name="Continue", exact=True)).to_be_enabled()
    page.get_by_role("button", name="Continue", exact=True).click()


def test_prebuilt_ui_signs_up_by_password_and_back_in_by_it(
    tls_keystile: KeystileServer, sdk_project: Project, sdk_page: Page, app_origin: str, tmp_path: Path
) -> None:
    failed: list[str] = []
    sdk_page.on("requestfailed", lambda request: failed.append(f"{request.method} {request.url}"))
    login_url = f"{app_origin}{LOGIN_PATH}"
    options = {"passwordOptions": {"loginRedirectURL": login_url, "resetPasswordRedirectURL": login_url}}
    email = new_address("prebuilt-password")

    mount(sdk_page, login_url, sdk_project, ["passwords"], options)
    save_screenshot(sdk_page, tmp_path, "prebuilt-ui-passwords")
    send_to(sdk_page, email)
    # users/search answered `new`: the UI asks for a password for the new account.
    expect(sdk_page.get_by_text("Set a password")).to_be_visible()
    type_password(sdk_page, PASSWORD)
    expect(sdk_page.get_by_text(SIGNED_IN)).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-ui-password-signed-up")
    signed_up = sdk_page.evaluate(TOKENS)
    user_id = accepted_by_backend(tls_keystile, sdk_project, signed_up)
    user = backend_of(tls_keystile, sdk_project, stytch.Client).users.get(user_id=user_id)
    assert [e.email for e in user.emails] == [email]
    assert user.password is not None

    sdk_page.evaluate(SIGN_OUT)
    mount(sdk_page, login_url, sdk_project, ["passwords"], options)
    send_to(sdk_page, email)
    # users/search answered `password`: the UI asks for it.
    expect(sdk_page.get_by_text("Log in", exact=True)).to_be_visible()
    sdk_page.get_by_label("Password", exact=True).fill("not-" + PASSWORD)
    sdk_page.get_by_role("button", name="Continue", exact=True).click()
    # keystile refuses it with Stytch's error type, which the UI shows in its own words.
    expect(sdk_page.get_by_text("Unauthorized credentials.")).to_be_visible()
    sdk_page.get_by_label("Password", exact=True).fill(PASSWORD)
    sdk_page.get_by_role("button", name="Continue", exact=True).click()
    expect(sdk_page.get_by_text(SIGNED_IN)).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-ui-password-signed-in")
    signed_in = sdk_page.evaluate(TOKENS)
    assert signed_in["session_token"] != signed_up["session_token"]
    assert accepted_by_backend(tls_keystile, sdk_project, signed_in) == user_id
    assert [request for request in failed if HOST in request] == []


def test_prebuilt_ui_sets_a_first_password_by_emailed_reset_link(
    tls_keystile: KeystileServer, sdk_project: Project, sdk_page: Page, app_origin: str, tmp_path: Path
) -> None:
    login_url = f"{app_origin}{LOGIN_PATH}"
    options = {"passwordOptions": {"loginRedirectURL": login_url, "resetPasswordRedirectURL": login_url}}
    email = new_address("prebuilt-passwordless")
    user_id = backend_of(tls_keystile, sdk_project, stytch.Client).users.create(email=email).user_id

    mount(sdk_page, login_url, sdk_project, ["passwords"], options)
    send_to(sdk_page, email)
    # users/search answered `passwordless`: with no other product, the UI emails a reset link at once.
    expect(sdk_page.get_by_text("Check your email")).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-ui-password-reset-sent")
    link = link_in_dev_inbox(tls_keystile, sdk_project.project_id, sdk_project.secret, email)
    assert link.startswith(f"{login_url}?") and token_of(link, "reset_password")

    sdk_page.goto(link)
    sdk_page.evaluate(MOUNT_RESET, {"public_token": sdk_project.public_token, "options": options})
    expect(sdk_page.get_by_text("Reset your password")).to_be_visible()
    type_password(sdk_page, NEW_PASSWORD)
    expect(sdk_page.get_by_text(SIGNED_IN)).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-ui-password-reset")
    assert accepted_by_backend(tls_keystile, sdk_project, sdk_page.evaluate(TOKENS)) == user_id
    backend = backend_of(tls_keystile, sdk_project, stytch.Client)
    assert backend.passwords.authenticate(email=email, password=NEW_PASSWORD).user_id == user_id
