"""A member's provider tokens through the official Python SDK (`organizations.members.oauth_providers.*`
and `members.oidc_providers`) after logins through the loopback OpenID Connect provider standing in
for Google: the newest login's tokens, the refresh token only when asked for, an expired access token
refreshed, the answers for a provider the member never used, an unknown member or organization,
and another organization's member; and the member's OAuth registrations each login (organization
login, or discovery into the organization) records, shown on the Member object, gone with the member."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import stytch
from stytch.b2b.models.oauth import ProviderValues
from stytch.b2b.models.organizations import Organization

from tests.sdk.test_b2b_oauth import b2b_setup, log_in
from tests.sdk.test_oauth import challenge_of, google, oauth_server, token_of
from tests.support.oidc_provider import OidcProvider, consent
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project

__all__ = ["google", "oauth_server"]  # the consumer tests' module fixtures, shared

UNKNOWN_MEMBER = "member-test-00000000-0000-4000-8000-000000000000"
UNKNOWN_ORGANIZATION = "organization-test-00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class GoogleMember:
    """A member of a fresh organization whose address the loopback Google vouches for as `sub`."""

    server: KeystileServer
    b2b: stytch.B2BClient
    project: Project
    organization: Organization
    member_id: str
    email: str
    sub: str

    @property
    def ids(self) -> dict[str, str]:
        return {"organization_id": self.organization.organization_id, "member_id": self.member_id}

    def log_in(self) -> ProviderValues:
        """Log in through Google into the organization: the provider's tokens as authenticate answers."""
        answer = log_in(
            self.server, self.project, self.sub, organization_id=self.organization.organization_id
        )
        assert answer.status_code == 302, answer.text
        return self.b2b.oauth.authenticate(oauth_token=token_of(answer.headers["location"])).provider_values


def google_member(server: KeystileServer, google: OidcProvider, name: str) -> GoogleMember:
    b2b, project, organization, domain = b2b_setup(server, google)
    email, sub = f"{name}@{domain}", f"{name}-{domain}"
    member = b2b.organizations.members.create(
        organization_id=organization.organization_id, email_address=email
    ).member
    google.set_user(sub, email=email, email_verified=True)
    return GoogleMember(server, b2b, project, organization, member.member_id, email, sub)


def refusal(read: Callable[..., object], organization_id: str, member_id: str) -> str:
    return error_type(lambda: read(organization_id=organization_id, member_id=member_id))


def test_google_tokens_of_the_newest_login(oauth_server: KeystileServer, google: OidcProvider) -> None:
    ada = google_member(oauth_server, google, "ada")
    ada.log_in()
    newest = ada.log_in()
    providers = ada.b2b.organizations.members.oauth_providers

    tokens = providers.google(**ada.ids)
    assert (tokens.status_code, tokens.provider_type, tokens.provider_subject) == (200, "google", ada.sub)
    assert (tokens.access_token, tokens.id_token) == (newest.access_token, newest.id_token)
    assert tokens.scopes == newest.scopes and "openid" in tokens.scopes
    assert tokens.access_token_expires_in is not None and 0 < tokens.access_token_expires_in <= 3600
    assert tokens.refresh_token is None

    with_refresh = providers.google(
        organization_id=ada.organization.organization_slug,
        member_id=ada.member_id,
        include_refresh_token=True,
    )
    assert newest.refresh_token and with_refresh.refresh_token == newest.refresh_token
    without = providers.google(**ada.ids, include_refresh_token=False)
    assert without.refresh_token is None and without.access_token == newest.access_token


def test_an_expired_access_token_is_refreshed(oauth_server: KeystileServer, google: OidcProvider) -> None:
    di = google_member(oauth_server, google, "di")
    google.access_token_lifetime = 1
    try:
        login = di.log_in()
    finally:
        google.access_token_lifetime = None
    time.sleep(2.1)
    providers = di.b2b.organizations.members.oauth_providers

    refreshed = providers.google(**di.ids, include_refresh_token=True)
    assert refreshed.access_token != login.access_token and refreshed.refresh_token
    assert refreshed.access_token_expires_in is not None and refreshed.access_token_expires_in > 60
    bearer = {"Authorization": f"Bearer {refreshed.access_token}"}
    userinfo = httpx.get(f"{google.issuer}/userinfo", headers=bearer)
    assert userinfo.status_code == 200 and userinfo.json()["sub"] == di.sub
    assert providers.google(**di.ids).access_token == refreshed.access_token  # stored, not refreshed again


def test_providers_the_member_never_used(oauth_server: KeystileServer, google: OidcProvider) -> None:
    bo = google_member(oauth_server, google, "bo")
    providers = bo.b2b.organizations.members.oauth_providers
    assert error_type(lambda: providers.google(**bo.ids)) == "oauth_user_registration_not_found"
    assert error_type(lambda: providers.microsoft(**bo.ids)) == "oauth_user_registration_not_found"
    github = providers.github(**bo.ids)
    assert (github.provider_type, github.registrations) == ("github", [])
    assert providers.hubspot(**bo.ids, include_refresh_token=True).registrations == []
    assert providers.slack(**bo.ids).registrations == []
    assert bo.b2b.organizations.members.oidc_providers(**bo.ids).registrations == []


def test_unknown_and_foreign_members(oauth_server: KeystileServer, google: OidcProvider) -> None:
    cy = google_member(oauth_server, google, "cy")
    cy.log_in()
    b2b, organization_id = cy.b2b, cy.organization.organization_id
    other = b2b.organizations.create(
        organization_name="Other", organization_slug=f"o-{cy.organization.organization_slug}"
    ).organization.organization_id
    providers = b2b.organizations.members.oauth_providers

    for read in (providers.google, providers.github, b2b.organizations.members.oidc_providers):
        assert refusal(read, organization_id, UNKNOWN_MEMBER) == "member_not_found"
        assert refusal(read, other, cy.member_id) == "member_not_found"
        assert refusal(read, UNKNOWN_ORGANIZATION, cy.member_id) == "organization_not_found"

    # The same address in another organization, which it never logged in to.
    twin = b2b.organizations.members.create(organization_id=other, email_address=cy.email).member
    assert refusal(providers.google, other, twin.member_id) == "oauth_user_registration_not_found"


def test_each_login_records_the_members_registration(
    oauth_server: KeystileServer, google: OidcProvider
) -> None:
    ed = google_member(oauth_server, google, "ed")
    ed.log_in()
    answer = log_in(oauth_server, ed.project, ed.sub, organization_id=ed.organization.organization_id)
    done = ed.b2b.oauth.authenticate(oauth_token=token_of(answer.headers["location"]))
    [registration] = done.member.oauth_registrations
    assert (registration.provider_type, registration.provider_subject) == ("google", ed.sub)
    assert registration.member_oauth_registration_id.startswith("member-oauth-registration-test-")

    members = ed.b2b.organizations.members
    assert members.get(**ed.ids).member.oauth_registrations == [registration]
    found = members.search(organization_ids=[ed.organization.organization_id]).members
    assert [member.oauth_registrations for member in found] == [[registration]]

    members.delete(**ed.ids)
    deleted = members.dangerously_get(member_id=ed.member_id, include_deleted=True).member
    assert deleted.status == "deleted" and deleted.oauth_registrations == []


def test_discovery_into_the_organization_records_the_registration(
    oauth_server: KeystileServer, google: OidcProvider
) -> None:
    fay = google_member(oauth_server, google, "fay")
    verifier = "f" * 43
    params = {"public_token": fay.project.public_token, "pkce_code_challenge": challenge_of(verifier)}
    start = f"{oauth_server.base_url}v1/b2b/public/oauth/google/discovery/start"
    with httpx.Client() as browser:
        answer = consent(browser, start, params, fay.sub)
    assert answer.status_code == 302, answer.text
    token = parse_qs(urlsplit(answer.headers["location"]).query)["token"][0]
    found = fay.b2b.oauth.discovery.authenticate(discovery_oauth_token=token, pkce_code_verifier=verifier)
    assert fay.b2b.organizations.members.get(**fay.ids).member.oauth_registrations == []

    exchanged = fay.b2b.discovery.intermediate_sessions.exchange(
        intermediate_session_token=found.intermediate_session_token,
        organization_id=fay.organization.organization_id,
    )
    assert exchanged.member_id == fay.member_id
    [registration] = fay.b2b.organizations.members.get(**fay.ids).member.oauth_registrations
    assert (registration.provider_type, registration.provider_subject) == ("google", fay.sub)
    tokens = fay.b2b.organizations.members.oauth_providers.google(**fay.ids)
    assert tokens.provider_subject == fay.sub and tokens.access_token and tokens.id_token
