"""The B2B frontend SDK API (`/sdk/v1/b2b`) over plain HTTP, as `StytchB2B` sends it: a discovery link
mailed and authenticated, the organizations found, the intermediate session exchanged for a member
session the backend accepts; an organization login link likewise; then the refusals (bad input, an
unauthorized origin, a consumer project, a forbidden method, another project's session), which write
nothing."""

from __future__ import annotations

from typing import Any

import pytest
import stytch
from stytch.core.response_base import StytchError

from tests.support.b2b_mail import DISCOVERY, ORGANIZATION_LINK, new_domain
from tests.support.magic_links import received_link, token_of
from tests.support.sdk_api import ORIGIN, enable_sdk, error_type, sdk_call
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink


def member_of_new_organization(client: stytch.B2BClient, email: str) -> str:
    """The id of a new organization in which the backend made `email` an active member."""
    organization = client.organizations.create(organization_name=f"Org of {email}").organization
    client.organizations.members.create(organization_id=organization.organization_id, email_address=email)
    return organization.organization_id


def discovered(server: KeystileServer, project: Project, sink: SmtpSink, email: str) -> dict[str, Any]:
    """The answer of `magic_links/discovery/authenticate` for a link the SDK had mailed to `email`."""
    sent = sdk_call(server, "/b2b/magic_links/email/discovery/send", project, {"email_address": email})
    assert sent.status_code == 200, sent.text
    assert sent.headers["access-control-allow-origin"] == ORIGIN
    link = received_link(sink, email)
    assert link.startswith(f"{ORIGIN}/")
    token = token_of(link, DISCOVERY)
    body = {"discovery_magic_links_token": token, "dfp_telemetry_id": None, "captcha_token": None}
    authenticated = sdk_call(server, "/b2b/magic_links/discovery/authenticate", project, body)
    assert authenticated.status_code == 200, authenticated.text
    # The link is single use.
    replayed = sdk_call(server, "/b2b/magic_links/discovery/authenticate", project, body)
    assert error_type(replayed) == "unable_to_auth_magic_link"
    answer = authenticated.json()["data"]
    assert isinstance(answer, dict)
    return answer


def test_discovery_by_email_magic_link_ends_in_a_member_session_the_backend_accepts(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    enable_sdk(server, b2b_project)
    email = f"ada@{new_domain()}"
    organization_id = member_of_new_organization(b2b_client, email)

    found = discovered(server, b2b_project, smtp_sink, email)
    assert found["email_address"] == email
    ist = found["intermediate_session_token"]
    assert isinstance(ist, str) and ist
    [organization] = found["discovered_organizations"]
    assert organization["organization"]["organization_id"] == organization_id
    assert organization["membership"]["type"] == "active_member"

    listed = sdk_call(
        server, "/b2b/discovery/organizations", b2b_project, {"intermediate_session_token": ist}
    )
    assert listed.status_code == 200, listed.text
    assert [
        o["organization"]["organization_id"] for o in listed.json()["data"]["discovered_organizations"]
    ] == [organization_id]

    # As vanilla-js sends it: a browser's custom claims are not the backend's, and are dropped.
    exchange = {
        "intermediate_session_token": ist,
        "organization_id": organization_id,
        "session_duration_minutes": 60,
        "session_custom_claims": {"admin": True},
    }
    exchanged = sdk_call(server, "/b2b/discovery/intermediate_sessions/exchange", b2b_project, exchange)
    assert exchanged.status_code == 200, exchanged.text
    member_session = exchanged.json()["data"]
    assert member_session["member_authenticated"] is True
    assert member_session["member"]["email_address"] == email
    session_token = member_session["session_token"]
    by_backend = b2b_client.sessions.authenticate(session_token=session_token)
    assert by_backend.member.email_address == email
    assert by_backend.organization.organization_id == organization_id
    assert not by_backend.member_session.custom_claims
    # The intermediate session was used up.
    again = sdk_call(server, "/b2b/discovery/intermediate_sessions/exchange", b2b_project, exchange)
    assert error_type(again) == "intermediate_session_not_found"

    # Signed in, the SDK sends the session as the Basic password.
    authenticated = sdk_call(
        server,
        "/b2b/sessions/authenticate",
        b2b_project,
        {"session_duration_minutes": 30},
        session_token=session_token,
    )
    assert authenticated.status_code == 200, authenticated.text
    assert authenticated.json()["data"]["member"]["member_id"] == by_backend.member.member_id
    mine = sdk_call(server, "/b2b/discovery/organizations", b2b_project, {}, session_token=session_token)
    assert mine.status_code == 200, mine.text
    assert mine.json()["data"]["email_address"] == email

    revoked = sdk_call(server, "/b2b/sessions/revoke", b2b_project, {}, session_token=session_token)
    assert revoked.status_code == 200, revoked.text
    with pytest.raises(StytchError):
        b2b_client.sessions.authenticate(session_token=session_token)
    gone = sdk_call(server, "/b2b/sessions/authenticate", b2b_project, {}, session_token=session_token)
    assert (gone.status_code, error_type(gone)) == (404, "session_not_found")


def test_an_organization_login_link_ends_in_a_member_session_the_backend_accepts(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient, smtp_sink: SmtpSink
) -> None:
    enable_sdk(server, b2b_project)
    email = f"grace@{new_domain()}"
    organization_id = member_of_new_organization(b2b_client, email)
    body = {"organization_id": organization_id, "email_address": email}
    sent = sdk_call(server, "/b2b/magic_links/email/login_or_signup", b2b_project, body)
    assert sent.status_code == 200, sent.text
    assert sent.json()["data"]["member_created"] is False
    token = token_of(received_link(smtp_sink, email), ORGANIZATION_LINK)

    login = {
        "magic_links_token": token,
        "session_duration_minutes": 60,
        "session_custom_claims": {"admin": True},
    }
    signed_in = sdk_call(server, "/b2b/magic_links/authenticate", b2b_project, login)
    assert signed_in.status_code == 200, signed_in.text
    answer = signed_in.json()["data"]
    assert (answer["organization_id"], answer["member"]["email_address"]) == (organization_id, email)
    by_backend = b2b_client.sessions.authenticate(session_token=answer["session_token"])
    assert by_backend.member.member_id == answer["member_id"]
    assert not by_backend.member_session.custom_claims
    replayed = sdk_call(server, "/b2b/magic_links/authenticate", b2b_project, login)
    assert error_type(replayed) == "unable_to_auth_magic_link"


@pytest.mark.parametrize(
    ("path", "body", "status", "error"),
    [
        ("/b2b/magic_links/email/discovery/send", {"email_address": "not an email"}, 400, "invalid_email"),
        (
            "/b2b/magic_links/email/login_or_signup",
            {"email_address": "ada@example.com"},
            400,
            "invalid_argument",
        ),
        (
            "/b2b/magic_links/email/login_or_signup",
            {
                "email_address": "ada@example.com",
                "organization_id": "organization-test-00000000-0000-4000-8000-000000000000",
            },
            404,
            "organization_not_found",
        ),
        ("/b2b/magic_links/authenticate", {"magic_links_token": ""}, 400, "invalid_argument"),
        ("/b2b/magic_links/authenticate", {"magic_links_token": "x" * 44}, 404, "magic_link_not_found"),
        ("/b2b/magic_links/email/discovery/send", {}, 400, "invalid_argument"),
        (
            "/b2b/magic_links/email/discovery/send",
            {"email_address": "ada@example.com", "discovery_redirect_url": "https://evil.example/x"},
            400,
            "invalid_magic_link_url",
        ),
        (
            "/b2b/magic_links/discovery/authenticate",
            {"discovery_magic_links_token": 7},
            400,
            "invalid_argument",
        ),
        (
            "/b2b/magic_links/discovery/authenticate",
            {"discovery_magic_links_token": "x" * 44},
            404,
            "magic_link_not_found",
        ),
        ("/b2b/discovery/organizations", {}, 400, "invalid_argument"),
        ("/b2b/discovery/intermediate_sessions/exchange", {"organization_id": "x"}, 400, "invalid_argument"),
        ("/b2b/sessions/authenticate", {}, 404, "session_not_found"),
        (
            "/b2b/sessions/authenticate",
            {"session_duration_minutes": "60"},
            400,
            "invalid_session_duration_minutes",
        ),
        ("/b2b/sessions/revoke", {}, 404, "session_not_found"),
    ],
)
def test_bad_input_is_refused_with_a_stytch_error(
    server: KeystileServer, b2b_project: Project, path: str, body: dict[str, object], status: int, error: str
) -> None:
    enable_sdk(server, b2b_project)
    refused = sdk_call(server, path, b2b_project, body)
    assert (refused.status_code, error_type(refused)) == (status, error), refused.text
    assert refused.headers["access-control-allow-origin"] == ORIGIN


B2B_ROUTES = [
    ("/b2b/magic_links/email/login_or_signup", {"email_address": "ada@example.com", "organization_id": "x"}),
    ("/b2b/magic_links/authenticate", {"magic_links_token": "x" * 44}),
    ("/b2b/magic_links/email/discovery/send", {"email_address": "ada@example.com"}),
    ("/b2b/magic_links/discovery/authenticate", {"discovery_magic_links_token": "x" * 44}),
    ("/b2b/discovery/organizations", {"intermediate_session_token": "x" * 44}),
    (
        "/b2b/discovery/intermediate_sessions/exchange",
        {"intermediate_session_token": "x" * 44, "organization_id": "organization-test-x"},
    ),
    ("/b2b/sessions/authenticate", {}),
    ("/b2b/sessions/revoke", {}),
]


@pytest.mark.parametrize(("path", "body"), B2B_ROUTES)
def test_unauthorized_origins_and_consumer_projects_are_refused(
    server: KeystileServer, b2b_project: Project, project: Project, path: str, body: dict[str, object]
) -> None:
    enable_sdk(server, b2b_project)
    enable_sdk(server, project)
    for origin in ("http://localhost:4000", "https://evil.example"):
        refused = sdk_call(server, path, b2b_project, body, origin=origin)
        assert (refused.status_code, error_type(refused)) == (400, "bad_domain_for_stytch_sdk")
        assert "access-control-allow-origin" not in refused.headers
    consumer = sdk_call(server, path, project, body)
    assert (consumer.status_code, error_type(consumer)) == (400, "invalid_b2b_endpoint")


def test_a_forbidden_method_and_another_projects_session_are_refused_and_nothing_is_sent(
    server: KeystileServer,
    b2b_project: Project,
    b2b_client: stytch.B2BClient,
    smtp_sink: SmtpSink,
) -> None:
    enable_sdk(server, b2b_project, "--forbid-method", "magic_links")
    email = f"grace@{new_domain()}"
    forbidden = sdk_call(
        server, "/b2b/magic_links/email/discovery/send", b2b_project, {"email_address": email}
    )
    assert (forbidden.status_code, error_type(forbidden)) == (403, "endpoint_not_authorized_for_sdk")

    # A member session of another B2B project: not found here, and left alone there.
    other = server.create_project(vertical="b2b")
    enable_sdk(server, other)
    other_client = stytch.B2BClient(
        other.project_id, other.secret, environment=server.base_url, suppress_warnings=True
    )
    other_organization_id = member_of_new_organization(other_client, email)
    found = discovered(server, other, smtp_sink, email)
    exchange = {
        "intermediate_session_token": found["intermediate_session_token"],
        "organization_id": other_organization_id,
    }
    foreign = sdk_call(server, "/b2b/discovery/intermediate_sessions/exchange", other, exchange).json()[
        "data"
    ]
    for path in ("/b2b/sessions/authenticate", "/b2b/sessions/revoke"):
        refused = sdk_call(server, path, b2b_project, {}, session_token=foreign["session_token"])
        assert (refused.status_code, error_type(refused)) == (404, "session_not_found"), path
    assert (
        other_client.sessions.authenticate(session_token=foreign["session_token"]).member.email_address
        == email
    )
    # The forbidden send mailed nothing: the only email to the address is the other project's link.
    assert len(smtp_sink.received(email)) == 1
