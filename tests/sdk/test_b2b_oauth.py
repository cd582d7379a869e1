"""B2B OAuth login into one organization through the official Python SDK against a real server and the
loopback OpenID Connect provider standing in for Google: by organization id and by slug, JIT
provisioning by email domain (and its refusal, with nothing created), MFA into an intermediate
session, and the refusals of the browser's flow (tampered state, replayed callback, the provider's
access_denied, a provider that is down) as Stytch errors."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import httpx
import stytch
from stytch.b2b.models.organizations import Organization

from tests.sdk.test_oauth import APP, challenge_of, google, oauth_server, token_of
from tests.support.oidc_provider import OidcProvider, consent
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project, free_port

__all__ = ["google", "oauth_server"]  # the consumer tests' module fixtures, shared


def start_url(server: KeystileServer, provider: str = "google") -> str:
    return f"{server.base_url}v1/b2b/public/oauth/{provider}/start"


def b2b_setup(
    server: KeystileServer, google: OidcProvider, **settings: object
) -> tuple[stytch.B2BClient, Project, Organization, str]:
    """A B2B project with Google configured, its client, and an organization of a fresh email domain."""
    project = server.create_project(vertical="b2b", redirect_urls=[APP])
    google.configure(server, project)
    b2b = stytch.B2BClient(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )
    domain = f"{uuid.uuid4().hex[:10]}.example.org"
    organization = b2b.organizations.create(
        organization_name="Acme", organization_slug=domain.split(".")[0], **settings
    ).organization
    return b2b, project, organization, domain


def log_in(server: KeystileServer, project: Project, sub: str, **params: str) -> httpx.Response:
    with httpx.Client() as browser:
        return consent(browser, start_url(server), {"public_token": project.public_token, **params}, sub)


def test_login_by_organization_id_with_pkce(oauth_server: KeystileServer, google: OidcProvider) -> None:
    b2b, project, organization, domain = b2b_setup(oauth_server, google)
    email, sub = f"ada@{domain}", f"b2b-login-{domain}"
    member = b2b.organizations.members.create(
        organization_id=organization.organization_id, email_address=email
    ).member
    google.set_user(sub, email=email, email_verified=True, name="Ada Lovelace")
    verifier = "p" * 43
    answer = log_in(
        oauth_server, project, sub, organization_id=organization.organization_id,
        pkce_code_challenge=challenge_of(verifier),
    )  # fmt: skip
    assert answer.status_code == 302, answer.text
    assert answer.headers["location"].startswith(APP + "?")
    token = token_of(answer.headers["location"])

    assert error_type(lambda: b2b.oauth.authenticate(oauth_token=token)) == "pkce_mismatch"
    done = b2b.oauth.authenticate(oauth_token=token, pkce_code_verifier=verifier, session_duration_minutes=30)
    assert done.member_authenticated is True and done.member_id == member.member_id
    assert (done.organization_id, done.provider_type, done.provider_subject) == (
        organization.organization_id, "google", sub,
    )  # fmt: skip
    assert done.provider_values.access_token and done.provider_values.id_token
    assert done.member_session is not None
    assert "oauth_google" in [f.delivery_method for f in done.member_session.authentication_factors]
    assert b2b.sessions.authenticate(session_jwt=done.session_jwt).member.member_id == member.member_id
    assert (
        error_type(lambda: b2b.oauth.authenticate(oauth_token=token, pkce_code_verifier=verifier))
        == "oauth_token_not_found"
    )


def test_login_by_slug_provisions_by_email_domain(oauth_server: KeystileServer, google: OidcProvider) -> None:
    b2b, project, organization, domain = b2b_setup(
        oauth_server, google, email_jit_provisioning="RESTRICTED", email_allowed_domains=[]
    )
    b2b.organizations.update(
        organization_id=organization.organization_id, email_allowed_domains=[domain],
        email_jit_provisioning="RESTRICTED",
    )  # fmt: skip
    email, sub = f"grace@{domain}", f"b2b-jit-{domain}"
    google.set_user(sub, email=email, email_verified=True, name="Grace Hopper")
    answer = log_in(oauth_server, project, sub, slug=organization.organization_slug)
    assert answer.status_code == 302, answer.text
    done = b2b.oauth.authenticate(oauth_token=token_of(answer.headers["location"]))
    assert done.member_authenticated is True
    assert (done.member.email_address, done.member.name, done.member.status) == (
        email,
        "Grace Hopper",
        "active",
    )


def test_refused_jit_creates_nothing(oauth_server: KeystileServer, google: OidcProvider) -> None:
    b2b, project, organization, domain = b2b_setup(oauth_server, google)
    email, sub = f"eve@{domain}", f"b2b-refused-{domain}"
    google.set_user(sub, email=email, email_verified=True)
    answer = log_in(oauth_server, project, sub, organization_id=organization.organization_id)
    token = token_of(answer.headers["location"])
    assert (
        error_type(lambda: b2b.oauth.authenticate(oauth_token=token)) == "invalid_email_for_jit_provisioning"
    )
    found = b2b.organizations.members.search(organization_ids=[organization.organization_id])
    assert found.members == []


def test_mfa_gives_an_intermediate_session(oauth_server: KeystileServer, google: OidcProvider) -> None:
    b2b, project, organization, domain = b2b_setup(oauth_server, google, mfa_policy="REQUIRED_FOR_ALL")
    email, sub = f"mfa@{domain}", f"b2b-mfa-{domain}"
    b2b.organizations.members.create(organization_id=organization.organization_id, email_address=email)
    google.set_user(sub, email=email, email_verified=True)
    answer = log_in(oauth_server, project, sub, organization_id=organization.organization_id)
    done = b2b.oauth.authenticate(oauth_token=token_of(answer.headers["location"]))
    assert done.member_authenticated is False and done.session_token == ""
    assert done.intermediate_session_token and done.mfa_required is not None


def test_refusals_of_the_browser_flow(oauth_server: KeystileServer, google: OidcProvider) -> None:
    b2b, project, organization, domain = b2b_setup(oauth_server, google)
    sub = f"b2b-refusals-{domain}"
    google.set_user(sub, email=f"x@{domain}", email_verified=True)
    params = {"public_token": project.public_token, "organization_id": organization.organization_id}
    with httpx.Client() as browser:
        missing = browser.get(start_url(oauth_server), params={"public_token": project.public_token})
        assert (missing.status_code, missing.json()["error_type"]) == (400, "bad_request")
        unknown = browser.get(start_url(oauth_server), params={**params, "organization_id": "nope"})
        assert unknown.json()["error_type"] in ("organization_not_found", "invalid_organization_id")
        off_list = browser.get(
            start_url(oauth_server), params={**params, "login_redirect_url": "https://evil.example/"}
        )
        assert off_list.status_code == 400 and off_list.json()["error_type"] == "invalid_magic_link_url"

        started = browser.get(start_url(oauth_server), params=params)
        consented = browser.post(started.headers["location"], data={"sub": sub})
        callback = urlsplit(consented.headers["location"])
        tampered = callback._replace(query=callback.query.replace("state=", "state=x")).geturl()
        assert browser.get(tampered).json()["error_type"] == "oauth_state_mismatch"
        assert browser.get(consented.headers["location"]).status_code == 302
        browser.cookies.set("keystile_oauth_state", parse_qs(callback.query)["state"][0])
        replayed = browser.get(consented.headers["location"])
        assert replayed.json()["error_type"] == "oauth_state_mismatch"
    with httpx.Client() as browser:
        authorize = browser.get(start_url(oauth_server), params=params).headers["location"]
        denied = browser.post(authorize, data={"action": "deny"})
        state = parse_qs(urlsplit(authorize).query)["state"][0]
        refused = browser.get(f"{denied.headers['location']}&state={state}")
        assert refused.status_code == 400 and refused.json()["error_type"] == "oauth_provider_error"

    oauth_server.cli_json(
        "oauth", "providers", "set", "--project", project.project_id, "--provider", "google",
        "--client-id", "c", "--client-secret", "s", "--issuer", f"http://127.0.0.1:{free_port()}", "--json",
    )  # fmt: skip
    down = httpx.get(start_url(oauth_server), params=params)
    assert (down.status_code, down.json()["error_type"]) == (400, "oauth_provider_error")
    assert b2b.organizations.members.search(organization_ids=[organization.organization_id]).members == []
