"""examples/b2b-discovery in Chromium: discovery magic link through the dev inbox, a new organization
named from the email's domain, the gated dashboard, a second login into that same organization, log
out, refused afterwards (also with the old session cookie)."""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.apps import EXAMPLES, click_link_in_dev_inbox, create_project, running_app, save_screenshot
from tests.support.server import KeystileServer, free_port

APP = EXAMPLES / "b2b-discovery" / "app.py"
LOGGED_OUT = "Log in to view this page."


def log_in(
    page: Page, app_url: str, keystile: KeystileServer, project: dict[str, str], email: str, nth: int
) -> None:
    page.goto(f"{app_url}/")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("status")).to_have_text("Success! Check your email")
    click_link_in_dev_inbox(page, keystile, project, email, nth_email=nth)
    expect(page).to_have_url(f"{app_url}/dashboard")


def test_discover_create_organization_log_in_again_log_out(
    dev_keystile: KeystileServer, page: Page, tmp_path: Path
) -> None:
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    project = create_project(dev_keystile, "B2B discovery e2e", "b2b", f"{app_url}/authenticate")
    env = {
        "STYTCH_PROJECT_ID": project["project_id"],
        "STYTCH_SECRET": project["secret"],
        "STYTCH_BASE_URL": dev_keystile.base_url,
    }
    domain = f"acme-{uuid.uuid4().hex[:8]}.example.com"
    email = f"ada@{domain}"
    with running_app([sys.executable, str(APP)], port=port, env=env, log_path=tmp_path / "app.log"):
        page.goto(f"{app_url}/dashboard")
        expect(page.get_by_role("heading")).to_have_text(LOGGED_OUT)

        # No organization yet: /authenticate creates one from the intermediate session token alone.
        log_in(page, app_url, dev_keystile, project, email, nth=1)
        organization = page.locator("#organization-name").inner_text()
        assert domain in organization
        expect(page.get_by_role("heading")).to_have_text(
            f"Welcome {email}! You're logged into the {organization} org!"
        )
        organization_id = page.locator("#organization-id").inner_text()
        save_screenshot(page, tmp_path, "b2b-discovery-dashboard")
        page.get_by_role("link", name="Log out").click()
        expect(page.get_by_role("heading")).to_have_text(LOGGED_OUT)

        # Now the email has an organization: the second login exchanges into that same one. A person
        # (or this test, on a fast machine) waits out the one-send-per-second limit per address.
        time.sleep(1.2)
        log_in(page, app_url, dev_keystile, project, email, nth=2)
        expect(page.locator("#organization-id")).to_have_text(organization_id)
        old_cookie = next(c for c in page.context.cookies() if c["name"] == "session")

        page.get_by_role("link", name="Log out").click()
        expect(page).to_have_url(f"{app_url}/dashboard")
        expect(page.get_by_role("heading")).to_have_text(LOGGED_OUT)
        page.reload()
        expect(page.get_by_role("heading")).to_have_text(LOGGED_OUT)
        # Logging out revoked the member session: the old session cookie, replayed, is refused too.
        replayed = httpx.get(f"{app_url}/dashboard", cookies={"session": old_cookie["value"]})
        assert LOGGED_OUT in replayed.text
