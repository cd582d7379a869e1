"""The B2B factor routes of issue #20 that the other Node scenarios do not drive, through the official
`stytch` Node SDK's `B2BClient` (tests/node) against a real server: passwords (migrate, the existing
password and session resets, discovery by password and its reset by email), email passcodes (login or
signup, authenticate, discovery) and TOTP (create, authenticate) on an intermediate session. Mail is
read from the SMTP sink and TOTP codes computed between the scenarios' phases."""

from __future__ import annotations

import json
import time
from typing import Any

import pyotp
import stytch

from tests.support.b2b_mail import Mailbox, jit_organization, new_domain
from tests.support.magic_links import received_link, token_of
from tests.support.node_sdk import run_node_scenario
from tests.support.otps import emailed_code
from tests.support.password_hashes import imported_hashes
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink

PASSWORD, NEW_PASSWORD, NEWER_PASSWORD = (
    "violet tangerine oboe 71",
    "horse staple cobalt 9",
    "quiet lantern mosaic 42",
)


def phases(server: KeystileServer, project: Project, scenario: str) -> Any:
    """A function running one phase of `scenario`, answering its steps."""

    def run(name: str, **env: str) -> dict[str, Any]:
        steps: dict[str, Any] = run_node_scenario(server, project, scenario, B2B_PHASE=name, **env)["steps"]
        return steps

    return run


def error(step: dict[str, Any]) -> tuple[int, str]:
    return step["status_code"], step["error_type"]


def factors(answer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["type"], f["delivery_method"]) for f in answer["member_session"]["authentication_factors"]]


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def b2b_client(server: KeystileServer, project: Project) -> stytch.B2BClient:
    return stytch.B2BClient(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )


def test_password_routes(server: KeystileServer, b2b_project: Project) -> None:
    client, domain = b2b_client(server, b2b_project), new_domain("node-pw")
    org = client.organizations.create(organization_name=domain, organization_slug=domain).organization
    email = f"ada@{domain}"
    [argon] = [h for h in imported_hashes(PASSWORD) if h["hash_type"] == "argon_2i"]
    steps = phases(server, b2b_project, "b2b_password_routes")(
        "organization",
        B2B_ORG=org.organization_id,
        B2B_EMAIL=email,
        B2B_MIGRATE=json.dumps(argon),
        B2B_PASSWORD=PASSWORD,
        B2B_NEW_PASSWORD=NEW_PASSWORD,
        B2B_NEWER_PASSWORD=NEWER_PASSWORD,
    )
    migrated = steps["migrate"]
    assert migrated["member_created"] is True and migrated["member"]["member_password_id"]
    member_id = migrated["member_id"]
    assert steps["authenticate"]["member_id"] == member_id
    assert error(steps["existing_reset_wrong"]) == (401, "unauthorized_credentials")
    reset = steps["existing_reset"]
    assert reset["member_id"] == member_id and reset["session_token"]
    assert factors(reset) == [("password", "knowledge")]
    assert steps["session_reset"]["member"]["member_id"] == member_id
    assert error(steps["authenticate_old"]) == (401, "unauthorized_credentials")
    assert error(steps["authenticate_replaced"]) == (401, "unauthorized_credentials")
    assert steps["authenticate_newest"]["member_authenticated"] is True


def test_discovery_password_routes(server: KeystileServer, b2b_project: Project, smtp_sink: SmtpSink) -> None:
    server.cli_json(
        "passwords", "policy", "--project", b2b_project.project_id, "--cross-org-passwords", "--json"
    )
    client, domain = b2b_client(server, b2b_project), new_domain("node-pw-discovery")
    org = client.organizations.create(organization_name=domain, organization_slug=domain).organization
    email = f"grace@{domain}"
    member_id = client.organizations.members.create(
        organization_id=org.organization_id, email_address=email
    ).member_id
    run = phases(server, b2b_project, "b2b_password_routes")
    assert run("discovery_start", B2B_EMAIL=email)["reset_start"]["status_code"] == 200
    token = token_of(received_link(smtp_sink, email), "multi_tenant_passwords")
    steps = run("discovery_reset", B2B_EMAIL=email, B2B_TOKEN=token, B2B_PASSWORD=PASSWORD)
    reset = steps["reset"]
    assert reset["email_address"] == email and reset["intermediate_session_token"]
    assert [found["organization"]["organization_id"] for found in reset["discovered_organizations"]] == [
        org.organization_id
    ]
    assert error(steps["reset_again"]) == (401, "unable_to_auth_password_reset_token")
    assert error(steps["authenticate_wrong"]) == (401, "unauthorized_credentials")
    found = steps["authenticate"]
    assert found["intermediate_session_token"] and found["email_address"] == email
    exchanged = client.discovery.intermediate_sessions.exchange(
        intermediate_session_token=found["intermediate_session_token"], organization_id=org.organization_id
    )
    assert exchanged.member_id == member_id and exchanged.member_authenticated is True


def test_email_passcode_routes(server: KeystileServer, b2b_project: Project, smtp_sink: SmtpSink) -> None:
    client, domain = b2b_client(server, b2b_project), new_domain("node-otp")
    org = jit_organization(client, domain)
    email, mail = f"lin@{domain}", Mailbox(client, smtp_sink)
    run = phases(server, b2b_project, "b2b_passcode_routes")
    mail.wait_turn(email)
    sent = run("email_send", B2B_ORG=org, B2B_EMAIL=email)["login_or_signup"]
    assert sent["member_created"] is True and sent["member"]["status"] == "pending"
    code = emailed_code(smtp_sink, email)
    steps = run("email_authenticate", B2B_ORG=org, B2B_EMAIL=email, B2B_CODE=code, B2B_WRONG=wrong(code))
    assert error(steps["authenticate_wrong"]) == (404, "otp_code_not_found")
    done = steps["authenticate"]
    assert done["member_authenticated"] is True and done["member"]["status"] == "active"
    assert factors(done) == [("otp", "email")]

    mail.wait_turn(email)
    assert run("discovery_send", B2B_EMAIL=email)["discovery_send"]["status_code"] == 200
    steps = run(
        "discovery_authenticate", B2B_EMAIL=email, B2B_CODE=emailed_code(smtp_sink, email), B2B_ORG=org
    )
    found = steps["discovery_authenticate"]
    assert [d["organization"]["organization_id"] for d in found["discovered_organizations"]] == [org]
    entered = steps["exchange"]
    assert entered["member_id"] == done["member_id"] and factors(entered) == [("otp", "email")]


def test_totp_routes(server: KeystileServer, b2b_project: Project, smtp_sink: SmtpSink) -> None:
    client, domain = b2b_client(server, b2b_project), new_domain("node-totp")
    org = jit_organization(client, domain, mfa_policy="REQUIRED_FOR_ALL")
    email = f"ada@{domain}"
    member_id = client.organizations.members.create(organization_id=org, email_address=email).member_id
    ist = Mailbox(client, smtp_sink).log_in(org, email).intermediate_session_token
    common = {"B2B_ORG": org, "B2B_MEMBER": member_id, "B2B_IST": ist}
    run = phases(server, b2b_project, "b2b_passcode_routes")
    created = run("totp_create", **common)["totp_create"]
    assert created["member_id"] == member_id and len(created["recovery_codes"]) == 10
    totp = pyotp.TOTP(created["secret"])
    code = totp.now()
    steps = run(
        "totp_authenticate",
        B2B_CODE=code,
        B2B_WRONG=wrong(code),
        B2B_NEXT_CODE=totp.at(time.time() + 30),
        **common,
    )
    assert error(steps["totp_wrong"]) == (401, "unable_to_authenticate_totp")
    done = steps["totp_authenticate"]
    assert factors(done) == [("magic_link", "email"), ("totp", "authenticator_app")]
    assert done["member"]["totp_registration_id"] == created["totp_registration_id"]
    assert error(steps["totp_again"]) == (404, "intermediate_session_not_found")
