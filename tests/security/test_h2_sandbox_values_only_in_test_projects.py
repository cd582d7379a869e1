"""H2: Stytch's public sandbox values (magic-link token `DOYoip3r…`, passcode `000000` to `+10000000000`
or `sandbox@stytch.com`) gave a real session on every project, because every project was a test
project. Now a project is `live` (the default) or `test`: in a live project a sandbox value is an
ordinary wrong token or contact, and in a test project it gets Stytch's canned answer (its fixed sandbox
user, never stored) and no real user or session of the project."""

from __future__ import annotations

import re
import time

import httpx
import pytest
import stytch

from keystile.devtools.sms_sink import SmsSink
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink

SUCCESS_TOKEN = "DOYoip3rvIMMW5lgItikFK-Ak1CfMsgjuiCyI7uuU94="
UNABLE_TO_AUTH_TOKEN = "3pzjQpgksDlGKWEwUq2Up--hCHC_0oamfLHyfspKDFU="
NOT_FOUND_TOKEN = "CprTtwhnRNiMBiUS2jSLcWYrfuO2POeBNdo5HhW6qTM="
SANDBOX_EMAIL, SANDBOX_PHONE, SANDBOX_CODE = "sandbox@stytch.com", "+10000000000", "000000"
# Stytch's fixed sandbox user, email, phone and session token (the answers of its Test environment).
SANDBOX_USER_ID = "user-test-e3795c81-f849-4167-bfda-e4a6e9c280fd"
SANDBOX_EMAIL_ID = "email-test-23873e89-d4ed-4e92-b3b9-e5c7198fa286"
SANDBOX_PHONE_ID = "phone-number-test-98cfbe19-6c8f-4b8b-b62a-e78a5a7bdff3"
SANDBOX_SESSION_TOKEN = "WJtR5BCy38Szd5AfoDpf0iqFKEt4EE5JhjlWUY7l3FtY"
SANDBOX_ORGANIZATION = "organization-test-007d9d4a-deac-4a87-ba0a-e6e8afba4d4b"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


def consumer(server: KeystileServer, project: Project) -> stytch.Client:
    return stytch.Client(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )


def user_count(client: stytch.Client) -> int:
    return client.users.search(limit=100).results_metadata.total


@pytest.fixture
def live(server: KeystileServer) -> Project:
    return server.create_project(environment="live")


@pytest.fixture
def test_project(server: KeystileServer) -> Project:
    return server.create_project(environment="test")


def test_h2_review_reproduction_is_refused_on_a_live_project(server: KeystileServer, live: Project) -> None:
    """The review's curl reproduction, verbatim, against a live project."""
    auth = (live.project_id, live.secret)
    with httpx.Client(base_url=server.base_url, auth=auth, timeout=10) as http:
        link = http.post(
            "/v1/magic_links/authenticate", json={"token": SUCCESS_TOKEN, "session_duration_minutes": 60}
        )
        assert link.status_code == 404, link.text
        assert link.json()["error_type"] == "magic_link_not_found"
        sms = http.post("/v1/otps/sms/login_or_create", json={"phone_number": SANDBOX_PHONE})
        assert sms.status_code == 400, sms.text
        assert sms.json()["error_type"] == "invalid_phone_number"
        search = http.post("/v1/users/search", json={"limit": 10})
        assert search.json()["results_metadata"]["total"] == 0, search.text


def test_h2_sandbox_values_are_ordinary_wrong_values_on_a_live_project(
    server: KeystileServer, live: Project, smtp_sink: SmtpSink
) -> None:
    client = consumer(server, live)
    for token in (SUCCESS_TOKEN, UNABLE_TO_AUTH_TOKEN, NOT_FOUND_TOKEN):
        assert error_type(lambda t=token: client.magic_links.authenticate(token=t)) == "magic_link_not_found"
    assert error_type(lambda: client.magic_links.email.send(email=SANDBOX_EMAIL)) == "email_not_found"
    assert error_type(lambda: client.otps.email.send(email=SANDBOX_EMAIL)) == "email_not_found"
    for send in (client.otps.sms.send, client.otps.whatsapp.send, client.otps.sms.login_or_create):
        assert error_type(lambda s=send: s(phone_number=SANDBOX_PHONE)) == "invalid_phone_number"
    for method_id in (SANDBOX_EMAIL_ID, SANDBOX_PHONE_ID):
        refused = error_type(lambda m=method_id: client.otps.authenticate(method_id=m, code=SANDBOX_CODE))
        assert refused == "otp_code_not_found"
    assert error_type(lambda: client.sessions.authenticate(session_token=SANDBOX_SESSION_TOKEN)) == (
        "session_not_found"
    )
    assert user_count(client) == 0
    # sandbox@stytch.com is just an address here: a real code is emailed to it, and 000000 is wrong.
    sent = client.otps.email.login_or_create(email=SANDBOX_EMAIL)
    assert sent.user_created and sent.user_id != SANDBOX_USER_ID
    assert smtp_sink.wait_for(SANDBOX_EMAIL)
    # (The code is random: 000000 is right once in a million runs.)
    refused = error_type(lambda: client.otps.authenticate(method_id=sent.email_id, code=SANDBOX_CODE))
    assert refused == "otp_code_not_found"


def test_h2_sandbox_values_on_a_test_project_are_canned(
    server: KeystileServer, test_project: Project, smtp_sink: SmtpSink, sms_sink: SmsSink
) -> None:
    client = consumer(server, test_project)
    real = client.users.create(email="real-user@example.com")
    # The sinks serve every test: count what reached the sandbox contacts before this one.
    mailed, texted = len(smtp_sink.received(SANDBOX_EMAIL)), len(sms_sink.messages(SANDBOX_PHONE))

    for sent in (
        client.magic_links.email.login_or_create(email=SANDBOX_EMAIL),
        client.magic_links.email.send(email=SANDBOX_EMAIL),
        client.otps.email.login_or_create(email=SANDBOX_EMAIL),
        client.otps.email.send(email=SANDBOX_EMAIL),
    ):
        assert (sent.user_id, sent.email_id) == (SANDBOX_USER_ID, SANDBOX_EMAIL_ID)
    by_phone = client.otps.sms.login_or_create(phone_number=SANDBOX_PHONE)
    assert (by_phone.user_id, by_phone.phone_id, by_phone.user_created) == (
        SANDBOX_USER_ID,
        SANDBOX_PHONE_ID,
        False,
    )
    assert client.otps.whatsapp.send(phone_number=SANDBOX_PHONE).phone_id == SANDBOX_PHONE_ID

    no_session = client.magic_links.authenticate(token=SUCCESS_TOKEN)
    assert no_session.user_id == SANDBOX_USER_ID and no_session.method_id == SANDBOX_EMAIL_ID
    assert (no_session.session_token, no_session.session_jwt, no_session.session) == ("", "", None)
    with_session = client.magic_links.authenticate(token=SUCCESS_TOKEN, session_duration_minutes=60)
    assert with_session.session_token == SANDBOX_SESSION_TOKEN and with_session.session_jwt == ""
    assert with_session.session is not None and with_session.session.user_id == SANDBOX_USER_ID
    factor = with_session.session.authentication_factors[0]
    assert factor.email_factor is not None and factor.email_factor.email_address == SANDBOX_EMAIL
    assert error_type(lambda: client.magic_links.authenticate(token=UNABLE_TO_AUTH_TOKEN)) == (
        "unable_to_auth_magic_link"
    )
    assert (
        error_type(lambda: client.magic_links.authenticate(token=NOT_FOUND_TOKEN)) == "magic_link_not_found"
    )

    for method_id in (SANDBOX_PHONE_ID, SANDBOX_EMAIL_ID):
        otp = client.otps.authenticate(method_id=method_id, code=SANDBOX_CODE, session_duration_minutes=60)
        assert (otp.user_id, otp.method_id, otp.session_token) == (
            SANDBOX_USER_ID,
            method_id,
            SANDBOX_SESSION_TOKEN,
        )
        assert otp.user.phone_numbers[0].phone_number == SANDBOX_PHONE
        assert otp.user.emails[0].email == SANDBOX_EMAIL
        wrong = error_type(lambda m=method_id: client.otps.authenticate(method_id=m, code="123456"))
        assert wrong == "otp_code_not_found"

    # Nothing of it is real: no user was stored, the sandbox user is unknown to the project's API, the
    # canned session is Stytch's sandbox session (sessions.authenticate answers it as Stytch's sandbox
    # does, with the sandbox user and no JWT) and no session of the project, and no message went out.
    canned = client.sessions.authenticate(session_token=SANDBOX_SESSION_TOKEN)
    assert (canned.user.user_id, canned.session_jwt) == (SANDBOX_USER_ID, "")
    assert [u.user_id for u in client.users.search(limit=100).results] == [real.user_id]
    assert error_type(lambda: client.users.get(SANDBOX_USER_ID)) == "user_not_found"
    assert error_type(lambda: client.sessions.get(user_id=SANDBOX_USER_ID)) == "user_not_found"
    assert client.sessions.get(user_id=real.user_id).sessions == []
    time.sleep(0.5)  # the outbox worker polls every 0.1 s
    assert len(smtp_sink.received(SANDBOX_EMAIL)) == mailed
    assert len(sms_sink.messages(SANDBOX_PHONE)) == texted


def test_h2_b2b_sandbox_values_answer_only_on_a_test_project(server: KeystileServer) -> None:
    live = server.create_project(vertical="b2b", environment="live")
    test = server.create_project(vertical="b2b", environment="test")
    for project, canned in ((live, False), (test, True)):
        client = stytch.B2BClient(
            project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
        )

        def login() -> object:
            return client.magic_links.email.login_or_signup(  # noqa: B023
                organization_id=SANDBOX_ORGANIZATION, email_address=SANDBOX_EMAIL
            )

        def authenticate() -> object:
            return client.magic_links.authenticate(magic_links_token=SUCCESS_TOKEN)  # noqa: B023

        if canned:
            login()
            authenticated = client.magic_links.authenticate(magic_links_token=SUCCESS_TOKEN)
            assert authenticated.member.email_address == SANDBOX_EMAIL
            assert authenticated.session_token == "" and authenticated.member_session is None
        else:
            assert error_type(login) == "organization_not_found"
            assert error_type(authenticate) == "magic_link_not_found"
        assert client.organizations.search().results_metadata.total == 0


@pytest.mark.parametrize("environment", ["live", "test", None])
def test_h2_projects_create_prints_its_environment(server: KeystileServer, environment: str | None) -> None:
    chosen = ["--environment", environment] if environment is not None else []
    created = server.cli_json("projects", "create", "--name", "Shop", *chosen, "--json")
    assert isinstance(created, dict)
    expected = environment or "live"
    assert created["environment"] == expected
    assert re.fullmatch(f"project-{expected}-{UUID}", created["project_id"])
    assert re.fullmatch(f"secret-{expected}-[A-Za-z0-9_-]{{43}}", created["secret"])
    assert created["public_token"].startswith(f"public-token-{expected}-")
    listed = server.cli_json("projects", "list", "--json")
    assert isinstance(listed, list)
    assert {"project_id": created["project_id"], "environment": expected}.items() <= next(
        row for row in listed if row["project_id"] == created["project_id"]
    ).items()
    table = server.cli("projects", "list")
    assert expected in table.stdout


def test_h2_projects_create_refuses_an_unknown_environment(server: KeystileServer) -> None:
    done = server.cli("projects", "create", "--name", "Shop", "--environment", "staging", "--json")
    assert done.returncode != 0 and done.stdout == ""
    assert "environment" in done.stderr
