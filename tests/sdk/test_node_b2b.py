"""The B2B discovery quickstart driven by the official `stytch` Node SDK's `B2BClient` (tests/node)
against a real server, with mail read from a real SMTP server between the scenario's phases."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import stytch

from keystile.devtools.sms_sink import SmsSink
from tests.support.b2b_mail import (
    DISCOVERY,
    ORGANIZATION_LINK,
    SEND_INTERVAL,
    Mailbox,
    jit_organization,
    new_domain,
)
from tests.support.magic_links import received_link, token_of
from tests.support.node_sdk import run_node_scenario
from tests.support.server import KeystileServer, Project
from tests.support.sms_sink import new_phone_number, received_code
from tests.support.smtp_sink import SmtpSink


def phase(server: KeystileServer, project: Project, name: str, **env: str) -> dict[str, Any]:
    steps: dict[str, Any] = run_node_scenario(server, project, "b2b_discovery_flow", B2B_PHASE=name, **env)[
        "steps"
    ]
    return steps


def test_b2b_discovery_flow(server: KeystileServer, b2b_project: Project, smtp_sink: SmtpSink) -> None:
    domain = new_domain("node")
    ada, grace = f"ada@{domain}", f"grace@{domain}"
    first_send = time.monotonic()
    assert phase(server, b2b_project, "send", B2B_EMAIL=ada)["discovery_send"]["status_code"] == 200

    token = token_of(received_link(smtp_sink, ada), DISCOVERY)
    steps = phase(server, b2b_project, "create", B2B_TOKEN=token, B2B_DOMAIN=domain, B2B_COLLEAGUE=grace)
    assert steps["discovery_authenticate"]["discovered_organizations"] == []
    assert steps["discovery_authenticate"]["email_address"] == ada
    created = steps["organization_create"]
    organization = created["organization"]
    assert created["member_authenticated"] is True
    assert (organization["organization_name"], organization["organization_slug"]) == (domain, domain)
    assert created["member"]["email_address"] == ada and created["member"]["is_admin"] is True
    again = steps["organization_create_again"]
    assert (again["status_code"], again["error_type"]) == (404, "intermediate_session_not_found")
    assert steps["session"]["member"]["member_id"] == created["member_id"]
    assert steps["session"]["organization"]["organization_id"] == organization["organization_id"]
    local = steps["jwt_local"]
    assert (local["member_id"], local["organization_id"], local["organization_slug"]) == (
        created["member_id"],
        organization["organization_id"],
        domain,
    )
    assert local["roles"] == ["stytch_member", "stytch_admin"]
    assert steps["organization_update"]["organization"]["email_allowed_domains"] == [domain]
    assert steps["login_or_signup"]["member_created"] is True

    steps = phase(
        server, b2b_project, "join", B2B_TOKEN=token_of(received_link(smtp_sink, grace), ORGANIZATION_LINK)
    )
    assert steps["authenticate"]["member_authenticated"] is True
    assert steps["session"]["member"]["email_address"] == grace

    time.sleep(max(0.0, SEND_INTERVAL - (time.monotonic() - first_send)))
    assert phase(server, b2b_project, "send", B2B_EMAIL=ada)["discovery_send"]["status_code"] == 200
    steps = phase(
        server, b2b_project, "exchange", B2B_TOKEN=token_of(received_link(smtp_sink, ada), DISCOVERY)
    )
    [found] = steps["discovery_authenticate"]["discovered_organizations"]
    assert found["membership"]["type"] == "active_member"
    assert found["organization"]["organization_id"] == organization["organization_id"]
    assert steps["exchange"]["member_authenticated"] is True
    assert steps["exchange"]["member_id"] == created["member_id"]
    assert steps["session"]["member"]["email_address"] == ada


def test_b2b_member_routes(server: KeystileServer, b2b_project: Project) -> None:
    steps = run_node_scenario(server, b2b_project, "b2b_member_routes", B2B_DOMAIN=new_domain("node"))[
        "steps"
    ]
    member_id = steps["member_create"]["member_id"]
    assert steps["metrics"]["member_count"] == 1
    assert steps["organization_delete_external_id"]["organization"]["organization_external_id"] == ""
    assert steps["member_delete_external_id"]["member"]["external_id"] == ""
    deleted = steps["delete_mfa_phone_number"]
    assert deleted["member_id"] == member_id and deleted["member"]["mfa_phone_number"] == ""
    expected = {
        "delete_mfa_phone_number_again": (404, "member_phone_number_not_found"),
        "delete_totp": (404, "totp_not_found"),
        "delete_password": (404, "member_password_not_found"),
        "metrics_unknown": (404, "organization_not_found"),
    }
    assert {name: (steps[name]["status_code"], steps[name]["error_type"]) for name in expected} == expected


def test_b2b_email_update(server: KeystileServer, b2b_project: Project, smtp_sink: SmtpSink) -> None:
    """members.startEmailUpdate and unlinkRetiredEmail through the Node SDK, around the magic link to the
    new address that the app (here the Python SDK) redeems."""
    client = stytch.B2BClient(
        b2b_project.project_id, b2b_project.secret, environment=server.base_url, suppress_warnings=True
    )
    mail, domain = Mailbox(client, smtp_sink), new_domain("node")
    org = jit_organization(client, domain)
    old, new = f"ada@{domain}", f"ada.new@{domain}"
    ada = mail.log_in(org, old).member_id
    mail.log_in(org, f"bob@{domain}")
    member = {"B2B_ORG": org, "B2B_MEMBER": ada}
    started = run_node_scenario(
        server,
        b2b_project,
        "b2b_email_update",
        B2B_PHASE="start",
        B2B_NEW=new,
        B2B_TAKEN=f"bob@{domain}",
        **member,
    )["steps"]
    assert (started["start_taken"]["status_code"], started["start_taken"]["error_type"]) == (
        409,
        "duplicate_member_email",
    )
    assert started["start"]["member"]["email_address"] == old
    assert client.magic_links.authenticate(magic_links_token=mail.token(new)).member.email_address == new
    retired = client.organizations.members.get(org, member_id=ada).member.retired_email_addresses
    assert [email.email_address for email in retired] == [old]

    unlinked = run_node_scenario(
        server, b2b_project, "b2b_email_update", B2B_PHASE="unlink", B2B_OLD=old, **member
    )["steps"]
    assert (unlinked["unlink_unknown"]["status_code"], unlinked["unlink_unknown"]["error_type"]) == (
        404,
        "email_not_found",
    )
    assert unlinked["unlink"]["member"]["email_address"] == new
    assert unlinked["unlink"]["member"]["retired_email_addresses"] == []


def test_b2b_mfa_flow(
    server: KeystileServer, b2b_project: Project, smtp_sink: SmtpSink, sms_sink: SmsSink
) -> None:
    """Magic link into an organization that requires MFA, then an SMS passcode from the loopback
    provider completes the member session with both factors."""
    client = stytch.B2BClient(
        b2b_project.project_id, b2b_project.secret, environment=server.base_url, suppress_warnings=True
    )
    domain = new_domain("node")
    org = client.organizations.create(organization_name=domain, mfa_policy="REQUIRED_FOR_ALL").organization
    email, phone = f"ada@{domain}", new_phone_number()
    member_id = client.organizations.members.create(
        organization_id=org.organization_id, email_address=email
    ).member_id
    client.magic_links.email.login_or_signup(organization_id=org.organization_id, email_address=email)
    common = {"B2B_ORG": org.organization_id, "B2B_MEMBER": member_id}
    token = token_of(received_link(smtp_sink, email), ORGANIZATION_LINK)
    steps = run_node_scenario(
        server, b2b_project, "b2b_mfa_flow", B2B_PHASE="start", B2B_TOKEN=token, B2B_PHONE=phone, **common
    )["steps"]
    primary = steps["authenticate"]
    assert primary["member_authenticated"] is False and primary["session_token"] == ""
    assert primary["mfa_required"] is not None and primary["intermediate_session_token"]
    alone = steps["sms_authenticate_alone"]
    assert (alone["status_code"], alone["error_type"]) == (
        400,
        "action_available_only_once_primary_authentication_is_met",
    )
    assert steps["sms_send"]["member"]["mfa_phone_number"] == phone

    steps = run_node_scenario(
        server,
        b2b_project,
        "b2b_mfa_flow",
        B2B_PHASE="finish",
        B2B_IST=primary["intermediate_session_token"],
        B2B_CODE=received_code(sms_sink, phone),
        **common,
    )["steps"]
    done = steps["sms_authenticate"]
    factors = done["member_session"]["authentication_factors"]
    assert [(f["type"], f["delivery_method"]) for f in factors] == [("magic_link", "email"), ("otp", "sms")]
    assert done["member"]["mfa_phone_number_verified"] is True
    assert steps["session"]["member"]["member_id"] == member_id
    assert steps["sms_authenticate_again"]["error_type"] == "intermediate_session_not_found"


def test_b2b_password_flow(server: KeystileServer, b2b_project: Project, smtp_sink: SmtpSink) -> None:
    domain = new_domain("node-password")
    email, password = f"ada@{domain}", "violet tangerine oboe 71"

    def run(name: str, **env: str) -> dict[str, Any]:
        steps: dict[str, Any] = run_node_scenario(
            server, b2b_project, "b2b_password_flow", B2B_PHASE=name, **env
        )["steps"]
        return steps

    steps = run("start", B2B_DOMAIN=domain, B2B_EMAIL=email)
    organization_id = steps["organization_create"]["organization"]["organization_id"]
    assert steps["member_create"]["member"]["member_password_id"] == ""
    checked = steps["strength_check"]
    assert (checked["valid_password"], checked["breached_password"]) == (False, True)
    assert steps["reset_start"]["member_id"] == steps["member_create"]["member_id"]

    link = received_link(smtp_sink, email)
    steps = run(
        "reset",
        B2B_ORG=organization_id,
        B2B_EMAIL=email,
        B2B_TOKEN=token_of(link, "multi_tenant_passwords"),
        B2B_PASSWORD=password,
    )
    reset = steps["reset"]
    assert reset["member_authenticated"] is True and reset["member"]["member_password_id"]
    assert reset["member_session"]["authentication_factors"][0]["type"] == "password"
    again = steps["reset_again"]
    assert (again["status_code"], again["error_type"]) == (401, "unable_to_auth_password_reset_token")
    wrong = steps["authenticate_wrong"]
    assert (wrong["status_code"], wrong["error_type"]) == (401, "unauthorized_credentials")
    assert steps["authenticate"]["member_authenticated"] is True
    assert steps["session"]["member"]["email_address"] == email


def test_b2b_scim_connection(server: KeystileServer, b2b_project: Project) -> None:
    steps = run_node_scenario(server, b2b_project, "b2b_scim_connection", B2B_DOMAIN=new_domain("node"))[
        "steps"
    ]
    assert steps["get_none"].get("connection") is None
    created, got = steps["create"]["connection"], steps["get"]["connection"]
    assert created["connection_id"].startswith("scim-connection-test-")
    assert created["base_url"].endswith(f"/v1/b2b/scim/{created['connection_id']}")
    assert got["connection_id"] == created["connection_id"] and got["identity_provider"] == "okta"
    assert got["bearer_token_last_four"] == created["bearer_token"][-4:]
    assert "bearer_token" not in got
    assert (steps["create_again"]["status_code"], steps["create_again"]["error_type"]) == (
        400,
        "scim_connection_already_exists",
    )


def test_b2b_recovery_codes(server: KeystileServer, b2b_project: Project, smtp_sink: SmtpSink) -> None:
    """totps.migrate, recoveryCodes.get, rotate and recover through the Node SDK."""
    client = stytch.B2BClient(
        b2b_project.project_id, b2b_project.secret, environment=server.base_url, suppress_warnings=True
    )
    domain = new_domain("node")
    org = jit_organization(client, domain, mfa_policy="REQUIRED_FOR_ALL")
    email = f"ada@{domain}"
    member_id = client.organizations.members.create(organization_id=org, email_address=email).member_id
    migrated = ["AB12-cd34", "EF56-gh78"]
    steps = run_node_scenario(
        server,
        b2b_project,
        "b2b_recovery_codes",
        B2B_ORG=org,
        B2B_MEMBER=member_id,
        B2B_SECRET=pyotp.random_base32(),
        B2B_CODES=",".join(migrated),
        B2B_TOKEN=Mailbox(client, smtp_sink).login_token(org, email),
    )["steps"]
    assert steps["totp_migrate"]["recovery_codes"] == migrated
    assert steps["totp_migrate"]["member"]["totp_registration_id"]
    assert sorted(steps["get"]["recovery_codes"]) == sorted(migrated)
    rotated = steps["rotate"]["recovery_codes"]
    assert len(rotated) == 10 and not set(rotated) & set(migrated)
    assert sorted(steps["get_rotated"]["recovery_codes"]) == sorted(rotated)
    assert steps["authenticate"]["member_authenticated"] is False
    refused = steps["recover_migrated"]
    assert (refused["status_code"], refused["error_type"]) == (401, "unable_to_authenticate_recovery_code")
    recovered = steps["recover"]
    assert recovered["member_id"] == member_id and recovered["recovery_codes_remaining"] == 9
    factors = recovered["member_session"]["authentication_factors"]
    assert [(f["type"], f["delivery_method"]) for f in factors] == [
        ("magic_link", "email"),
        ("recovery_codes", "recovery_code"),
    ]
    unknown = steps["get_unknown_member"]
    assert (unknown["status_code"], unknown["error_type"]) == (404, "member_not_found")
