"""Stytch's pre-built login UI (`StytchUI`, the `<stytch-ui>` element of the published
`@stytch/vanilla-js`) in Chromium against keystile: it renders from keystile's bootstrap; with email
magic links it sends a link for the typed address, which, opened on the app's page, signs the new user
in; with email passcodes it sends a code, which typed into the UI signs that user in again; with text
message passcodes a new phone number signs up by the code texted to it."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
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
from tests.support.otps import CODE
from tests.support.server import KeystileServer, Project
from tests.support.sms_sink import new_phone_number

# What the app's redirect page does with the link's token: the SDK's authenticate.
AUTHENTICATE = f"""async (args) => {{
    const client = stytch.createStytchClient(args.public_token, {{ customBaseUrl: "https://{HOST}" }});
    await client.magicLinks.authenticate(args.token, {{ session_duration_minutes: 60 }});
    const user = await client.user.get();
    document.getElementById("state").textContent = "signed in as " + user.emails[0].email;
    return {{ user, tokens: client.session.getTokens() }};
}}"""


def code_in_dev_inbox(keystile: KeystileServer, project: Project, to: str) -> str:
    deadline = time.monotonic() + 15
    while True:
        messages = httpx.get(
            f"{keystile.base_url}dev/inbox.json", auth=(project.project_id, project.secret), verify=False
        ).json()
        codes = [CODE.search(m["body_text"]) for m in messages if m["to"] == to and not m["links"]]
        if codes and codes[0] is not None:
            return codes[0].group(1)
        assert time.monotonic() < deadline, f"no passcode to {to} in the dev inbox"
        time.sleep(0.1)


def test_prebuilt_ui_signs_up_by_email_magic_link_and_back_in_by_email_passcode(
    tls_keystile: KeystileServer, sdk_project: Project, sdk_page: Page, app_origin: str, tmp_path: Path
) -> None:
    # A request to keystile the browser could not complete (a CORS refusal, a missing route's answer
    # without CORS headers) is what leaves the UI blank or stuck.
    failed: list[str] = []
    sdk_page.on("requestfailed", lambda request: failed.append(f"{request.method} {request.url}"))
    login_url = f"{app_origin}{LOGIN_PATH}"
    email = new_address("prebuilt-ui")

    links = {"loginRedirectURL": login_url, "signupRedirectURL": login_url, "loginExpirationMinutes": 30}
    mount(sdk_page, login_url, sdk_project, ["emailMagicLinks"], {"emailMagicLinksOptions": links})
    save_screenshot(sdk_page, tmp_path, "prebuilt-ui-login")
    send_to(sdk_page, email)
    expect(sdk_page.get_by_text("Check your email")).to_be_visible()
    expect(sdk_page.get_by_text(email)).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-ui-link-sent")

    link = link_in_dev_inbox(tls_keystile, sdk_project.project_id, sdk_project.secret, email)
    assert link.startswith(f"{login_url}?")
    sdk_page.goto(link)
    signed_up = sdk_page.evaluate(
        AUTHENTICATE, {"public_token": sdk_project.public_token, "token": token_of(link)}
    )
    expect(sdk_page.get_by_text(f"signed in as {email}")).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-ui-signed-in")
    user_id = signed_up["user"]["user_id"]
    assert signed_up["user"]["emails"][0] == {
        **signed_up["user"]["emails"][0],
        "email": email,
        "verified": True,
    }
    assert accepted_by_backend(tls_keystile, sdk_project, signed_up["tokens"]) == user_id

    mount(
        sdk_page,
        login_url,
        sdk_project,
        ["otp"],
        {"otpOptions": {"methods": ["email"], "expirationMinutes": 10}},
    )
    sdk_page.evaluate(SIGN_OUT)
    send_to(sdk_page, email)
    expect(sdk_page.get_by_text("Enter passcode")).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-ui-passcode-sent")
    sdk_page.get_by_role("textbox").first.click()
    sdk_page.keyboard.type(code_in_dev_inbox(tls_keystile, sdk_project, email))
    expect(sdk_page.get_by_text("Your passcode has been successfully verified")).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-ui-passcode-verified")
    tokens = sdk_page.evaluate("() => window.client.session.getTokens()")
    assert tokens["session_token"] != signed_up["tokens"]["session_token"]
    assert accepted_by_backend(tls_keystile, sdk_project, tokens) == user_id

    # The OTP UI also loads Stytch's phone-number helper from js.stytch.com (`endpoints.
    # clientsideServicesIframeURL`), which this offline browser cannot reach; it serves SMS only.
    assert [request for request in failed if HOST in request] == []


def test_prebuilt_ui_signs_up_by_text_message_passcode(
    tls_keystile: KeystileServer, sdk_project: Project, sdk_page: Page, app_origin: str, tmp_path: Path
) -> None:
    phone_number = new_phone_number()
    otp = {"otpOptions": {"methods": ["sms"], "expirationMinutes": 10}}
    mount(sdk_page, f"{app_origin}{LOGIN_PATH}", sdk_project, ["otp"], otp)
    # The UI formats the number with Stytch's phone-number helper (js.stytch.com, out of this offline
    # browser's reach): it keeps the digits typed only when that gives up (10 s), and on submit sends
    # the country's code and those digits when it gives up again (2 s).
    sdk_page.get_by_label("Phone number").fill(phone_number.removeprefix("+1"))
    sdk_page.wait_for_timeout(10_500)
    sdk_page.get_by_role("button", name="Continue with text message").click()
    expect(sdk_page.get_by_text("Enter passcode")).to_be_visible()
    save_screenshot(sdk_page, tmp_path, "prebuilt-ui-sms-passcode-sent")
    sdk_page.get_by_role("textbox").first.click()
    sdk_page.keyboard.type(code_in_dev_inbox(tls_keystile, sdk_project, phone_number))
    expect(sdk_page.get_by_text("Your passcode has been successfully verified")).to_be_visible()
    tokens = sdk_page.evaluate("() => window.client.session.getTokens()")
    user_id = accepted_by_backend(tls_keystile, sdk_project, tokens)
    user = backend_of(tls_keystile, sdk_project, stytch.Client).users.get(user_id=user_id)
    assert [(p.phone_number, p.verified) for p in user.phone_numbers] == [(phone_number, True)]
