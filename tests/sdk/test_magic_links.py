"""Consumer email magic links through the official Python SDK, with mail read from a real SMTP server."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import stytch
from cryptography.fernet import Fernet

from tests.conftest import database_name
from tests.support.databases import drop_database, fresh_database
from tests.support.magic_links import new_address, received_link, token_of
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink

WEEK = 10080


def test_the_planetscale_guide_flow(client: stytch.Client, smtp_sink: SmtpSink) -> None:
    """login_or_create → mail → authenticate into a week-long session → gate → reuse fails → logout."""
    email = new_address("guide")
    sent = client.magic_links.email.login_or_create(email=email)
    assert sent.user_created is True
    link = received_link(smtp_sink, email)
    assert link.startswith("http://localhost:3000/authenticate?stytch_token_type=magic_links&token=")

    auth = client.magic_links.authenticate(token=token_of(link), session_duration_minutes=WEEK)
    assert auth.user_id == sent.user_id
    assert auth.method_id == sent.email_id
    assert auth.user.emails[0].verified is True
    assert auth.session is not None
    factor = auth.session.authentication_factors[0]
    assert (factor.type, factor.delivery_method) == ("magic_link", "email")
    assert factor.email_factor is not None and factor.email_factor.email_address == email
    lifetime = auth.session.expires_at - auth.session.started_at  # type: ignore[operator]
    assert abs(lifetime.total_seconds() - WEEK * 60) < 5

    gated = client.sessions.authenticate(session_token=auth.session_token)
    assert gated.user.user_id == sent.user_id
    local = client.sessions.authenticate_jwt_local(session_jwt=auth.session_jwt)
    assert local is not None and local.user_id == sent.user_id

    assert error_type(lambda: client.magic_links.authenticate(token=token_of(link))) == (
        "unable_to_auth_magic_link"
    )
    client.sessions.revoke(session_token=auth.session_token)
    assert error_type(lambda: client.sessions.authenticate(session_token=auth.session_token)) == (
        "session_not_found"
    )
    assert error_type(lambda: client.sessions.authenticate(session_jwt=auth.session_jwt)) == (
        "session_not_found"
    )


def test_returning_user_gets_a_login_link(client: stytch.Client, smtp_sink: SmtpSink) -> None:
    email = new_address("returning")
    created = client.users.create(email=email)
    sent = client.magic_links.email.login_or_create(email=email)
    assert (sent.user_id, sent.user_created) == (created.user_id, False)
    message = smtp_sink.wait_for(email)
    assert "log in" in str(message["Subject"]).lower() or "login" in str(message["Subject"]).lower()


def test_send_requires_an_existing_user(client: stytch.Client, smtp_sink: SmtpSink) -> None:
    email = new_address("send")
    assert error_type(lambda: client.magic_links.email.send(email=email)) == "email_not_found"
    user = client.users.create(email=email)
    assert client.magic_links.email.send(email=email).user_id == user.user_id
    auth = client.magic_links.authenticate(token=token_of(received_link(smtp_sink, email)))
    assert auth.session_token == "" and auth.session is None


def test_redirect_urls_come_from_the_allowlist(server: KeystileServer, smtp_sink: SmtpSink) -> None:
    allowed = "https://app.example.com/auth/callback"
    project = server.create_project(redirect_urls=["http://localhost:3000/authenticate", allowed])
    client = stytch.Client(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )
    email = new_address("redirect")
    for bad in (
        "https://app.example.com/auth/callback/extra",
        "https://app.example.com/auth/call",
        "https://app.example.com.evil.test/auth/callback",
        "https://evil.test/?next=https://app.example.com/auth/callback",
        "javascript:alert(1)",
    ):
        assert error_type(
            lambda bad=bad: client.magic_links.email.login_or_create(  # type: ignore[misc]
                email=email, login_magic_link_url=bad, signup_magic_link_url=bad
            )
        ) == ("invalid_magic_link_url")
    client.magic_links.email.login_or_create(email=email, signup_magic_link_url=allowed)
    link = received_link(smtp_sink, email)
    assert urlsplit(link)._replace(query="").geturl() == allowed


def test_pkce(client: stytch.Client, smtp_sink: SmtpSink) -> None:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    email = new_address("pkce")
    client.magic_links.email.login_or_create(email=email, code_challenge=challenge)
    token = token_of(received_link(smtp_sink, email))
    assert error_type(lambda: client.magic_links.authenticate(token=token)) == "pkce_mismatch"
    wrong = secrets.token_urlsafe(48)
    assert error_type(lambda: client.magic_links.authenticate(token=token, code_verifier=wrong)) == (
        "pkce_mismatch"
    )
    # Failed verifier checks leave the link usable by its rightful owner.
    assert client.magic_links.authenticate(token=token, code_verifier=verifier).user_id


def test_one_send_per_second_per_address(client: stytch.Client) -> None:
    email = new_address("throttle")
    client.magic_links.email.login_or_create(email=email)
    assert error_type(lambda: client.magic_links.email.login_or_create(email=email)) == ("too_many_requests")
    time.sleep(1.2)
    client.magic_links.email.login_or_create(email=email)


def test_expiration_bounds(client: stytch.Client) -> None:
    email = new_address("expiry")
    for minutes in (4, 10081):
        assert error_type(
            lambda m=minutes: client.magic_links.email.login_or_create(  # type: ignore[misc]
                email=email, signup_expiration_minutes=m
            )
        ) == ("invalid_expiration")
    assert error_type(
        lambda: client.magic_links.email.login_or_create(email=email, code_challenge="short")
    ) == ("invalid_pkce_code_challenge")


def test_invite_activates_a_pending_user(client: stytch.Client, smtp_sink: SmtpSink) -> None:
    email = new_address("invite")
    invited = client.magic_links.email.invite(
        email=email, name={"first_name": "Grace"}, trusted_metadata={"team": "ops"}
    )
    user = client.users.get(invited.user_id)
    assert user.status == "pending" and user.trusted_metadata == {"team": "ops"}
    link = received_link(smtp_sink, email)
    auth = client.magic_links.authenticate(token=token_of(link), session_duration_minutes=60)
    assert auth.user.status == "active"
    assert auth.user.emails[0].verified is True
    assert error_type(lambda: client.magic_links.email.invite(email=email)) == "duplicate_email"


def test_revoked_invite_cannot_be_used(client: stytch.Client, smtp_sink: SmtpSink) -> None:
    email = new_address("revoke")
    client.magic_links.email.invite(email=email)
    token = token_of(received_link(smtp_sink, email))
    client.magic_links.email.revoke_invite(email=email)
    assert error_type(lambda: client.magic_links.authenticate(token=token)) == ("unable_to_auth_magic_link")


def test_embeddable_link_and_factor_upgrade(client: stytch.Client, smtp_sink: SmtpSink) -> None:
    email = new_address("embedded")
    user = client.users.create(email=email)
    embedded = client.magic_links.create(user_id=user.user_id)
    first = client.magic_links.authenticate(token=embedded.token, session_duration_minutes=30)
    assert first.session is not None
    assert first.session.authentication_factors[0].delivery_method == "embedded"

    client.magic_links.email.send(email=email)
    second = client.magic_links.authenticate(
        token=token_of(received_link(smtp_sink, email)),
        session_token=first.session_token,
        session_custom_claims={"tier": "gold"},
    )
    assert second.session is not None
    assert second.session.session_id == first.session.session_id
    methods = {f.delivery_method for f in second.session.authentication_factors}
    assert methods == {"embedded", "email"}
    assert second.session.custom_claims == {"tier": "gold"}
    # A new token is issued on upgrade; the pre-upgrade one no longer works (no session fixation).
    assert second.session_token != first.session_token
    assert error_type(lambda: client.sessions.authenticate(session_token=first.session_token)) == (
        "session_not_found"
    )
    assert client.sessions.authenticate(session_token=second.session_token).session.custom_claims == {
        "tier": "gold"
    }
    assert (
        error_type(
            lambda: client.magic_links.create(user_id="user-test-00000000-0000-4000-8000-000000000000")
        )
        == "user_not_found"
    )


def test_sandbox_values(client: stytch.Client, smtp_sink: SmtpSink) -> None:
    # Other tests' live projects may mail sandbox@stytch.com, an ordinary address there.
    mailed = len(smtp_sink.received("sandbox@stytch.com"))
    sent = client.magic_links.email.login_or_create(email="sandbox@stytch.com")
    again = client.magic_links.email.send(email="sandbox@stytch.com")
    assert again.user_id == sent.user_id
    ok = client.magic_links.authenticate(
        token="DOYoip3rvIMMW5lgItikFK-Ak1CfMsgjuiCyI7uuU94=", session_duration_minutes=5
    )
    assert ok.user.emails[0].email == "sandbox@stytch.com" and ok.session_token
    assert error_type(
        lambda: client.magic_links.authenticate(token="3pzjQpgksDlGKWEwUq2Up--hCHC_0oamfLHyfspKDFU=")
    ) == ("unable_to_auth_magic_link")
    assert error_type(
        lambda: client.magic_links.authenticate(token="CprTtwhnRNiMBiUS2jSLcWYrfuO2POeBNdo5HhW6qTM=")
    ) == ("magic_link_not_found")
    assert len(smtp_sink.received("sandbox@stytch.com")) == mailed


def test_fifty_concurrent_redemptions_have_one_winner(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    user = client.users.create(email=new_address("race"))
    token = client.magic_links.create(user_id=user.user_id).token

    async def redeem_all() -> list[httpx.Response]:
        auth = (project.project_id, project.secret)
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=server.base_url, auth=auth, limits=limits, timeout=60) as http:
            return await asyncio.gather(
                *(
                    http.post(
                        "/v1/magic_links/authenticate", json={"token": token, "session_duration_minutes": 5}
                    )
                    for _ in range(50)
                )
            )

    responses = asyncio.run(redeem_all())
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 1, statuses
    assert all(
        r.json()["error_type"] == "unable_to_auth_magic_link" for r in responses if r.status_code != 200
    )
    assert len(client.sessions.get(user_id=user.user_id).sessions) == 1


def test_smtp_outage_delays_but_never_loses_mail(database_url: str, run_dir: Path) -> None:
    """SMTP down at send time: the API call succeeds; once SMTP is back the mail arrives, once."""
    # The SMTP server is up, then stopped: its port stays this test's, and nothing listens on it.
    sink = SmtpSink().start()
    sink.stop()
    env = {
        "KEYSTILE_SMTP_URL": sink.url,
        "KEYSTILE_OUTBOX_POLL_SECONDS": "0.1",
        "KEYSTILE_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }
    # A database of its own: the shared server's worker would otherwise deliver this test's mail
    # to the shared SMTP sink.
    engine = database_url.split(":", 1)[0].replace("mysql", "mariadb")
    name = f"{database_name()}_outage"
    url = fresh_database(engine, name, run_dir)
    srv = KeystileServer(url, run_dir / f"outage-{engine}.log", extra_env=env).start()
    try:
        project = srv.create_project()
        client = stytch.Client(
            project.project_id, project.secret, environment=srv.base_url, suppress_warnings=True
        )
        email = new_address("outage")
        client.magic_links.email.login_or_create(email=email)
        time.sleep(1.5)  # the worker tries and fails at least once
        sink.start()
        try:
            token = token_of(received_link(sink, email, timeout=20))
            assert client.magic_links.authenticate(token=token).user_id
            time.sleep(3)  # long enough for a duplicate to show up, if one were coming
            assert len(sink.received(email)) == 1
        finally:
            sink.stop()
    finally:
        srv.stop()
        drop_database(engine, name)
