"""Device Fingerprinting through the official SDK's `fraud` client: telemetry posted to the collector
(`/sdk/v1/dfp/telemetry`) as keystile's script posts it, then `fingerprint.lookup` (fingerprints,
warning flags and verdict), `rules.set`/`list` changing the verdict, `verdict_reasons.list`/`override`;
and the refusals of bad input. The same telemetry from a real headless Chromium is tests/e2e's."""

from __future__ import annotations

import base64
import re
import uuid
from typing import Any

import httpx
import pytest
import stytch

from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project

ORIGIN = "http://localhost:3000"
CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
BROWSER: dict[str, Any] = {
    "user_agent": CHROME,
    "languages": ["en-GB", "en"],
    "timezone": "Europe/London",
    "platform": "Linux x86_64",
    "screen_width": 1920,
    "screen_height": 1080,
    "color_depth": 24,
    "pixel_ratio": 1.0,
    "hardware_concurrency": 8,
    "device_memory": 8.0,
    "touch_points": 0,
    "webdriver": False,
    "plugins_count": 5,
    "has_chrome_object": True,
    "webgl_vendor": "Google Inc. (Intel)",
    "webgl_renderer": "ANGLE (Intel, Mesa Intel(R) UHD Graphics 620, OpenGL 4.6)",
}


@pytest.fixture
def dfp_project(server: KeystileServer) -> Project:
    project = server.create_project()
    server.cli_json(
        "projects",
        "sdk",
        "--project",
        project.project_id,
        "--enable",
        "--authorized-domain",
        ORIGIN,
        "--json",
    )
    return project


@pytest.fixture
def fraud(server: KeystileServer, dfp_project: Project) -> stytch.Client:
    return stytch.Client(
        dfp_project.project_id,
        dfp_project.secret,
        environment=server.base_url,
        fraud_environment=server.base_url,
        suppress_warnings=True,
    )


def post_telemetry(
    server: KeystileServer,
    project: Project,
    *,
    header: str | None = None,
    origin: str = ORIGIN,
    **signals: Any,
) -> httpx.Response:
    """Posts BROWSER's signals changed by `signals`, with the User-Agent header `header` (by default the
    user agent the signals report)."""
    body = {**BROWSER, **signals}
    basic = base64.b64encode(f"{project.public_token}:{project.public_token}".encode()).decode()
    return httpx.post(
        f"{server.base_url}sdk/v1/dfp/telemetry",
        json=body,
        headers={
            "Authorization": f"Basic {basic}",
            "Origin": origin,
            "User-Agent": header or body["user_agent"],
        },
    )


def telemetry_id(server: KeystileServer, project: Project, **signals: Any) -> str:
    answer = post_telemetry(server, project, **signals)
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    return str(answer.json()["data"]["telemetry_id"])


def test_an_ordinary_browser_is_allowed_and_fingerprinted(
    server: KeystileServer, dfp_project: Project, fraud: stytch.Client
) -> None:
    found = fraud.fraud.fingerprint.lookup(
        telemetry_id=telemetry_id(server, dfp_project),
        external_metadata={"external_id": "user-1@example.com"},
    )
    assert (found.verdict.action, found.verdict.reasons, found.verdict.is_authentic_device) == (
        "ALLOW",
        [],
        True,
    )
    assert found.verdict.detected_device_type == "LINUX"
    prints = found.fingerprints
    for name, prefix in (
        ("visitor_id", "visitor"),
        ("browser_id", "browser-id"),
        ("visitor_fingerprint", "visitor-fingerprint"),
        ("browser_fingerprint", "browser-fingerprint"),
        ("hardware_fingerprint", "hardware-fingerprint"),
        ("network_fingerprint", "network-fingerprint"),
    ):
        assert re.fullmatch(f"{prefix}-[0-9a-f-]{{36}}", str(getattr(prints, name))), name
    assert found.external_metadata.external_id == "user-1@example.com"
    assert found.properties is not None
    assert found.properties.network_properties.ip_address == "127.0.0.1"
    assert found.properties.browser_properties.user_agent == CHROME
    assert found.expires_at > found.created_at


def test_a_returning_visitor_keeps_its_ids_and_fingerprints(
    server: KeystileServer, dfp_project: Project, fraud: stytch.Client
) -> None:
    first = fraud.fraud.fingerprint.lookup(telemetry_id=telemetry_id(server, dfp_project)).fingerprints
    again = fraud.fraud.fingerprint.lookup(
        telemetry_id=telemetry_id(server, dfp_project, visitor_id=first.visitor_id)
    ).fingerprints
    assert again == first
    # A new visitor on the same device: a new visitor id and browser id, the same device fingerprints.
    other = fraud.fraud.fingerprint.lookup(telemetry_id=telemetry_id(server, dfp_project)).fingerprints
    assert (other.visitor_id, other.browser_id) != (first.visitor_id, first.browser_id)
    assert other.hardware_fingerprint == first.hardware_fingerprint
    # Another screen: another hardware fingerprint.
    moved = fraud.fraud.fingerprint.lookup(telemetry_id=telemetry_id(server, dfp_project, screen_width=1280))
    assert moved.fingerprints.hardware_fingerprint != first.hardware_fingerprint


def test_a_telemetry_id_is_reusable_but_only_by_its_project(
    server: KeystileServer, dfp_project: Project, fraud: stytch.Client
) -> None:
    found = telemetry_id(server, dfp_project)
    assert fraud.fraud.fingerprint.lookup(telemetry_id=found).telemetry_id == found
    assert fraud.fraud.fingerprint.lookup(telemetry_id=found).telemetry_id == found
    stranger = server.create_project()
    other = stytch.Client(
        stranger.project_id,
        stranger.secret,
        environment=server.base_url,
        fraud_environment=server.base_url,
        suppress_warnings=True,
    )
    assert error_type(lambda: other.fraud.fingerprint.lookup(telemetry_id=found)) == "telemetry_id_not_found"
    for unknown in (str(uuid.uuid4()), "not-a-telemetry-id", ""):
        assert (
            error_type(lambda unknown=unknown: fraud.fraud.fingerprint.lookup(telemetry_id=unknown))
            == "telemetry_id_not_found"
        )


@pytest.mark.parametrize(
    ("signals", "action", "reasons"),
    [
        ({"webdriver": True}, "BLOCK", ["HEADLESS_BROWSER_AUTOMATION"]),
        (
            {"user_agent": CHROME.replace("Chrome/", "HeadlessChrome/")},
            "BLOCK",
            ["HEADLESS_BROWSER_AUTOMATION"],
        ),
        (
            {"webgl_renderer": "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device))"},
            "CHALLENGE",
            ["VIRTUAL_MACHINE"],
        ),
        (
            {"webdriver": True, "webgl_renderer": "llvmpipe (LLVM 15.0.6, 256 bits)"},
            "BLOCK",
            ["HEADLESS_BROWSER_AUTOMATION", "VIRTUAL_MACHINE"],
        ),
    ],
)
def test_warning_flags_set_the_verdict(
    server: KeystileServer,
    dfp_project: Project,
    fraud: stytch.Client,
    signals: dict[str, Any],
    action: str,
    reasons: list[str],
) -> None:
    found = telemetry_id(server, dfp_project, **signals)
    verdict = fraud.fraud.fingerprint.lookup(telemetry_id=found).verdict
    assert (verdict.action, verdict.reasons) == (action, reasons)
    assert verdict.is_authentic_device == ("HEADLESS_BROWSER_AUTOMATION" not in reasons)


def test_a_user_agent_unlike_the_requests_is_deception(
    server: KeystileServer, dfp_project: Project, fraud: stytch.Client
) -> None:
    answer = post_telemetry(server, dfp_project, header="curl/8.5.0")
    verdict = fraud.fraud.fingerprint.lookup(telemetry_id=answer.json()["data"]["telemetry_id"]).verdict
    assert (verdict.action, verdict.reasons, verdict.is_authentic_device) == (
        "BLOCK",
        ["USER_AGENT_DECEPTION"],
        False,
    )


def test_verdict_reason_overrides_change_the_action(
    server: KeystileServer, dfp_project: Project, fraud: stytch.Client
) -> None:
    reasons = fraud.fraud.verdict_reasons.list().verdict_reason_actions
    defaults = {r.verdict_reason: r.default_action.value for r in reasons}
    assert defaults == {
        "HEADLESS_BROWSER_AUTOMATION": "BLOCK",
        "USER_AGENT_DECEPTION": "BLOCK",
        "VIRTUAL_MACHINE": "CHALLENGE",
    }
    assert all(r.override_action is None for r in reasons)
    assert fraud.fraud.verdict_reasons.list(overrides_only=True).verdict_reason_actions == []

    set_ = fraud.fraud.verdict_reasons.override(
        verdict_reason="VIRTUAL_MACHINE", override_action="ALLOW", override_description="enterprise VDI"
    ).verdict_reason_action
    assert (set_.default_action.value, set_.override_action.value, set_.override_description) == (
        "CHALLENGE",
        "ALLOW",
        "enterprise VDI",
    )
    assert set_.override_created_at is not None
    vm = telemetry_id(server, dfp_project, webgl_renderer="SwiftShader")
    verdict = fraud.fraud.fingerprint.lookup(telemetry_id=vm).verdict
    assert (verdict.action, verdict.reasons) == ("ALLOW", ["VIRTUAL_MACHINE"])
    assert [(o.verdict_reason, o.override_action.value) for o in verdict.verdict_reason_overrides] == [
        ("VIRTUAL_MACHINE", "ALLOW")
    ]
    only = fraud.fraud.verdict_reasons.list(overrides_only=True).verdict_reason_actions
    assert [r.verdict_reason for r in only] == ["VIRTUAL_MACHINE"]

    cleared = fraud.fraud.verdict_reasons.override(verdict_reason="VIRTUAL_MACHINE", override_action="NONE")
    assert cleared.verdict_reason_action.override_action is None
    assert fraud.fraud.fingerprint.lookup(telemetry_id=vm).verdict.action == "CHALLENGE"


def test_rules_override_the_verdict_in_stytchs_order(
    server: KeystileServer, dfp_project: Project, fraud: stytch.Client
) -> None:
    bot = telemetry_id(server, dfp_project, webdriver=True)
    prints = fraud.fraud.fingerprint.lookup(telemetry_id=bot).fingerprints
    rules = fraud.fraud.rules

    set_ = rules.set(action="ALLOW", visitor_id=prints.visitor_id, description="our own crawler")
    assert (set_.action.value, set_.visitor_id, set_.expires_at) == ("ALLOW", prints.visitor_id, None)
    verdict = fraud.fraud.fingerprint.lookup(telemetry_id=bot).verdict
    assert (verdict.action, verdict.reasons) == ("ALLOW", ["RULE_MATCH", "HEADLESS_BROWSER_AUTOMATION"])
    assert (verdict.rule_match_type, verdict.rule_match_identifier) == ("VISITOR_ID", prints.visitor_id)

    # A visitor id rule takes precedence over a hardware fingerprint rule.
    rules.set(action="BLOCK", hardware_fingerprint=prints.hardware_fingerprint)
    assert fraud.fraud.fingerprint.lookup(telemetry_id=bot).verdict.action == "ALLOW"
    rules.set(action="NONE", visitor_id=prints.visitor_id)
    verdict = fraud.fraud.fingerprint.lookup(telemetry_id=bot).verdict
    assert (verdict.action, verdict.rule_match_type) == ("BLOCK", "HARDWARE_FINGERPRINT")
    rules.set(action="NONE", hardware_fingerprint=prints.hardware_fingerprint)

    # Among CIDR blocks the smallest decides.
    rules.set(action="BLOCK", cidr_block="127.0.0.0/24")
    rules.set(action="CHALLENGE", cidr_block="127.0.0.1")
    ordinary = telemetry_id(server, dfp_project)
    verdict = fraud.fraud.fingerprint.lookup(telemetry_id=ordinary).verdict
    assert (verdict.action, verdict.rule_match_type, verdict.rule_match_identifier) == (
        "CHALLENGE",
        "CIDR_BLOCK",
        "127.0.0.1/32",
    )
    rules.set(action="NONE", cidr_block="127.0.0.1/32")
    assert fraud.fraud.fingerprint.lookup(telemetry_id=ordinary).verdict.action == "BLOCK"


def test_rules_are_listed_page_by_page_and_updated_in_place(fraud: stytch.Client) -> None:
    rules = fraud.fraud.rules
    rules.set(action="BLOCK", country_code="kp", description="sanctions")
    rules.set(action="CHALLENGE", asn="64512", expires_in_minutes=60)
    rules.set(action="BLOCK", cidr_block="10.1.0.0/16")
    rules.set(action="CHALLENGE", country_code="KP")
    seen, cursor = [], None
    while True:
        page = rules.list(limit=2, **({"cursor": cursor} if cursor else {}))
        assert len(page.rules) <= 2
        seen.extend(page.rules)
        cursor = page.next_cursor
        if not cursor:
            break
    assert [(r.rule_type.value, r.action.value) for r in seen] == [
        ("COUNTRY_CODE", "CHALLENGE"),
        ("ASN", "CHALLENGE"),
        ("CIDR_BLOCK", "BLOCK"),
    ]
    country, asn, cidr = seen
    assert (country.country_code, country.description, country.last_updated_at is not None) == (
        "KP",
        None,
        True,
    )
    assert (asn.asn, asn.expires_at is not None, cidr.cidr_block) == ("64512", True, "10.1.0.0/16")
    assert rules.list().next_cursor == ""


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"action": "DENY", "visitor_id": f"visitor-{uuid.uuid4()}"}, "invalid_action_for_rules"),
        ({"action": "BLOCK"}, "dfp_rule_identifier_count"),
        ({"action": "BLOCK", "asn": "1", "country_code": "FR"}, "dfp_rule_identifier_count"),
        ({"action": "BLOCK", "visitor_id": "visitor-123"}, "invalid_fingerprint_or_id"),
        ({"action": "BLOCK", "browser_fingerprint": f"visitor-{uuid.uuid4()}"}, "invalid_fingerprint_or_id"),
        ({"action": "BLOCK", "cidr_block": "300.1.2.3"}, "invalid_cidr_block"),
        ({"action": "BLOCK", "cidr_block": "10.0.0.0/8"}, "cidr_block_invalid_prefix"),
        ({"action": "BLOCK", "asn": "AS123"}, "invalid_asn"),
        ({"action": "BLOCK", "asn": "4294967296"}, "invalid_asn"),
        ({"action": "BLOCK", "country_code": "XX"}, "invalid_country_code"),
        ({"action": "ALLOW", "country_code": "FR"}, "invalid_country_code_allow_rule"),
        ({"action": "BLOCK", "asn": "1", "expires_in_minutes": 0}, "invalid_argument"),
    ],
)
def test_bad_rules_are_refused(fraud: stytch.Client, arguments: dict[str, Any], expected: str) -> None:
    assert error_type(lambda: fraud.fraud.rules.set(**arguments)) == expected


def test_bad_lists_overrides_and_metadata_are_refused(
    server: KeystileServer, dfp_project: Project, fraud: stytch.Client
) -> None:
    assert error_type(lambda: fraud.fraud.rules.list(cursor="bm90IGEgY3Vyc29y")) == "dfp_rule_invalid_cursor"
    assert error_type(lambda: fraud.fraud.rules.list(limit=0)) == "invalid_limit"
    reasons = fraud.fraud.verdict_reasons
    assert error_type(lambda: reasons.override(verdict_reason="RULE_MATCH", override_action="ALLOW")) == (
        "invalid_verdict_reason"
    )
    assert error_type(
        lambda: reasons.override(verdict_reason="VIRTUAL_MACHINE", override_action="MAYBE")
    ) == ("invalid_verdict_reason_override_action")
    found = telemetry_id(server, dfp_project)
    for metadata in ({"external_id": "x" * 66}, {"user_action": "log in"}):
        assert error_type(
            lambda metadata=metadata: fraud.fraud.fingerprint.lookup(
                telemetry_id=found, external_metadata=metadata
            )
        ) == ("invalid_external_metadata")


def test_the_collector_admits_only_the_projects_sdk_on_its_domains(
    server: KeystileServer, dfp_project: Project
) -> None:
    elsewhere = post_telemetry(server, dfp_project, origin="https://evil.example")
    assert (elsewhere.status_code, elsewhere.json()["error_type"]) == (400, "bad_domain_for_stytch_sdk")
    sdk_off = post_telemetry(server, server.create_project())
    assert (sdk_off.status_code, sdk_off.json()["error_type"]) == (400, "bad_domain_for_stytch_sdk")
    no_auth = httpx.post(f"{server.base_url}sdk/v1/dfp/telemetry", json=BROWSER, headers={"Origin": ORIGIN})
    assert no_auth.status_code == 401
    for bad in ({"webdriver": "yes"}, {"screen_width": -1}, {"user_agent": "x" * 513}):
        answer = post_telemetry(server, dfp_project, **bad)
        assert answer.status_code == 400 and answer.json()["error_type"], answer.text
    script = httpx.get(f"{server.base_url}dfp/telemetry.js")
    assert script.status_code == 200 and "KeystileDFP" in script.text
    assert script.headers["content-type"].startswith("text/javascript")
