"""B2B OAuth with GitHub and Slack through the official Python SDK against a real server: GitHub (the
plain OAuth 2.0 provider on loopback) logs an existing member into an organization, provisions one by
email domain, discovers the organizations of its primary verified address into an intermediate
session, and is refused when it vouches for no address; Slack (the loopback OpenID Connect provider
standing in for it, its team in the `https://slack.com/team_id` claim) provisions a member of an
allowed team by the organization's allowed OAuth tenants and refuses another team's, writing nothing."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import stytch
from stytch.b2b.models.organizations import Organization

from tests.sdk.test_oauth import APP, challenge_of, google, oauth_server, token_of
from tests.sdk.test_oauth_github import github
from tests.support.github_provider import GithubProvider, authorize
from tests.support.oidc_provider import OidcProvider, consent
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project

__all__ = ["github", "google", "oauth_server"]  # the consumer tests' module fixtures, shared

SLACK_TEAM = "https://slack.com/team_id"


def start_url(server: KeystileServer, provider: str, *, discovery: bool = False) -> str:
    return f"{server.base_url}v1/b2b/public/oauth/{provider}/{'discovery/' if discovery else ''}start"


def b2b_project(server: KeystileServer) -> tuple[stytch.B2BClient, Project]:
    project = server.create_project(vertical="b2b", redirect_urls=[APP])
    client = stytch.B2BClient(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )
    return client, project


def new_organization(b2b: stytch.B2BClient, **settings: Any) -> tuple[Organization, str]:
    """An organization of a fresh email domain, and the domain."""
    domain = f"{uuid.uuid4().hex[:10]}.example.org"
    organization = b2b.organizations.create(
        organization_name="Acme", organization_slug=domain.split(".")[0], **settings
    ).organization
    return organization, domain


@pytest.fixture
def github_b2b(oauth_server: KeystileServer, github: GithubProvider) -> tuple[stytch.B2BClient, Project]:
    b2b, project = b2b_project(oauth_server)
    github.configure(oauth_server, project)
    return b2b, project


def github_login(server: KeystileServer, project: Project, login: str, **params: str) -> httpx.Response:
    with httpx.Client() as browser:
        return authorize(
            browser, start_url(server, "github"), {"public_token": project.public_token, **params}, login
        )


def test_github_login_into_an_organization(
    oauth_server: KeystileServer, github: GithubProvider, github_b2b: tuple[stytch.B2BClient, Project]
) -> None:
    b2b, project = github_b2b
    organization, domain = new_organization(b2b)
    email = f"mona@{domain}"
    member = b2b.organizations.members.create(
        organization_id=organization.organization_id, email_address=email
    ).member
    account = github.add_account(
        f"mona-{domain}", (f"mona@personal-{domain}", False, True), (email, True, True)
    )
    verifier = "h" * 43
    answer = github_login(
        oauth_server, project, account.login, organization_id=organization.organization_id,
        pkce_code_challenge=challenge_of(verifier),
    )  # fmt: skip
    assert answer.status_code == 302, answer.text
    done = b2b.oauth.authenticate(
        oauth_token=token_of(answer.headers["location"]),
        pkce_code_verifier=verifier,
        session_duration_minutes=30,
    )
    assert done.member_authenticated is True and done.member_id == member.member_id
    assert (done.provider_type, done.provider_subject) == ("github", str(account.id))
    tokens = done.provider_values
    assert tokens is not None and (tokens.access_token or "").startswith("gho_") and tokens.id_token == ""
    assert done.member_session is not None
    assert "oauth_github" in [f.delivery_method for f in done.member_session.authentication_factors]
    # The member's GitHub token, as the app reads it to call GitHub's API.
    held = b2b.organizations.members.oauth_providers.github(organization.organization_id, member.member_id)
    [registration] = held.registrations
    assert registration.access_token == tokens.access_token
    assert registration.provider_subject == str(account.id)


def test_github_provisions_by_email_domain(
    oauth_server: KeystileServer, github: GithubProvider, github_b2b: tuple[stytch.B2BClient, Project]
) -> None:
    b2b, project = github_b2b
    organization, domain = new_organization(b2b)
    b2b.organizations.update(
        organization_id=organization.organization_id, email_allowed_domains=[domain],
        email_jit_provisioning="RESTRICTED",
    )  # fmt: skip
    account = github.add_account(f"grace-{domain}", (f"grace@{domain}", True, True), name="Grace Hopper")
    answer = github_login(oauth_server, project, account.login, slug=organization.organization_slug)
    assert answer.status_code == 302, answer.text
    done = b2b.oauth.authenticate(oauth_token=token_of(answer.headers["location"]))
    assert done.member_authenticated is True
    assert (done.member.email_address, done.member.name) == (f"grace@{domain}", "Grace Hopper")


def test_github_without_a_verified_primary_address_is_refused(
    oauth_server: KeystileServer, github: GithubProvider, github_b2b: tuple[stytch.B2BClient, Project]
) -> None:
    b2b, project = github_b2b
    organization, domain = new_organization(
        b2b, email_jit_provisioning="RESTRICTED", email_allowed_domains=[]
    )
    b2b.organizations.update(
        organization_id=organization.organization_id, email_allowed_domains=[domain],
        email_jit_provisioning="RESTRICTED",
    )  # fmt: skip
    account = github.add_account(f"eve-{domain}", (f"eve@{domain}", True, False), email=f"eve@{domain}")
    answer = github_login(oauth_server, project, account.login, organization_id=organization.organization_id)
    assert (answer.status_code, answer.json()["error_type"]) == (400, "oauth_provider_error")
    assert b2b.organizations.members.search(organization_ids=[organization.organization_id]).members == []


def test_github_discovery_into_an_intermediate_session(
    oauth_server: KeystileServer, github: GithubProvider, github_b2b: tuple[stytch.B2BClient, Project]
) -> None:
    b2b, project = github_b2b
    organization, domain = new_organization(b2b)
    email = f"ada@{domain}"
    member = b2b.organizations.members.create(
        organization_id=organization.organization_id, email_address=email
    ).member
    account = github.add_account(f"ada-{domain}", (email, True, True), name="Ada Lovelace")
    verifier = "q" * 43
    params = {"public_token": project.public_token, "pkce_code_challenge": challenge_of(verifier)}
    with httpx.Client() as browser:
        answer = authorize(browser, start_url(oauth_server, "github", discovery=True), params, account.login)
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["stytch_token_type"] == ["discovery_oauth"]

    found = b2b.oauth.discovery.authenticate(
        discovery_oauth_token=query["token"][0], pkce_code_verifier=verifier
    )
    assert (found.email_address, found.provider_type, found.full_name) == (email, "github", "Ada Lovelace")
    [discovered] = found.discovered_organizations
    assert discovered.organization is not None
    assert discovered.organization.organization_id == organization.organization_id
    exchanged = b2b.discovery.intermediate_sessions.exchange(
        intermediate_session_token=found.intermediate_session_token,
        organization_id=organization.organization_id,
    )
    assert exchanged.member_authenticated is True and exchanged.member_id == member.member_id
    member_session = b2b.sessions.authenticate(session_token=exchanged.session_token).member_session
    assert "oauth_github" in [f.delivery_method for f in member_session.authentication_factors]


def slack_login(
    server: KeystileServer, project: Project, organization: Organization, sub: str
) -> httpx.Response:
    with httpx.Client() as browser:
        params = {"public_token": project.public_token, "organization_id": organization.organization_id}
        return consent(browser, start_url(server, "slack"), params, sub)


def test_slack_team_jit_provisioning(oauth_server: KeystileServer, google: OidcProvider) -> None:
    """`google` here is the loopback OpenID Connect provider, configured as the project's Slack."""
    b2b, project = b2b_project(oauth_server)
    google.configure(oauth_server, project, provider="slack", client_id="slack-client")
    team, other_team = f"T{uuid.uuid4().hex[:9].upper()}", f"T{uuid.uuid4().hex[:9].upper()}"
    organization, _ = new_organization(
        b2b, oauth_tenant_jit_provisioning="RESTRICTED", allowed_oauth_tenants={"slack": [team]}
    )
    assert organization.allowed_oauth_tenants == {"slack": [team]}

    # Another team's account (at an address no email rule admits) is refused, and nothing is written.
    outsider = f"U{uuid.uuid4().hex[:9]}"
    google.set_user(
        outsider, email=f"{outsider}@elsewhere.example", email_verified=True, **{SLACK_TEAM: other_team}
    )
    answer = slack_login(oauth_server, project, organization, outsider)
    assert answer.status_code == 302, answer.text
    refused = token_of(answer.headers["location"])
    assert (
        error_type(lambda: b2b.oauth.authenticate(oauth_token=refused))
        == "invalid_email_for_jit_provisioning"
    )
    assert b2b.organizations.members.search(organization_ids=[organization.organization_id]).members == []

    # The allowed team's account becomes a member.
    insider = f"U{uuid.uuid4().hex[:9]}"
    email = f"{insider.lower()}@contractor.example"
    google.set_user(insider, email=email, email_verified=True, name="Katherine Johnson", **{SLACK_TEAM: team})
    answer = slack_login(oauth_server, project, organization, insider)
    assert answer.status_code == 302, answer.text
    done = b2b.oauth.authenticate(oauth_token=token_of(answer.headers["location"]))
    assert done.member_authenticated is True and done.provider_type == "slack"
    assert (done.member.email_address, done.member.name) == (email, "Katherine Johnson")
    [member] = b2b.organizations.members.search(organization_ids=[organization.organization_id]).members
    assert member.member_id == done.member_id
    [registration] = b2b.organizations.members.oauth_providers.slack(
        organization.organization_id, done.member_id
    ).registrations
    assert registration.provider_tenant_id == team
