"""Device Fingerprinting with a real browser: an app's page in headless Chromium (driven by Playwright)
loads keystile's `/dfp/telemetry.js` and gets a telemetry id; the app's backend (the official Python
SDK) looks it up and sees the automation (`navigator.webdriver`); with the automation flags overridden
to ALLOW, a BLOCK rule on the browser's visitor id still blocks it."""

from __future__ import annotations

import stytch
from playwright.sync_api import Page

from tests.e2e.conftest import sdk_enabled_project
from tests.support.server import KeystileServer

GET_TELEMETRY_ID = "publicToken => KeystileDFP.getTelemetryID(publicToken)"


def test_headless_chromium_is_seen_as_automation_and_a_block_rule_decides(
    dev_keystile: KeystileServer, app_origin: str, page: Page
) -> None:
    project = sdk_enabled_project(dev_keystile, app_origin, "consumer", "/authenticate")
    backend = stytch.Client(
        project.project_id,
        project.secret,
        environment=dev_keystile.base_url,
        fraud_environment=dev_keystile.base_url,
        suppress_warnings=True,
    )
    page.goto(app_origin)
    page.add_script_tag(url=f"{dev_keystile.base_url}dfp/telemetry.js")
    assert page.evaluate("navigator.webdriver") is True

    found = backend.fraud.fingerprint.lookup(
        telemetry_id=page.evaluate(GET_TELEMETRY_ID, project.public_token)
    )
    verdict = found.verdict
    assert verdict.action == "BLOCK"
    assert "HEADLESS_BROWSER_AUTOMATION" in verdict.reasons
    assert "USER_AGENT_DECEPTION" not in verdict.reasons  # the script reports the browser's own user agent
    assert verdict.is_authentic_device is False
    assert found.properties is not None
    assert "Chrome" in found.properties.browser_properties.user_agent
    # The visitor id is kept in the page's first-party cookie: the next telemetry is the same visitor's.
    assert f"keystile_dfp_visitor={found.fingerprints.visitor_id}" in page.evaluate("document.cookie")

    for reason in verdict.reasons:
        backend.fraud.verdict_reasons.override(verdict_reason=reason, override_action="ALLOW")
    again = backend.fraud.fingerprint.lookup(
        telemetry_id=page.evaluate(GET_TELEMETRY_ID, project.public_token)
    )
    assert again.fingerprints == found.fingerprints
    assert again.verdict.action == "ALLOW"

    backend.fraud.rules.set(action="BLOCK", visitor_id=found.fingerprints.visitor_id, description="a bot")
    blocked = backend.fraud.fingerprint.lookup(
        telemetry_id=page.evaluate(GET_TELEMETRY_ID, project.public_token)
    ).verdict
    assert (blocked.action, blocked.reasons[0]) == ("BLOCK", "RULE_MATCH")
    assert (blocked.rule_match_type, blocked.rule_match_identifier) == (
        "VISITOR_ID",
        found.fingerprints.visitor_id,
    )
