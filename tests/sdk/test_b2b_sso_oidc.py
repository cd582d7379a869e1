"""OIDC SSO through the official Python SDK's `B2BClient` against a real OpenID Connect provider on
loopback (oidc-provider-mock): connections completed from the issuer's discovery document, the
browser's way from `/v1/public/sso/start` through the provider's consent form back to keystile's
callback and on to the app, `sso.authenticate` with JIT provisioning and MFA; and every tampered,
replayed, misissued, refused or unreachable answer refused with Stytch's error and nothing created."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import stytch
from sqlalchemy import select

from keystile.b2b.models import Member
from keystile.b2b.sso.models import OIDCConnection, SSOToken
from keystile.cli.runtime import run_in_transaction
from keystile.config import Settings
from tests.sdk.test_b2b_passwords import STRONG, member_with_password
from tests.sdk.test_b2b_sso_saml import (
    APP,
    SIGNUP,
    b2b,
    count,
    idp,
    organization,
    sso_project,
    sso_server,
)
from tests.sdk.test_b2b_sso_saml import active_connection as active_saml_connection
from tests.support.b2b_mail import error_of, new_domain
from tests.support.node_sdk import run_node_scenario
from tests.support.oidc_provider import OidcProvider, oidc_provider
from tests.support.saml_idp import SamlIdP
from tests.support.server import KeystileServer, Project

__all__ = ["b2b", "idp", "sso_project", "sso_server"]  # fixtures shared with the SAML tests


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with oidc_provider() as running:
        yield running


def active_connection(client: stytch.B2BClient, provider: OidcProvider, org: str) -> str:
    """A connection set up as an admin would: created, then the issuer and the client given."""
    created = client.sso.oidc.create_connection(
        organization_id=org, display_name="Acme", identity_provider="okta"
    )
    connection_id = str(created.connection.connection_id)
    client.sso.oidc.update_connection(
        organization_id=org,
        connection_id=connection_id,
        issuer=provider.issuer,
        client_id="acme-client",
        client_secret="acme-secret",
    )
    return connection_id


def to_callback(server: KeystileServer, project: Project, connection_id: str, sub: str) -> str:
    """Start a login and consent at the provider as `sub`: the provider's redirect to keystile's
    callback (carrying the code and state), not followed yet."""
    query = {
        "connection_id": connection_id,
        "public_token": project.public_token,
        "login_redirect_url": APP,
        "signup_redirect_url": SIGNUP,
    }
    started = httpx.get(f"{server.base_url}v1/public/sso/start", params=query)
    assert started.status_code == 302, started.text
    authorize = started.headers["location"]
    consented = httpx.post(authorize, data={"sub": sub})
    assert consented.status_code == 302, consented.text
    location = str(consented.headers["location"])
    assert location.startswith(f"{server.base_url}v1/b2b/sso/callback/{connection_id}?")
    return location


def landed(answer: httpx.Response) -> tuple[str, str]:
    """(the app URL keystile sent the browser to, the SSO token it carries)."""
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["stytch_token_type"] == ["sso"]
    return location.split("?", 1)[0], query["token"][0]


def new_user(provider: OidcProvider) -> tuple[str, str]:
    sub, email = f"sub-{new_domain()}", f"ada@{new_domain()}"
    provider.set_user(sub, email=email, email_verified=True, name="Ada Lovelace")
    return sub, email


def test_connection_is_completed_from_discovery_and_keeps_its_secret_encrypted(
    b2b: stytch.B2BClient, provider: OidcProvider, sso_server: KeystileServer
) -> None:
    org = organization(b2b)
    created = b2b.sso.oidc.create_connection(
        organization_id=org, display_name="Acme", identity_provider="okta"
    )
    connection = created.connection
    assert (
        connection is not None and connection.status == "pending" and connection.identity_provider == "okta"
    )
    assert connection.redirect_url == f"{sso_server.base_url}v1/b2b/sso/callback/{connection.connection_id}"

    updated = b2b.sso.oidc.update_connection(
        organization_id=org,
        connection_id=connection.connection_id,
        issuer=provider.issuer,
        client_id="acme-client",
        client_secret="acme-secret",
        custom_scopes="openid email",
        attribute_mapping={"email": "email"},
    )
    done = updated.connection
    assert done is not None and done.status == "active" and updated.warning is None
    assert (done.issuer, done.client_id, done.client_secret, done.custom_scopes) == (
        provider.issuer, "acme-client", "", "openid email",
    )  # fmt: skip
    assert done.authorization_url == f"{provider.issuer}/oauth2/authorize"
    assert done.jwks_url.startswith(provider.issuer) and done.token_url and done.userinfo_url
    listed = b2b.sso.get_connections(org)
    assert [c.connection_id for c in listed.oidc_connections] == [connection.connection_id]
    assert listed.saml_connections == []

    stored = run_in_transaction(
        Settings(database_url=sso_server.database_url),
        lambda s: s.scalar(select(OIDCConnection.client_secret_encrypted)),
    )
    assert stored and "acme-secret" not in stored

    unreachable = b2b.sso.oidc.update_connection(
        organization_id=org, connection_id=connection.connection_id, issuer="http://127.0.0.1:9/nowhere"
    )
    assert unreachable.warning and unreachable.connection is not None
    assert unreachable.connection.authorization_url == done.authorization_url  # kept: nothing inferred

    assert b2b.sso.delete_connection(org, connection.connection_id).connection_id == connection.connection_id
    assert b2b.sso.get_connections(org).oidc_connections == []
    details = error_of(
        lambda: b2b.sso.oidc.update_connection(org, connection.connection_id, display_name="x")
    )
    assert (details.status_code, details.error_type) == (404, "sso_connection_not_found")


def test_login_provisions_the_member_then_logs_it_in(
    b2b: stytch.B2BClient, provider: OidcProvider, sso_server: KeystileServer, sso_project: Project
) -> None:
    org = organization(b2b)
    connection_id = active_connection(b2b, provider, org)
    sub, email = new_user(provider)

    app_url, token = landed(httpx.get(to_callback(sso_server, sso_project, connection_id, sub)))
    assert app_url == SIGNUP
    answer = b2b.sso.authenticate(sso_token=token, session_duration_minutes=60)
    assert answer.member_authenticated and answer.organization_id == org
    assert (answer.member.email_address, answer.member.name, answer.member.status) == (
        email,
        "Ada Lovelace",
        "active",
    )
    (factor,) = answer.member_session.authentication_factors
    assert factor.delivery_method == "sso_oidc"
    assert factor.oidc_sso_factor is not None and factor.oidc_sso_factor.provider_id == connection_id
    assert factor.oidc_sso_factor.external_id == sub
    assert b2b.sessions.authenticate(session_token=answer.session_token).member.member_id == answer.member_id

    app_url, token = landed(httpx.get(to_callback(sso_server, sso_project, connection_id, sub)))
    assert app_url == APP  # the member exists now
    again = b2b.sso.authenticate(sso_token=token)
    assert again.member_id == answer.member_id
    assert error_of(lambda: b2b.sso.authenticate(sso_token=token)).error_type == "sso_token_not_found"


def test_mfa_organization_gets_an_intermediate_session(
    b2b: stytch.B2BClient, provider: OidcProvider, sso_server: KeystileServer, sso_project: Project
) -> None:
    org = organization(b2b, mfa_policy="REQUIRED_FOR_ALL")
    connection_id = active_connection(b2b, provider, org)
    sub, _ = new_user(provider)
    _, token = landed(httpx.get(to_callback(sso_server, sso_project, connection_id, sub)))
    answer = b2b.sso.authenticate(sso_token=token)
    assert not answer.member_authenticated and answer.intermediate_session_token
    assert answer.session_token == ""


def refused_without_trace(server: KeystileServer, project: Project, answer: httpx.Response) -> str:
    """The Stytch error type of a refused callback, after checking that no token and no member exist."""
    assert answer.status_code in (400, 401, 404), answer.text
    assert count(server, SSOToken, project.project_id) == 0
    assert count(server, Member, project.project_id) == 0
    return str(answer.json()["error_type"])


def with_query(url: str, **changes: str) -> str:
    base, query = url.split("?", 1)
    params = {name: values[0] for name, values in parse_qs(query).items()}
    return str(httpx.URL(base, params={**params, **changes}))


def test_tampered_or_replayed_callbacks_are_refused(
    b2b: stytch.B2BClient, provider: OidcProvider, sso_server: KeystileServer, sso_project: Project
) -> None:
    connection_id = active_connection(b2b, provider, organization(b2b))
    sub, _ = new_user(provider)
    callback = to_callback(sso_server, sso_project, connection_id, sub)
    tampered = httpx.get(with_query(callback, state="forged-" + "x" * 40))
    assert refused_without_trace(sso_server, sso_project, tampered) == "invalid_oidc_state"
    no_state = httpx.get(callback.split("?", 1)[0], params={"code": "whatever"})
    assert refused_without_trace(sso_server, sso_project, no_state) == "invalid_oidc_state"

    landed(httpx.get(callback))
    replayed = httpx.get(callback)
    assert (replayed.status_code, replayed.json()["error_type"]) == (400, "invalid_oidc_state")
    assert count(sso_server, SSOToken, sso_project.project_id) == 1


@pytest.mark.parametrize(
    "claims",
    [{"nonce": "another-nonce"}, {"aud": "another-client"}, {"iss": "http://localhost:1/other"}, {"exp": 1}],
    ids=["nonce", "aud", "iss", "exp"],
)
def test_misissued_id_tokens_are_refused(
    b2b: stytch.B2BClient,
    provider: OidcProvider,
    sso_server: KeystileServer,
    sso_project: Project,
    claims: dict[str, object],
) -> None:
    connection_id = active_connection(b2b, provider, organization(b2b))
    sub, _ = new_user(provider)
    callback = to_callback(sso_server, sso_project, connection_id, sub)
    provider.altered_claims = claims
    try:
        answer = httpx.get(callback)
    finally:
        provider.altered_claims = {}
    assert refused_without_trace(sso_server, sso_project, answer) == "invalid_id_token"


def test_provider_refusal_and_outage_are_refused(
    b2b: stytch.B2BClient, provider: OidcProvider, sso_server: KeystileServer, sso_project: Project
) -> None:
    connection_id = active_connection(b2b, provider, organization(b2b))
    sub, _ = new_user(provider)
    callback = to_callback(sso_server, sso_project, connection_id, sub)
    denied = httpx.get(with_query(callback, error="access_denied", code=""))
    assert refused_without_trace(sso_server, sso_project, denied) == "oauth_provider_error"
    assert "access_denied" in denied.json()["error_message"]

    with oidc_provider() as doomed:
        org = organization(b2b)
        down_connection = active_connection(b2b, doomed, org)
        doomed.set_user(sub, email=f"grace@{new_domain()}")
        down_callback = to_callback(sso_server, sso_project, down_connection, sub)
    down = httpx.get(down_callback)
    assert refused_without_trace(sso_server, sso_project, down) == "oauth_provider_error"


def test_node_sdk(
    b2b: stytch.B2BClient, provider: OidcProvider, sso_server: KeystileServer, sso_project: Project
) -> None:
    org = organization(b2b)
    connection_id = active_connection(b2b, provider, org)
    sub, email = new_user(provider)
    _, token = landed(httpx.get(to_callback(sso_server, sso_project, connection_id, sub)))
    steps = run_node_scenario(
        sso_server, sso_project, "b2b_sso_oidc", ORGANIZATION_ID=org, ISSUER=provider.issuer, SSO_TOKEN=token
    )["steps"]
    updated = steps["update"]["connection"]
    assert (updated["status"], updated["client_secret"]) == ("active", "")
    assert updated["authorization_url"] == f"{provider.issuer}/oauth2/authorize"
    listed = [c["connection_id"] for c in steps["list"]["oidc_connections"]]
    assert listed == [connection_id, steps["create"]["connection"]["connection_id"]]
    signed_in = steps["authenticate"]
    assert (signed_in["member"]["email_address"], signed_in["member_authenticated"]) == (email, True)
    factor = signed_in["member_session"]["authentication_factors"][0]
    assert (factor["delivery_method"], factor["oidc_sso_factor"]["provider_id"]) == (
        "sso_oidc",
        connection_id,
    )
    assert (steps["again"]["status_code"], steps["again"]["error_type"]) == (404, "sso_token_not_found")


def test_organization_shows_its_active_and_default_connections(
    b2b: stytch.B2BClient, provider: OidcProvider
) -> None:
    org = organization(b2b)
    blank = b2b.organizations.get(org).organization
    assert (blank.sso_active_connections, blank.sso_default_connection_id) == ([], None)
    first = b2b.sso.oidc.create_connection(organization_id=org, display_name="First").connection
    second = b2b.sso.oidc.create_connection(
        organization_id=org, display_name="Second", identity_provider="okta"
    )
    assert first is not None and second.connection is not None
    pending = b2b.organizations.get(org).organization
    assert (pending.sso_active_connections, pending.sso_default_connection_id) == ([], first.connection_id)

    b2b.sso.oidc.update_connection(
        org, second.connection.connection_id, issuer=provider.issuer, client_id="c", client_secret="s"
    )
    shown = b2b.organizations.get(org).organization
    assert [(c.connection_id, c.display_name, c.identity_provider) for c in shown.sso_active_connections] == [
        (second.connection.connection_id, "Second", "okta")
    ]
    updated = b2b.organizations.update(org, sso_default_connection_id=second.connection.connection_id)
    assert updated.organization.sso_default_connection_id == second.connection.connection_id
    other = b2b.sso.oidc.create_connection(organization_id=organization(b2b)).connection
    assert other is not None
    refused = error_of(lambda: b2b.organizations.update(org, sso_default_connection_id=other.connection_id))
    assert (refused.status_code, refused.error_type) == (404, "sso_connection_not_found")
    b2b.sso.delete_connection(org, second.connection.connection_id)
    after = b2b.organizations.get(org).organization
    assert (after.sso_active_connections, after.sso_default_connection_id) == ([], None)


def test_a_password_login_shows_the_organization_as_organizations_get_does(
    b2b: stytch.B2BClient, provider: OidcProvider, idp: SamlIdP
) -> None:
    """A password login reads the organization with the member's password in one statement (issue
    #25), and shows the same Organization: allowed email domains in order, active SAML and OIDC
    connections oldest first (not a pending one), custom roles; named by id or by slug."""
    slug, domains = new_domain("slug"), sorted(new_domain() for _ in range(2))
    org = organization(b2b, organization_slug=slug, email_allowed_domains=domains[::-1])
    oidc = active_connection(b2b, provider, org)
    saml = active_saml_connection(b2b, idp, org)
    b2b.sso.oidc.create_connection(organization_id=org, display_name="Pending")
    role = {"role_id": "auditor", "description": "Reads the books", "permissions": []}
    b2b.rbac.organizations.set_org_policy(org, {"roles": [role]})
    email = member_with_password(b2b, org)
    shown = b2b.organizations.get(org).organization
    assert [c.connection_id for c in shown.sso_active_connections] == [oidc, saml]
    assert shown.email_allowed_domains == domains
    assert [r.role_id for r in shown.custom_roles] == ["auditor"]
    member = b2b.organizations.members.get(organization_id=org, email_address=email).member
    for ref in (org, slug):
        login = b2b.passwords.authenticate(organization_id=ref, email_address=email, password=STRONG)
        assert login.member_authenticated and login.organization_id == org
        assert login.organization == shown
        assert login.member == member
