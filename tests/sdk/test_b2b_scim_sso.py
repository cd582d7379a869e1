"""SCIM provisioning meets SSO, through the official Python SDK's `B2BClient`: a member an IdP creates
through the SCIM 2.0 /Users endpoint signs in by SAML (pysaml2 on loopback) or OIDC (oidc-provider-mock
on loopback) as itself, no second member provisioned; once the IdP deactivates it (PATCH active=false)
or deletes it, its sessions are gone and `sso.authenticate` refuses it with Stytch's error, writing
nothing; provisioned again by SCIM (PATCH active=true, or a new POST after a DELETE), it signs in again
as the same member."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
import stytch

from keystile.b2b.models import Member, MemberSession
from keystile.b2b.sso.models import SSORegistration
from tests.sdk.test_b2b_sso_oidc import active_connection as oidc_connection
from tests.sdk.test_b2b_sso_oidc import landed, provider, to_callback
from tests.sdk.test_b2b_sso_saml import (
    APP,
    SIGNUP,
    b2b,
    browser_login,
    count,
    idp,
    organization,
    sso_project,
    sso_server,
)
from tests.sdk.test_b2b_sso_saml import active_connection as saml_connection
from tests.support.b2b_mail import error_of, new_domain
from tests.support.oidc_provider import OidcProvider
from tests.support.saml_idp import SamlIdP, User
from tests.support.scim import USER_SCHEMA, connection_of, patch, scim_get, scim_send
from tests.support.server import KeystileServer, Project

__all__ = ["b2b", "idp", "provider", "sso_project", "sso_server"]  # fixtures shared with the SSO tests


@dataclass
class Protocol:
    """One SSO protocol's connection set-up and browser sign-in: `connect(org)` gives an active
    connection's id; `sign_in(connection_id, email)` the (app URL, SSO token) the browser lands with."""

    name: str
    connect: Callable[[str], str]
    sign_in: Callable[[str, str], tuple[str, str]]


@pytest.fixture(params=["saml", "oidc"])
def sso(
    request: pytest.FixtureRequest, b2b: stytch.B2BClient, sso_server: KeystileServer, sso_project: Project
) -> Protocol:
    if request.param == "saml":
        saml_idp: SamlIdP = request.getfixturevalue("idp")

        def saml_sign_in(connection_id: str, email: str) -> tuple[str, str]:
            saml_idp.user = User(email)
            return browser_login(sso_server, sso_project, connection_id)

        return Protocol("saml", lambda org: saml_connection(b2b, saml_idp, org), saml_sign_in)
    oidc: OidcProvider = request.getfixturevalue("provider")

    def oidc_sign_in(connection_id: str, email: str) -> tuple[str, str]:
        sub = f"sub-{email}"
        oidc.set_user(sub, email=email, email_verified=True, name="Ada Lovelace")
        return landed(httpx.get(to_callback(sso_server, sso_project, connection_id, sub)))

    return Protocol("oidc", lambda org: oidc_connection(b2b, oidc, org), oidc_sign_in)


def scim_user(base_url: str, token: str, email: str) -> str:
    """The id of the member the IdP provisions as the SCIM User `email`."""
    user = {
        "schemas": [USER_SCHEMA],
        "userName": email,
        "name": {"givenName": "Grace", "familyName": "Hopper"},
        "emails": [{"value": email, "type": "work", "primary": True}],
        "active": True,
    }
    created = scim_send("POST", f"{base_url}/Users", token, user)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def deactivate(way: str, base_url: str, token: str, member_id: str) -> None:
    """Deprovision the User as IdPs do: Okta and Entra ID PATCH active=false, others DELETE it."""
    url = f"{base_url}/Users/{member_id}"
    if way == "patch":
        answer = scim_send("PATCH", url, token, patch([{"op": "replace", "value": {"active": False}}]))
        assert answer.status_code == 200 and answer.json()["active"] is False, answer.text
    else:
        answer = httpx.delete(url, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 204, answer.text


@pytest.mark.parametrize("way", ["patch", "delete"])
def test_a_scim_member_signs_in_by_sso_until_the_idp_deactivates_it(
    b2b: stytch.B2BClient,
    sso_server: KeystileServer,
    sso_project: Project,
    sso: Protocol,
    way: str,
) -> None:
    org = organization(b2b)  # JIT provisioning by SSO allowed: only the member's status refuses it
    connection_id = sso.connect(org)
    base_url, token = connection_of(b2b, sso_server, org)
    email = f"grace@{new_domain()}"
    member_id = scim_user(base_url, token, email)

    app_url, sso_token = sso.sign_in(connection_id, email)
    assert app_url == APP  # a member already: the login URL
    answer = b2b.sso.authenticate(sso_token=sso_token, session_duration_minutes=60)
    assert answer.member_authenticated and answer.organization_id == org
    assert (answer.member_id, answer.member.email_address, answer.member.status) == (
        member_id,
        email,
        "active",
    )
    assert answer.member.name == "Grace Hopper"  # SCIM's name, not the IdP assertion's
    assert answer.member_session is not None and answer.member_session.member_id == member_id
    (factor,) = answer.member_session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("sso", f"sso_{sso.name}")
    assert b2b.sessions.authenticate(session_token=answer.session_token).member.member_id == member_id
    assert count(sso_server, Member, sso_project.project_id) == 1  # no member JIT-provisioned
    registrations = count(sso_server, SSORegistration, sso_project.project_id)

    deactivate(way, base_url, token, member_id)
    ended = error_of(lambda: b2b.sessions.authenticate(session_token=answer.session_token))
    assert ended.status_code == 404 and ended.error_type == "session_not_found"
    assert count(sso_server, MemberSession, sso_project.project_id) == 0

    app_url, sso_token = sso.sign_in(connection_id, email)
    assert app_url == SIGNUP  # no active member of that address
    refused = error_of(lambda: b2b.sso.authenticate(sso_token=sso_token, session_duration_minutes=60))
    assert (refused.status_code, refused.error_type) == (404, "member_not_found")
    # Nothing written: no session, no new member, no registration, the member still deleted.
    assert count(sso_server, MemberSession, sso_project.project_id) == 0
    assert count(sso_server, Member, sso_project.project_id) == 1
    assert count(sso_server, SSORegistration, sso_project.project_id) == registrations
    member = b2b.organizations.members.dangerously_get(member_id=member_id, include_deleted=True).member
    assert member.status == "deleted"
    user = scim_get(base_url, token, f"/Users/{member_id}")
    if way == "patch":
        assert user.status_code == 200 and user.json()["active"] is False
    else:
        assert user.status_code == 404


def reactivate(way: str, base_url: str, token: str, member_id: str, email: str) -> None:
    """Provision the User again: a deactivated one by PATCH active=true; a deleted one by creating it
    anew, which brings back the same member (RFC 7644 section 3.6: a deleted User is no conflict)."""
    if way == "patch":
        url = f"{base_url}/Users/{member_id}"
        again = scim_send("PATCH", url, token, patch([{"op": "replace", "path": "active", "value": True}]))
        assert again.status_code == 200 and again.json()["active"] is True, again.text
    else:
        assert scim_user(base_url, token, email) == member_id
        found = scim_get(base_url, token, f'/Users?filter=userName eq "{email}"').json()
        assert [user["id"] for user in found["Resources"]] == [member_id]


@pytest.mark.parametrize("way", ["patch", "delete"])
def test_a_member_the_idp_provisions_again_signs_in_again(
    b2b: stytch.B2BClient, sso_server: KeystileServer, sso_project: Project, sso: Protocol, way: str
) -> None:
    org = organization(b2b)
    connection_id = sso.connect(org)
    base_url, token = connection_of(b2b, sso_server, org)
    email = f"alan@{new_domain()}"
    member_id = scim_user(base_url, token, email)
    deactivate(way, base_url, token, member_id)
    _, sso_token = sso.sign_in(connection_id, email)
    assert error_of(lambda: b2b.sso.authenticate(sso_token=sso_token)).error_type == "member_not_found"

    reactivate(way, base_url, token, member_id, email)
    app_url, sso_token = sso.sign_in(connection_id, email)
    assert app_url == APP
    answer = b2b.sso.authenticate(sso_token=sso_token)
    assert answer.member_authenticated and answer.member_id == member_id
    assert answer.member.status == "active"
    assert count(sso_server, Member, sso_project.project_id) == 1
