"""SAML SSO through the official Python SDK's `B2BClient` against a pysaml2 IdP on loopback: connections
(by fields and by metadata URL), the browser's redirect chain (httpx) from `/v1/public/sso/start` through
the IdP to the app, `sso.authenticate` with JIT provisioning, and every forged, replayed or misaddressed
Response refused with Stytch's error and nothing created; roles from a connection and its IdP groups."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
import stytch
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from saml2.s_utils import decode_base64_and_inflate
from saml2.samlp import authn_request_from_string
from saml2.sigver import RSACrypto, verify_redirect_signature
from saml2.xmldsig import SIG_RSA_SHA256
from sqlalchemy import func, select

from keystile.b2b.models import Member
from keystile.b2b.sso.models import SSOToken
from keystile.cli.runtime import run_in_transaction
from keystile.config import Settings
from tests.sdk.test_b2b_member_roles import sources as role_sources
from tests.sdk.test_rbac_policy import AUDITOR, POLICY, set_policy
from tests.support.b2b_mail import error_of, new_domain
from tests.support.certificates import key_and_certificate
from tests.support.node_sdk import run_node_scenario
from tests.support.password_hashes import imported_hashes
from tests.support.saml_idp import SamlIdP, User, read_form
from tests.support.server import KeystileServer, Project, self_addressed

APP = "http://localhost:3000/authenticate"
SIGNUP = "http://localhost:3000/signup"
MAPPING = {"email": "email", "first_name": "firstName", "last_name": "lastName", "groups": "groups"}


@pytest.fixture(scope="module")
def sso_server(database_url: str, run_dir: Path) -> Iterator[KeystileServer]:
    """A keystile whose public URL is its own address, so that the IdP posts back to it."""
    engine = database_url.split(":", 1)[0]
    srv = self_addressed(database_url, run_dir / f"sso-server-{engine}.log").start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def idp() -> Iterator[SamlIdP]:
    provider = SamlIdP().start()
    yield provider
    provider.stop()


@pytest.fixture
def sso_project(sso_server: KeystileServer) -> Project:
    return sso_server.create_project(vertical="b2b", redirect_urls=[APP, SIGNUP])


@pytest.fixture
def b2b(sso_server: KeystileServer, sso_project: Project) -> stytch.B2BClient:
    return stytch.B2BClient(
        sso_project.project_id, sso_project.secret, environment=sso_server.base_url, suppress_warnings=True
    )


def organization(client: stytch.B2BClient, **settings: object) -> str:
    created = client.organizations.create(organization_name=new_domain(), **settings)  # type: ignore[arg-type]
    return str(created.organization.organization_id)


def active_connection(client: stytch.B2BClient, idp: SamlIdP, org: str, **settings: object) -> str:
    """A connection set up as an admin would: from the IdP's metadata URL, then the attribute mapping."""
    created = client.sso.saml.create_connection(
        organization_id=org, display_name="Acme IdP", identity_provider="okta"
    )
    connection_id = str(created.connection.connection_id)
    client.sso.saml.update_by_url(
        organization_id=org, connection_id=connection_id, metadata_url=idp.metadata_url
    )
    client.sso.saml.update_connection(
        organization_id=org,
        connection_id=connection_id,
        attribute_mapping=MAPPING,
        **settings,  # type: ignore[arg-type]
    )
    return connection_id


def start(server: KeystileServer, project: Project, connection_id: str, **params: str) -> httpx.Response:
    query = {"connection_id": connection_id, "public_token": project.public_token, **params}
    return httpx.get(f"{server.base_url}v1/public/sso/start", params=query)


def browser_login(server: KeystileServer, project: Project, connection_id: str) -> tuple[str, str]:
    """The browser's redirect chain: start -> the IdP -> keystile's ACS -> the app; (app URL, token)."""
    started = start(server, project, connection_id, login_redirect_url=APP, signup_redirect_url=SIGNUP)
    assert started.status_code == 302, started.text
    page = httpx.get(started.headers["location"])
    action, fields = read_form(page.text)
    answered = httpx.post(action, data=fields)
    assert answered.status_code == 302, answered.text
    location = answered.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["stytch_token_type"] == ["sso"]
    return location.split("?", 1)[0], query["token"][0]


def pending_request(server: KeystileServer, project: Project, connection_id: str) -> tuple[str, str]:
    """Start a login and stop at the IdP: (the AuthnRequest's ID, its RelayState)."""
    location = start(server, project, connection_id).headers["location"]
    query = parse_qs(urlsplit(location).query)
    request = authn_request_from_string(decode_base64_and_inflate(query["SAMLRequest"][0]))
    return str(request.id), query["RelayState"][0]


def post_response(
    server: KeystileServer, connection_id: str, xml: str, relay_state: str = ""
) -> httpx.Response:
    acs = f"{server.base_url}v1/b2b/sso/callback/{connection_id}"
    return httpx.post(
        acs, data={"SAMLResponse": base64.b64encode(xml.encode()).decode(), "RelayState": relay_state}
    )


def count(server: KeystileServer, model: type, project_id: str) -> int:
    settings = Settings(database_url=server.database_url)
    query = select(func.count()).select_from(model).where(model.project_id == project_id)  # type: ignore[attr-defined]
    return int(run_in_transaction(settings, lambda s: s.scalar(query)))


def test_connection_from_metadata_url_becomes_active(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer
) -> None:
    org = organization(b2b)
    created = b2b.sso.saml.create_connection(
        organization_id=org, display_name="Acme IdP", identity_provider="okta"
    )
    connection = created.connection
    assert connection is not None and connection.status == "pending"
    acs = f"{sso_server.base_url}v1/b2b/sso/callback/{connection.connection_id}"
    assert (connection.acs_url, connection.audience_uri, connection.identity_provider) == (acs, acs, "okta")

    by_url = b2b.sso.saml.update_by_url(
        organization_id=org, connection_id=connection.connection_id, metadata_url=idp.metadata_url
    ).connection
    assert by_url is not None
    assert (by_url.idp_entity_id, by_url.idp_sso_url, by_url.status) == (
        idp.entity_id,
        idp.sso_url,
        "pending",
    )
    (certificate,) = by_url.verification_certificates
    assert "".join(certificate.certificate.split()) == "".join(idp.certificate.split())

    mapped = b2b.sso.saml.update_connection(
        organization_id=org, connection_id=connection.connection_id, attribute_mapping=MAPPING
    ).connection
    assert mapped is not None and mapped.status == "active" and mapped.attribute_mapping == MAPPING
    listed = b2b.sso.get_connections(org)
    assert [c.connection_id for c in listed.saml_connections] == [connection.connection_id]
    assert (listed.oidc_connections, listed.external_connections) == ([], [])

    details = error_of(
        lambda: b2b.sso.saml.delete_verification_certificate(
            org, connection.connection_id, certificate.certificate_id
        )
    )
    assert (details.status_code, details.error_type) == (400, "cannot_delete_last_sso_verification_key")
    details = error_of(
        lambda: b2b.sso.saml.update_connection(org, connection.connection_id, x509_certificate="nope")
    )
    assert details.error_type == "invalid_x509_certificate"
    assert b2b.sso.delete_connection(org, connection.connection_id).connection_id == connection.connection_id
    assert b2b.sso.get_connections(org).saml_connections == []
    details = error_of(
        lambda: b2b.sso.saml.update_connection(org, connection.connection_id, display_name="x")
    )
    assert (details.status_code, details.error_type) == (404, "saml_connection_not_found")


def test_sp_initiated_login_provisions_the_member_then_logs_it_in(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project
) -> None:
    org = organization(b2b)
    connection_id = active_connection(b2b, idp, org)
    idp.user = User(f"ada@{new_domain()}")

    landed, token = browser_login(sso_server, sso_project, connection_id)
    assert landed == SIGNUP  # a member that does not exist yet signs up
    answer = b2b.sso.authenticate(sso_token=token, session_duration_minutes=60)
    assert answer.member_authenticated and answer.organization_id == org
    assert (answer.member.email_address, answer.member.name, answer.member.status) == (
        idp.user.email,
        "Ada Lovelace",
        "active",
    )
    assert answer.member_session is not None
    (factor,) = answer.member_session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("sso", "sso_saml")
    assert factor.saml_sso_factor is not None and factor.saml_sso_factor.provider_id == connection_id
    assert b2b.sessions.authenticate(session_jwt=answer.session_jwt).member.member_id == answer.member_id
    details = error_of(lambda: b2b.sso.authenticate(sso_token=token))
    assert (details.status_code, details.error_type) == (404, "sso_token_not_found")

    landed, token = browser_login(sso_server, sso_project, connection_id)
    assert landed == APP  # now a member: the login URL
    assert b2b.sso.authenticate(sso_token=token).member_id == answer.member_id


def test_jit_provisioning_follows_the_organization(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project
) -> None:
    org = organization(b2b, sso_jit_provisioning="NOT_ALLOWED")
    connection_id = active_connection(b2b, idp, org)
    idp.user = User(f"eve@{new_domain()}")
    _, token = browser_login(sso_server, sso_project, connection_id)
    details = error_of(lambda: b2b.sso.authenticate(sso_token=token))
    assert details.error_type == "invalid_connection_for_jit_provisioning"
    assert count(sso_server, Member, sso_project.project_id) == 0

    b2b.organizations.update(
        org, sso_jit_provisioning="RESTRICTED", sso_jit_provisioning_allowed_connections=[connection_id]
    )
    _, token = browser_login(sso_server, sso_project, connection_id)
    assert b2b.sso.authenticate(sso_token=token).member.email_address == idp.user.email


def test_mfa_organization_gets_an_intermediate_session(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project
) -> None:
    org = organization(b2b, mfa_policy="REQUIRED_FOR_ALL")
    connection_id = active_connection(b2b, idp, org)
    idp.user = User(f"grace@{new_domain()}")
    _, token = browser_login(sso_server, sso_project, connection_id)
    answer = b2b.sso.authenticate(sso_token=token)
    assert not answer.member_authenticated and answer.intermediate_session_token
    assert answer.session_token == "" and answer.mfa_required is not None


def test_start_takes_redirect_urls_from_the_allowlist_only(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project
) -> None:
    connection_id = active_connection(b2b, idp, organization(b2b))
    refused = start(sso_server, sso_project, connection_id, login_redirect_url="https://evil.example/steal")
    assert (refused.status_code, refused.json()["error_type"]) == (400, "no_match_for_provided_sso_url")
    unknown = start(sso_server, sso_project, "saml-connection-test-00000000-0000-4000-8000-000000000000")
    assert (unknown.status_code, unknown.json()["error_type"]) == (404, "sso_connection_not_found")
    other = httpx.get(
        f"{sso_server.base_url}v1/public/sso/start",
        params={"connection_id": connection_id, "public_token": "public-token-test-nope"},
    )
    assert (other.status_code, other.json()["error_type"]) == (401, "unauthorized_credentials")


def _wrapped(xml: str, email: str) -> str:
    """Signature wrapping: a forged copy of the signed assertion, with the same ID, placed before it."""
    match = re.search(r"<(\w+:)?Assertion .*?</(\w+:)?Assertion>", xml, re.S)
    assert match is not None
    signed = match.group(0)
    forged = re.sub(r"<ds:Signature.*?</ds:Signature>", "", signed, flags=re.S).replace(
        email, "eve@evil.example"
    )
    return xml.replace(signed, forged + signed)


@pytest.mark.parametrize(
    ("attack", "error_type"),
    [
        ("unsigned", "missing_signature_saml_response"),
        ("forged", "invalid_signature_saml_response"),
        ("tampered", "invalid_signature_saml_response"),
        ("wrapped", "invalid_saml_response"),
        ("audience", "invalid_audience_saml_response"),
        ("recipient", "invalid_saml_response"),
        ("expired", "expired_saml_response"),
        ("other_request", "unsolicited_saml_response"),
        ("sha1", "invalid_signature_saml_response"),
    ],
)
def test_refused_responses_create_nothing(
    b2b: stytch.B2BClient,
    idp: SamlIdP,
    sso_server: KeystileServer,
    sso_project: Project,
    attack: str,
    error_type: str,
) -> None:
    org = organization(b2b)
    connection_id = active_connection(b2b, idp, org, idp_initiated_auth_disabled=True)
    idp.user = User(f"ada@{new_domain()}")
    request_id, relay_state = pending_request(sso_server, sso_project, connection_id)
    acs = f"{sso_server.base_url}v1/b2b/sso/callback/{connection_id}"
    answer = {"acs_url": acs, "audience": acs, "in_response_to": request_id}
    response = {
        "unsigned": lambda: idp.response(**answer, sign_assertion=False),
        "forged": lambda: idp.response(**answer, forged=True),
        "tampered": lambda: idp.response(**answer).replace(idp.user.email, "eve@evil.example"),
        "wrapped": lambda: _wrapped(idp.response(**answer), idp.user.email),
        "audience": lambda: idp.response(**{**answer, "audience": "https://other.example/sp"}),
        "recipient": lambda: idp.response(**answer, destination="https://other.example/acs"),
        "expired": lambda: idp.response(**answer, expired=True),
        "other_request": lambda: idp.response(**{**answer, "in_response_to": "id-of-another-request"}),
        "sha1": lambda: idp.response(**answer, sha1=True),
    }[attack]()
    refused = post_response(sso_server, connection_id, response, relay_state)
    assert (refused.status_code, refused.json()["error_type"]) == (400, error_type)
    if attack == "sha1":  # refused by keystile's pinned algorithms, whatever xmlsec1 accepts
        assert "SHA-256, SHA-384 or SHA-512 only" in refused.json()["error_message"]
    assert count(sso_server, SSOToken, sso_project.project_id) == 0
    assert count(sso_server, Member, sso_project.project_id) == 0


def test_idp_initiated_login_unless_disabled(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project
) -> None:
    org = organization(b2b)
    connection_id = active_connection(b2b, idp, org)
    idp.user = User(f"lin@{new_domain()}")
    acs = f"{sso_server.base_url}v1/b2b/sso/callback/{connection_id}"
    accepted = post_response(
        sso_server, connection_id, idp.response(acs_url=acs, audience=acs, in_response_to=None)
    )
    assert accepted.status_code == 302
    token = parse_qs(urlsplit(accepted.headers["location"]).query)["token"][0]
    assert b2b.sso.authenticate(sso_token=token).member.email_address == idp.user.email

    b2b.sso.saml.update_connection(org, connection_id, idp_initiated_auth_disabled=True)
    refused = post_response(
        sso_server, connection_id, idp.response(acs_url=acs, audience=acs, in_response_to=None)
    )
    assert (refused.status_code, refused.json()["error_type"]) == (400, "unsolicited_saml_response")


def test_replayed_responses_are_refused(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project
) -> None:
    """An SP-initiated Response posted again answers a request that is used up; an IdP-initiated one
    posted again carries an assertion id keystile has seen."""
    connection_id = active_connection(b2b, idp, organization(b2b))
    idp.user = User(f"ada@{new_domain()}")
    started = start(
        sso_server, sso_project, connection_id, login_redirect_url=APP, signup_redirect_url=SIGNUP
    )
    action, fields = read_form(httpx.get(started.headers["location"]).text)
    assert httpx.post(action, data=fields).status_code == 302
    again = httpx.post(action, data=fields)
    assert (again.status_code, again.json()["error_type"]) == (400, "unsolicited_saml_response")

    acs = f"{sso_server.base_url}v1/b2b/sso/callback/{connection_id}"
    unsolicited = idp.response(acs_url=acs, audience=acs, in_response_to=None)
    assert post_response(sso_server, connection_id, unsolicited).status_code == 302
    replayed = post_response(sso_server, connection_id, unsolicited)
    assert (replayed.status_code, replayed.json()["error_type"]) == (400, "duplicate_saml_response")
    assert count(sso_server, SSOToken, sso_project.project_id) == 2


def test_connection_and_group_roles_reach_the_member_its_jwt_and_checks(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project, tmp_path: Path
) -> None:
    assert set_policy(sso_server, sso_project, POLICY, tmp_path).returncode == 0
    org = organization(b2b)
    b2b.rbac.organizations.set_org_policy(org, {"roles": [AUDITOR]})
    connection_id = active_connection(b2b, idp, org)
    refused = error_of(
        lambda: b2b.sso.saml.update_connection(
            organization_id=org,
            connection_id=connection_id,
            saml_connection_implicit_role_assignments=[{"role_id": "editor"}],
            saml_group_implicit_role_assignments=[{"role_id": "ghost", "group": "engineering"}],
        )
    )
    assert (refused.status_code, refused.error_type) == (400, "invalid_rbac_role_id")
    (unchanged,) = b2b.sso.get_connections(organization_id=org).saml_connections
    assert unchanged.saml_connection_implicit_role_assignments == []
    assert unchanged.saml_group_implicit_role_assignments == []

    updated = b2b.sso.saml.update_connection(
        organization_id=org,
        connection_id=connection_id,
        saml_connection_implicit_role_assignments=[{"role_id": "editor"}],
        saml_group_implicit_role_assignments=[
            {"role_id": "auditor", "group": "engineering"},
            {"role_id": "stytch_admin", "group": "finance"},
        ],
    ).connection
    assert updated is not None
    assert [item.role_id for item in updated.saml_connection_implicit_role_assignments] == ["editor"]
    assert [(g.role_id, g.group) for g in updated.saml_group_implicit_role_assignments] == [
        ("auditor", "engineering"),
        ("stytch_admin", "finance"),
    ]

    idp.user = User(f"ada@{new_domain()}", groups=["engineering"])
    answer = b2b.sso.authenticate(sso_token=browser_login(sso_server, sso_project, connection_id)[1])
    expected = {
        "stytch_member": ["direct_assignment"],
        "editor": ["sso_connection"],
        "auditor": ["sso_connection_group"],
    }
    assert role_sources(answer.member) == expected  # not stytch_admin: not in the finance group
    by_role = {role.role_id: role.sources[0].details for role in answer.member.roles}
    assert by_role["editor"] == {"connection_id": connection_id}
    assert by_role["auditor"] == {"connection_id": connection_id, "group": "engineering"}
    assert role_sources(
        b2b.organizations.members.get(organization_id=org, member_id=answer.member_id).member
    ) == (expected)
    claims = jwt.decode(answer.session_jwt, options={"verify_signature": False})
    assert claims["https://stytch.com/session"]["roles"] == ["stytch_member", "editor", "auditor"]
    write = {"organization_id": org, "resource_id": "documents", "action": "write"}
    granted = b2b.sessions.authenticate(session_token=answer.session_token, authorization_check=write)
    assert granted.verdict is not None and granted.verdict.granting_roles == ["editor"]
    delete = {"organization_id": org, "resource_id": "stytch.member", "action": "delete"}
    denied = error_of(
        lambda: b2b.sessions.authenticate(session_token=answer.session_token, authorization_check=delete)
    )
    assert (denied.status_code, denied.error_type) == (403, "session_authorization_error")

    # Through a connection that grants nothing, the member keeps the first connection's roles on its
    # object, but this session holds them not (Stytch: only a session with that connection's factor).
    other = active_connection(b2b, idp, org)
    second = b2b.sso.authenticate(sso_token=browser_login(sso_server, sso_project, other)[1])
    assert second.member_id == answer.member_id and role_sources(second.member) == expected
    claims = jwt.decode(second.session_jwt, options={"verify_signature": False})
    assert claims["https://stytch.com/session"]["roles"] == ["stytch_member"]
    refused = error_of(
        lambda: b2b.sessions.authenticate(session_token=second.session_token, authorization_check=write)
    )
    assert refused.error_type == "session_authorization_error"


def test_migrate_taking_a_role_the_connection_grants_ends_its_sso_sessions_unless_preserved(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project, tmp_path: Path
) -> None:
    """passwords.migrate's `roles` replace the explicit ones; taking away one that the SSO connection
    also grants ends the member's sessions through that connection, unless `preserve_existing_sessions`."""
    assert set_policy(sso_server, sso_project, POLICY, tmp_path).returncode == 0
    org = organization(b2b)
    connection_id = active_connection(b2b, idp, org)
    b2b.sso.saml.update_connection(
        organization_id=org,
        connection_id=connection_id,
        saml_connection_implicit_role_assignments=[{"role_id": "editor"}],
    )
    [argon] = [h for h in imported_hashes("violet tangerine oboe 71") if h["hash_type"] == "argon_2i"]
    sessions = {}
    for label in ("kept", "ended"):
        idp.user = User(f"{label}@{new_domain()}")
        answer = b2b.sso.authenticate(sso_token=browser_login(sso_server, sso_project, connection_id)[1])
        b2b.organizations.members.update(organization_id=org, member_id=answer.member_id, roles=["editor"])
        assert role_sources(
            b2b.organizations.members.get(organization_id=org, member_id=answer.member_id).member
        )["editor"] == ["direct_assignment", "sso_connection"]
        b2b.passwords.migrate(
            email_address=answer.member.email_address,
            organization_id=org,
            roles=[],
            preserve_existing_sessions=label == "kept",
            **argon,
        )
        sessions[label] = answer.session_token
        assert role_sources(
            b2b.organizations.members.get(organization_id=org, member_id=answer.member_id).member
        )["editor"] == ["sso_connection"]
    assert b2b.sessions.authenticate(session_token=sessions["kept"]).member_session.member_id
    ended = error_of(lambda: b2b.sessions.authenticate(session_token=sessions["ended"]))
    assert (ended.status_code, ended.error_type) == (404, "session_not_found")


def _signed_by(location: str, certificate: str) -> bool:
    """Whether the HTTP-Redirect AuthnRequest at `location` carries an RSA-SHA256 signature that
    `certificate` verifies, as an IdP with WantAuthnRequestsSigned checks it."""
    query = {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
    assert query["SigAlg"] == SIG_RSA_SHA256
    body = "".join(line for line in certificate.strip().splitlines() if not line.startswith("-----"))
    return bool(verify_redirect_signature(query, RSACrypto(None), cert=body))


def _pkcs1(key: rsa.RSAPrivateKey, form: serialization.PrivateFormat) -> str:
    return key.private_bytes(serialization.Encoding.PEM, form, serialization.NoEncryption()).decode()


def test_authn_requests_are_signed_with_the_connections_key(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project
) -> None:
    org = organization(b2b)
    connection_id = active_connection(b2b, idp, org)
    (generated,) = b2b.sso.get_connections(organization_id=org).saml_connections[0].signing_certificates
    location = start(sso_server, sso_project, connection_id).headers["location"]
    assert _signed_by(location, generated.certificate)

    # The admin's own PKCS#1 key replaces keystile's: its certificate is shown, and signs from now on.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    updated = b2b.sso.saml.update_connection(
        organization_id=org,
        connection_id=connection_id,
        signing_private_key=_pkcs1(key, serialization.PrivateFormat.TraditionalOpenSSL),
    ).connection
    assert updated is not None
    (given,) = updated.signing_certificates
    assert given.certificate_id != generated.certificate_id
    shown = x509.load_pem_x509_certificate(given.certificate.encode()).public_key()
    assert isinstance(shown, rsa.RSAPublicKey) and shown.public_numbers() == key.public_key().public_numbers()
    location = start(sso_server, sso_project, connection_id).headers["location"]
    assert _signed_by(location, given.certificate) and not _signed_by(location, generated.certificate)

    # Other key forms are refused with Stytch's errors, and the connection keeps its key.
    pkcs8 = _pkcs1(key, serialization.PrivateFormat.PKCS8)
    broken = "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n"
    small = _pkcs1(
        rsa.generate_private_key(public_exponent=65537, key_size=1024),
        serialization.PrivateFormat.TraditionalOpenSSL,
    )
    for pem, error_type in (
        (pkcs8, "saml_signing_private_key_format_not_supported"),
        (broken, "saml_signing_private_key_invalid"),
        (small, "saml_signing_private_key_invalid"),
    ):
        refused = error_of(
            lambda pem=pem: b2b.sso.saml.update_connection(
                organization_id=org, connection_id=connection_id, signing_private_key=pem
            )
        )
        assert (refused.status_code, refused.error_type) == (400, error_type)
    listed = httpx.get(
        f"{sso_server.base_url}v1/b2b/sso/{org}", auth=(sso_project.project_id, sso_project.secret)
    )
    assert [
        cert["certificate_id"] for cert in listed.json()["saml_connections"][0]["signing_certificates"]
    ] == [given.certificate_id]
    assert "PRIVATE KEY" not in listed.text and "private_key_encrypted" not in listed.text


def test_encrypted_assertions_are_read_with_the_connections_keys(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project, tmp_path: Path
) -> None:
    org = organization(b2b)
    connection_id = active_connection(b2b, idp, org)
    key, certificate = key_and_certificate(tmp_path, "sp-encryption")
    _, other_certificate = key_and_certificate(tmp_path, "someone-else")
    b2b.sso.saml.update_connection(
        organization_id=org, connection_id=connection_id, saml_encryption_private_key=key.read_text()
    )
    idp.user = User(f"ada@{new_domain()}")
    try:
        idp.encrypt_to = certificate.read_text()
        _, token = browser_login(sso_server, sso_project, connection_id)
        assert b2b.sso.authenticate(sso_token=token).member.email_address == idp.user.email

        # An assertion encrypted to a key the connection does not hold cannot be read: nothing is made.
        idp.encrypt_to = other_certificate.read_text()
        request_id, relay_state = pending_request(sso_server, sso_project, connection_id)
        acs = f"{sso_server.base_url}v1/b2b/sso/callback/{connection_id}"
        sealed = idp.response(acs_url=acs, audience=acs, in_response_to=request_id)
    finally:
        idp.encrypt_to = None
    assert "EncryptedAssertion" in sealed and idp.user.email not in sealed
    refused = post_response(sso_server, connection_id, sealed, relay_state)
    assert (refused.status_code, refused.json()["error_type"]) == (400, "invalid_saml_response")
    assert count(sso_server, SSOToken, sso_project.project_id) == 1


def test_start_by_organization_takes_its_default_connection(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project
) -> None:
    def started(**locators: str) -> httpx.Response:
        query = {"public_token": sso_project.public_token, **locators}
        return httpx.get(f"{sso_server.base_url}v1/public/sso/start", params=query)

    def refusal(response: httpx.Response) -> tuple[int, str]:
        return response.status_code, response.json()["error_type"]

    org = organization(b2b)
    assert refusal(started(organization_id=org)) == (404, "no_sso_connection_exists_for_organization")
    connection_id = active_connection(b2b, idp, org)  # an organization's first connection is its default
    slug = b2b.organizations.get(organization_id=org).organization.organization_slug
    for ref in (org, slug):
        location = started(organization_id=ref).headers["location"]
        assert location.startswith(idp.sso_url)
        request = authn_request_from_string(
            decode_base64_and_inflate(parse_qs(urlsplit(location).query)["SAMLRequest"][0])
        )
        assert str(request.assertion_consumer_service_url).endswith(connection_id)
    assert refusal(started()) == (400, "missing_sso_connection_locator")
    assert refusal(started(organization_id=org, connection_id=connection_id)) == (
        400,
        "too_many_sso_connection_locators",
    )
    assert refusal(started(organization_id="organization-test-00000000-0000-4000-8000-000000000000")) == (
        404,
        "organization_not_found",
    )
    b2b.organizations.update(organization_id=org, sso_default_connection_id="")
    assert refusal(started(organization_id=org)) == (400, "indeterminate_sso_connection_for_organization")


def test_login_through_an_external_connection_joins_the_organization_using_it(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project
) -> None:
    owner = organization(b2b)
    source = active_connection(b2b, idp, owner)
    user = organization(b2b)
    external = b2b.sso.external.create_connection(
        organization_id=user,
        external_organization_id=owner,
        external_connection_id=source,
        connection_implicit_role_assignments=[{"role_id": "stytch_admin"}],
    ).connection
    assert external is not None
    idp.user = User(f"ada@{new_domain()}")
    for started_by in ({"connection_id": external.connection_id}, {"organization_id": user}):
        started = httpx.get(
            f"{sso_server.base_url}v1/public/sso/start",
            params={"public_token": sso_project.public_token, **started_by},
        )
        assert started.status_code == 302, started.text
        location = started.headers["location"]
        request = authn_request_from_string(
            decode_base64_and_inflate(parse_qs(urlsplit(location).query)["SAMLRequest"][0])
        )
        # The IdP knows the source connection only: the request is that connection's.
        assert str(request.assertion_consumer_service_url).endswith(source)

    answer = b2b.sso.authenticate(sso_token=browser_login(sso_server, sso_project, external.connection_id)[1])
    assert answer.organization_id == user and answer.member.email_address == idp.user.email
    assert role_sources(answer.member) == {
        "stytch_member": ["direct_assignment"],
        "stytch_admin": ["sso_connection"],
    }
    (factor,) = answer.member_session.authentication_factors if answer.member_session else []
    assert factor.saml_sso_factor is not None
    assert factor.saml_sso_factor.provider_id == external.connection_id
    missing = error_of(
        lambda: b2b.organizations.members.get(organization_id=owner, email_address=idp.user.email)
    )
    assert missing.error_type == "member_not_found"  # the owner organization got no member

    # Once the external connection is deleted, a login it started lands nowhere.
    pending = pending_request(sso_server, sso_project, external.connection_id)
    b2b.sso.delete_connection(organization_id=user, connection_id=external.connection_id)
    acs = f"{sso_server.base_url}v1/b2b/sso/callback/{source}"
    late = idp.response(acs_url=acs, audience=acs, in_response_to=pending[0])
    refused = post_response(sso_server, source, late, pending[1])
    assert (refused.status_code, refused.json()["error_type"]) == (404, "sso_connection_not_found")


def test_members_list_their_sso_registrations(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project
) -> None:
    org = organization(b2b)
    connection_id = active_connection(b2b, idp, org)
    idp.user = User(f"ada@{new_domain()}")
    answer = b2b.sso.authenticate(sso_token=browser_login(sso_server, sso_project, connection_id)[1])
    (registration,) = answer.member.sso_registrations
    assert (registration.connection_id, registration.external_id) == (connection_id, idp.user.email)
    assert registration.sso_attributes is not None
    assert registration.sso_attributes["firstName"] == [idp.user.first_name]

    # Another login through the same connection keeps the one registration.
    again = b2b.sso.authenticate(sso_token=browser_login(sso_server, sso_project, connection_id)[1])
    assert [r.registration_id for r in again.member.sso_registrations] == [registration.registration_id]
    got = b2b.organizations.members.get(organization_id=org, member_id=answer.member_id).member
    assert [r.registration_id for r in got.sso_registrations] == [registration.registration_id]

    b2b.sso.delete_connection(organization_id=org, connection_id=connection_id)
    got = b2b.organizations.members.get(organization_id=org, member_id=answer.member_id).member
    assert got.sso_registrations == []


def test_node_sdk(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project
) -> None:
    org = organization(b2b)
    connection_id = active_connection(b2b, idp, org)
    idp.user = User(f"ada@{new_domain()}")
    _, token = browser_login(sso_server, sso_project, connection_id)
    steps = run_node_scenario(
        sso_server,
        sso_project,
        "b2b_sso_saml",
        ORGANIZATION_ID=org,
        METADATA_URL=idp.metadata_url,
        SSO_TOKEN=token,
    )["steps"]
    assert steps["update_by_url"]["connection"]["idp_entity_id"] == idp.entity_id
    updated = steps["update"]["connection"]
    assert updated["status"] == "active" and len(updated["signing_certificates"]) == 1
    listed = [c["connection_id"] for c in steps["list"]["saml_connections"]]
    assert listed == [connection_id, steps["create"]["connection"]["connection_id"]]
    signed_in = steps["authenticate"]
    assert (signed_in["member"]["email_address"], signed_in["member_authenticated"]) == (idp.user.email, True)
    factor = signed_in["member_session"]["authentication_factors"][0]
    assert (factor["delivery_method"], factor["saml_sso_factor"]["provider_id"]) == (
        "sso_saml",
        connection_id,
    )
    assert (steps["again"]["status_code"], steps["again"]["error_type"]) == (404, "sso_token_not_found")


def test_a_migrated_connection_keeps_the_previous_providers_audience_and_acs_url(
    b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer, sso_project: Project
) -> None:
    """Zero-downtime migration: the IdP keeps its settings (audience, ACS URL) of the previous provider,
    whose ACS URL now proxies to keystile's."""
    audience, acs = "https://old-auth.example/saml/metadata", "https://old-auth.example/saml/acs"
    org = organization(b2b)
    connection_id = active_connection(
        b2b, idp, org, alternative_audience_uri=audience, alternative_acs_url=acs
    )
    location = start(sso_server, sso_project, connection_id).headers["location"]
    query = parse_qs(urlsplit(location).query)
    request = authn_request_from_string(decode_base64_and_inflate(query["SAMLRequest"][0]))
    assert (request.assertion_consumer_service_url, request.issuer.text) == (acs, audience)

    idp.user = User(f"ada@{new_domain()}")
    answer = idp.response(acs_url=acs, audience=audience, in_response_to=str(request.id))
    landed = post_response(sso_server, connection_id, answer, query["RelayState"][0])
    assert landed.status_code == 302, landed.text
    token = parse_qs(urlsplit(landed.headers["location"]).query)["token"][0]
    assert b2b.sso.authenticate(sso_token=token).member.email_address == idp.user.email
