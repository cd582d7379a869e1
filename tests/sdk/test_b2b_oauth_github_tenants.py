"""B2B GitHub logins and their tenants, through the official Python SDK against a real server and the
loopback GitHub: keystile asks for Stytch's B2B GitHub scopes (`user`, `read:org`), reads the account's
organizations from `/user/orgs` (every page), provisions a member of an organization that allows one of
them (`allowed_oauth_tenants: {"github": [...]}`), refuses an account in none of them without writing
anything, lists their ids as `provider_tenant_ids` (the member's GitHub registrations, the discovery
answer), and ends a login whose `/user/orgs` fails in `oauth_provider_error`, handing out no token."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import stytch

from tests.sdk.test_b2b_oauth_github import github_b2b, github_login, new_organization, start_url
from tests.sdk.test_oauth import oauth_server, token_of
from tests.sdk.test_oauth_github import github
from tests.support.github_provider import GithubAccount, GithubOrganization, GithubProvider, authorize
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project

__all__ = ["github", "github_b2b", "oauth_server"]  # the module fixtures, shared


def suffix() -> str:
    return uuid.uuid4().hex[:8]


def member_of(
    github: GithubProvider, *organizations: GithubOrganization, public: bool = False
) -> GithubAccount:
    """A GitHub account at an address no email rule admits, in `organizations`."""
    login = f"octo-{suffix()}"
    account = github.add_account(login, (f"{login}@users.example", True, True), name="Octo Cat")
    for organization in organizations:
        account.join(organization, public=public)
    return account


def test_b2b_github_asks_for_stytchs_scopes(
    oauth_server: KeystileServer, github_b2b: tuple[stytch.B2BClient, Project]
) -> None:
    b2b, project = github_b2b
    organization, _ = new_organization(b2b)
    with httpx.Client() as browser:
        started = browser.get(
            start_url(oauth_server, "github"),
            params={"public_token": project.public_token, "organization_id": organization.organization_id},
        )
    assert started.status_code == 302, started.text
    [scope] = parse_qs(urlsplit(started.headers["location"]).query)["scope"]
    assert scope.split() == ["user", "read:org"]


def test_an_allowed_github_organization_admits_a_new_member(
    oauth_server: KeystileServer, github: GithubProvider, github_b2b: tuple[stytch.B2BClient, Project]
) -> None:
    b2b, project = github_b2b
    allowed, other = github.add_organization(f"acme-{suffix()}"), github.add_organization(f"x-{suffix()}")
    organization, _ = new_organization(
        b2b, oauth_tenant_jit_provisioning="RESTRICTED", allowed_oauth_tenants={"github": [str(allowed.id)]}
    )
    account = member_of(github, other, allowed)  # a private membership: `read:org` shows it
    answer = github_login(oauth_server, project, account.login, organization_id=organization.organization_id)
    assert answer.status_code == 302, answer.text
    done = b2b.oauth.authenticate(oauth_token=token_of(answer.headers["location"]))
    assert done.member_authenticated is True and done.provider_type == "github"
    assert (done.member.email_address, done.member.name) == (f"{account.login}@users.example", "Octo Cat")
    [registration] = b2b.organizations.members.oauth_providers.github(
        organization.organization_id, done.member_id
    ).registrations
    assert registration.provider_subject == str(account.id)
    assert registration.provider_tenant_ids == [str(other.id), str(allowed.id)]
    assert set(registration.scopes) == {"user", "read:org"}


def test_allowed_tenants_may_name_github_ids_as_numbers(
    oauth_server: KeystileServer, github: GithubProvider, github_b2b: tuple[stytch.B2BClient, Project]
) -> None:
    b2b, project = github_b2b
    allowed = github.add_organization(f"acme-{suffix()}")
    organization, _ = new_organization(
        b2b, oauth_tenant_jit_provisioning="RESTRICTED", allowed_oauth_tenants={"github": [allowed.id]}
    )
    account = member_of(github, allowed)
    answer = github_login(oauth_server, project, account.login, slug=organization.organization_slug)
    done = b2b.oauth.authenticate(oauth_token=token_of(answer.headers["location"]))
    assert done.member_authenticated is True


def test_an_account_in_no_allowed_organization_is_refused(
    oauth_server: KeystileServer, github: GithubProvider, github_b2b: tuple[stytch.B2BClient, Project]
) -> None:
    b2b, project = github_b2b
    allowed, other = github.add_organization(f"acme-{suffix()}"), github.add_organization(f"x-{suffix()}")
    organization, _ = new_organization(
        b2b, oauth_tenant_jit_provisioning="RESTRICTED", allowed_oauth_tenants={"github": [str(allowed.id)]}
    )
    for account in (member_of(github, other), member_of(github)):
        answer = github_login(
            oauth_server, project, account.login, organization_id=organization.organization_id
        )
        assert answer.status_code == 302, answer.text
        refused = token_of(answer.headers["location"])
        assert error_type(lambda token=refused: b2b.oauth.authenticate(oauth_token=token)) == (
            "invalid_email_for_jit_provisioning"
        )
    assert b2b.organizations.members.search(organization_ids=[organization.organization_id]).members == []


def test_tenant_provisioning_off_admits_no_allowed_organization(
    oauth_server: KeystileServer, github: GithubProvider, github_b2b: tuple[stytch.B2BClient, Project]
) -> None:
    b2b, project = github_b2b
    allowed = github.add_organization(f"acme-{suffix()}")
    organization, _ = new_organization(
        b2b, oauth_tenant_jit_provisioning="NOT_ALLOWED", allowed_oauth_tenants={"github": [str(allowed.id)]}
    )
    answer = github_login(
        oauth_server, project, member_of(github, allowed).login, organization_id=organization.organization_id
    )
    refused = token_of(answer.headers["location"])
    assert error_type(lambda: b2b.oauth.authenticate(oauth_token=refused)) == (
        "invalid_email_for_jit_provisioning"
    )
    assert b2b.organizations.members.search(organization_ids=[organization.organization_id]).members == []


@pytest.fixture
def small_pages(github: GithubProvider) -> Iterator[None]:
    """GitHub's `/user/orgs` as if its largest page held 2 organizations."""
    github.max_page_size = 2
    try:
        yield
    finally:
        github.max_page_size = 100


@pytest.mark.usefixtures("small_pages")
def test_every_page_of_organizations_counts(
    oauth_server: KeystileServer, github: GithubProvider, github_b2b: tuple[stytch.B2BClient, Project]
) -> None:
    b2b, project = github_b2b
    found = [github.add_organization(f"o{n}-{suffix()}") for n in range(5)]
    organization, _ = new_organization(
        b2b, oauth_tenant_jit_provisioning="RESTRICTED", allowed_oauth_tenants={"github": [str(found[-1].id)]}
    )
    account = member_of(github, *found, public=True)
    answer = github_login(oauth_server, project, account.login, organization_id=organization.organization_id)
    done = b2b.oauth.authenticate(oauth_token=token_of(answer.headers["location"]))
    [registration] = b2b.organizations.members.oauth_providers.github(
        organization.organization_id, done.member_id
    ).registrations
    assert registration.provider_tenant_ids == [str(one.id) for one in found]


def test_discovery_shows_the_accounts_organizations(
    oauth_server: KeystileServer, github: GithubProvider, github_b2b: tuple[stytch.B2BClient, Project]
) -> None:
    b2b, project = github_b2b
    organization, domain = new_organization(b2b)
    email = f"ada@{domain}"
    member = b2b.organizations.members.create(
        organization_id=organization.organization_id, email_address=email
    ).member
    orgs = [github.add_organization(f"a-{suffix()}"), github.add_organization(f"b-{suffix()}")]
    account = github.add_account(f"ada-{domain}", (email, True, True))
    for one in orgs:
        account.join(one)
    with httpx.Client() as browser:
        answer = authorize(
            browser,
            start_url(oauth_server, "github", discovery=True),
            {"public_token": project.public_token},
            account.login,
        )
    assert answer.status_code == 302, answer.text
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["stytch_token_type"] == ["discovery_oauth"]
    found = b2b.oauth.discovery.authenticate(discovery_oauth_token=query["token"][0])
    assert found.provider_tenant_ids == [str(one.id) for one in orgs]
    assert found.provider_tenant_id == ""  # Stytch's: only when there is exactly one
    exchanged = b2b.discovery.intermediate_sessions.exchange(
        intermediate_session_token=found.intermediate_session_token,
        organization_id=organization.organization_id,
    )
    assert exchanged.member_id == member.member_id
    [registration] = b2b.organizations.members.oauth_providers.github(
        organization.organization_id, member.member_id
    ).registrations
    assert registration.provider_tenant_ids == [str(one.id) for one in orgs]


@pytest.fixture
def organizations_down(github: GithubProvider) -> Iterator[None]:
    github.organizations_down = True
    try:
        yield
    finally:
        github.organizations_down = False


@pytest.mark.usefixtures("organizations_down")
def test_a_failing_organizations_list_ends_the_login(
    oauth_server: KeystileServer, github: GithubProvider, github_b2b: tuple[stytch.B2BClient, Project]
) -> None:
    b2b, project = github_b2b
    allowed = github.add_organization(f"acme-{suffix()}")
    organization, _ = new_organization(
        b2b, oauth_tenant_jit_provisioning="RESTRICTED", allowed_oauth_tenants={"github": [str(allowed.id)]}
    )
    account = member_of(github, allowed)
    answer = github_login(oauth_server, project, account.login, organization_id=organization.organization_id)
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["error_type"] == "oauth_provider_error"
    assert "organizations" in body["error_message"]
    assert b2b.organizations.members.search(organization_ids=[organization.organization_id]).members == []
