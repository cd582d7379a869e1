"""`fraud.email.risk` through the official SDK, against a keystile whose DNS is a real loopback DNS
server (`KEYSTILE_DNS_RESOLVER`): each attribute of the address and of its domain, the outbox's record
of a bounce, and the action and score they add up to."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import stytch
from stytch.core.response_base import StytchError

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.delivery.models import EMAIL, FAILED, OutboxMessage
from tests.support.dns_server import LoopbackDns
from tests.support.server import KeystileServer, Project

ZONE = """
goodmail.org. 60 IN MX 10 mail.goodmail.org.
mail.goodmail.org. 60 IN A 127.0.0.1
gmail.com. 60 IN MX 5 gmail-smtp-in.l.google.com.
aonly.org. 60 IN A 127.0.0.1
mailinator.com. 60 IN MX 10 mail.mailinator.com.
"""


@pytest.fixture(scope="module")
def dns() -> Iterator[LoopbackDns]:
    server = LoopbackDns(ZONE).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def risk_server(database_url: str, run_dir: Path, dns: LoopbackDns) -> Iterator[KeystileServer]:
    engine = database_url.split(":", 1)[0]
    env = {"KEYSTILE_DNS_RESOLVER": dns.address, "KEYSTILE_DNS_TIMEOUT_SECONDS": "2"}
    server = KeystileServer(database_url, run_dir / f"email-risk-{engine}.log", extra_env=env).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def risk_project(risk_server: KeystileServer) -> Project:
    return risk_server.create_project()


@pytest.fixture(scope="module")
def fraud(risk_server: KeystileServer, risk_project: Project) -> stytch.Client:
    return stytch.Client(
        risk_project.project_id,
        risk_project.secret,
        environment=risk_server.base_url,
        fraud_environment=risk_server.base_url,
        suppress_warnings=True,
    )


def test_an_ordinary_address_is_allowed(fraud: stytch.Client) -> None:
    risk = fraud.fraud.email.risk(email_address="ada@goodmail.org")
    assert risk.status_code == 200 and risk.request_id
    address, domain = risk.address_information, risk.domain_information
    assert (address.has_valid_syntax, address.is_suspected_role_address, address.has_known_bounces) == (
        True,
        False,
        False,
    )
    assert (address.normalized_email, address.tumbling_character_count) == ("ada@goodmail.org", 0)
    assert (domain.has_mx_or_a_record, domain.is_disposable_domain) == (True, False)
    assert (risk.action, risk.risk_score) == ("ALLOW", 0)


def test_tumbled_characters_are_counted_and_normalized_away(fraud: stytch.Client) -> None:
    risk = fraud.fraud.email.risk(email_address="A.da.Love+promo@GMail.com")
    assert risk.address_information.normalized_email == "adalove@gmail.com"
    assert risk.address_information.tumbling_character_count == 3
    assert risk.domain_information.has_mx_or_a_record
    assert (risk.action, risk.risk_score) == ("ALLOW", 15)


def test_an_a_record_is_enough_and_no_record_is_blocked(fraud: stytch.Client) -> None:
    assert fraud.fraud.email.risk(email_address="ada@aonly.org").domain_information.has_mx_or_a_record
    risk = fraud.fraud.email.risk(email_address="ada@nowhere.org")
    assert not risk.domain_information.has_mx_or_a_record
    assert risk.action == "BLOCK" and risk.risk_score >= 70


def test_a_role_address_is_challenged(fraud: stytch.Client) -> None:
    for email in ("support@goodmail.org", "Admin+x@goodmail.org", "no-reply@goodmail.org"):
        risk = fraud.fraud.email.risk(email_address=email)
        assert risk.address_information.is_suspected_role_address, email
        assert risk.action == "CHALLENGE", email


def test_a_disposable_domain_is_blocked(fraud: stytch.Client) -> None:
    risk = fraud.fraud.email.risk(email_address="ada@mailinator.com")
    assert risk.domain_information.is_disposable_domain
    assert risk.domain_information.has_mx_or_a_record
    assert risk.action == "BLOCK"


def test_invalid_syntax_is_blocked(fraud: stytch.Client) -> None:
    risk = fraud.fraud.email.risk(email_address="ada@@goodmail..org")
    assert not risk.address_information.has_valid_syntax
    assert not risk.domain_information.has_mx_or_a_record
    assert (risk.action, risk.risk_score) == ("BLOCK", 100)


def test_an_address_the_outbox_gave_up_on_has_known_bounces(
    fraud: stytch.Client, risk_server: KeystileServer, risk_project: Project
) -> None:
    email = f"bounced-{uuid.uuid4().hex[:8]}@goodmail.org"
    assert not fraud.fraud.email.risk(email_address=email).address_information.has_known_bounces

    async def given_up(db: object) -> None:
        now = SystemClock().now()
        db.add(  # type: ignore[attr-defined]
            OutboxMessage(
                message_id=f"message-test-{uuid.uuid4()}",
                project_id=risk_project.project_id,
                channel=EMAIL,
                recipient=email.upper(),
                subject="",
                body_text="",
                status=FAILED,
                attempts=20,
                next_attempt_at=now,
                last_error="SMTPRecipientsRefused",
                created_at=now,
            )
        )

    run_in_transaction(Settings(database_url=risk_server.database_url), given_up)
    risk = fraud.fraud.email.risk(email_address=email)
    assert risk.address_information.has_known_bounces
    assert risk.action == "CHALLENGE" and risk.risk_score == 40


def test_another_projects_bounce_is_not_known(fraud: stytch.Client, risk_server: KeystileServer) -> None:
    other = risk_server.create_project()
    client = stytch.Client(
        other.project_id,
        other.secret,
        environment=risk_server.base_url,
        fraud_environment=risk_server.base_url,
        suppress_warnings=True,
    )
    assert not client.fraud.email.risk(email_address="ada@goodmail.org").address_information.has_known_bounces


def test_bad_credentials_and_a_missing_address_are_refused(
    risk_server: KeystileServer, risk_project: Project, fraud: stytch.Client
) -> None:
    wrong = stytch.Client(
        risk_project.project_id,
        risk_project.secret + "x",
        environment=risk_server.base_url,
        fraud_environment=risk_server.base_url,
        suppress_warnings=True,
    )
    with pytest.raises(StytchError) as caught:
        wrong.fraud.email.risk(email_address="ada@goodmail.org")
    assert caught.value.details.error_type == "unauthorized_credentials"
    with pytest.raises(StytchError) as caught:
        fraud.fraud.email.risk(email_address="")
    assert caught.value.details.status_code == 400
