"""B2B Organizations through the official Python SDK's `B2BClient`: create, get (by id, slug or
external id), update, delete, search with cursors; the consumer/B2B split; the sandbox values."""

from __future__ import annotations

import stytch
from stytch.b2b.models.organizations import Organization

from tests.support.b2b_mail import error_of, new_domain
from tests.support.server import KeystileServer, Project

SANDBOX_ORGANIZATION = "organization-test-007d9d4a-deac-4a87-ba0a-e6e8afba4d4b"
SANDBOX_TOKENS = {
    "DOYoip3rvIMMW5lgItikFK-Ak1CfMsgjuiCyI7uuU94=": None,
    "3pzjQpgksDlGKWEwUq2Up--hCHC_0oamfLHyfspKDFU=": (401, "unable_to_auth_magic_link"),
    "CprTtwhnRNiMBiUS2jSLcWYrfuO2POeBNdo5HhW6qTM=": (404, "magic_link_not_found"),
}


def test_create_get_update_delete(b2b_client: stytch.B2BClient) -> None:
    domain = new_domain()
    created = b2b_client.organizations.create(
        organization_name="Acme, Inc.",
        organization_slug=domain,
        organization_logo_url="https://cdn.example.com/acme.png",
        trusted_metadata={"plan": "pro"},
        organization_external_id="acme-1",
        email_allowed_domains=[domain.upper(), domain],
        email_jit_provisioning="RESTRICTED",
        auth_methods="RESTRICTED",
        allowed_auth_methods=["magic_link", "sso"],
        mfa_methods="RESTRICTED",
        allowed_mfa_methods=["totp"],
        rbac_email_implicit_role_assignments=[{"domain": domain, "role_id": "engineer"}],
        claimed_email_domains=[domain],
    ).organization
    assert created.organization_id.startswith("organization-test-")
    assert (created.organization_name, created.organization_slug) == ("Acme, Inc.", domain)
    assert created.email_allowed_domains == [domain] and created.claimed_email_domains == [domain]
    assert (created.email_jit_provisioning, created.auth_methods) == ("RESTRICTED", "RESTRICTED")
    assert created.allowed_auth_methods == ["magic_link", "sso"]
    # Settings were given, so invites default to NOT_ALLOWED; the rest take Stytch's defaults.
    assert (created.email_invites, created.mfa_policy, created.sso_jit_provisioning) == (
        "NOT_ALLOWED",
        "OPTIONAL",
        "ALL_ALLOWED",
    )
    assert created.rbac_email_implicit_role_assignments[0].role_id == "engineer"
    assert created.trusted_metadata == {"plan": "pro"}
    assert created.created_at is not None

    for ref in (created.organization_id, domain, "acme-1"):
        assert b2b_client.organizations.get(ref).organization.organization_id == created.organization_id

    updated = b2b_client.organizations.update(
        created.organization_id,
        organization_name="Acme",
        email_allowed_domains=[],
        mfa_policy="REQUIRED_FOR_ALL",
        trusted_metadata={"plan": "enterprise"},
    ).organization
    assert (updated.organization_name, updated.organization_slug) == ("Acme", domain)
    assert updated.email_allowed_domains == [] and updated.mfa_policy == "REQUIRED_FOR_ALL"
    assert updated.allowed_auth_methods == ["magic_link", "sso"]
    assert updated.trusted_metadata == {"plan": "enterprise"}

    assert b2b_client.organizations.delete(created.organization_id).organization_id == created.organization_id
    assert error_of(lambda: b2b_client.organizations.get(created.organization_id)).error_type == (
        "organization_not_found"
    )


def test_a_bare_organization_takes_the_defaults(b2b_client: stytch.B2BClient) -> None:
    organization = b2b_client.organizations.create(organization_name="Plain Co").organization
    assert organization.organization_slug == "plain-co"
    assert organization.email_invites == "ALL_ALLOWED"
    assert organization.email_jit_provisioning == "NOT_ALLOWED"
    assert organization.sso_active_connections == [] and organization.custom_roles == []
    required = [name for name, field in Organization.model_fields.items() if field.is_required()]
    assert len(required) == 23


def test_slugs_and_external_ids_are_unique_per_project(
    server: KeystileServer, b2b_client: stytch.B2BClient
) -> None:
    slug = new_domain("slug")
    b2b_client.organizations.create(
        organization_name="One", organization_slug=slug, organization_external_id="x1"
    )
    details = error_of(
        lambda: b2b_client.organizations.create(organization_name="Two", organization_slug=slug)
    )
    assert (details.status_code, details.error_type) == (409, "organization_slug_already_used")
    assert error_of(
        lambda: b2b_client.organizations.create(organization_name="Two", organization_external_id="x1")
    ).error_type == ("organization_external_id_already_used")
    # Another project has a namespace of its own.
    other = server.create_project(vertical="b2b")
    other_client = stytch.B2BClient(
        other.project_id, other.secret, environment=server.base_url, suppress_warnings=True
    )
    assert other_client.organizations.create(organization_name="One", organization_slug=slug).organization
    assert error_of(lambda: other_client.organizations.get("x1")).error_type == "organization_not_found"


def test_invalid_settings_are_refused(b2b_client: stytch.B2BClient) -> None:
    cases = {
        "invalid_organization_slug": {"organization_slug": "has space"},
        "invalid_organization_name": {"organization_name": ""},
        "invalid_email_domain": {"email_allowed_domains": ["gmail.com"]},
        "invalid_argument": {"email_invites": "SOMETIMES"},
    }
    for error_type, fields in cases.items():
        arguments = {"organization_name": "Valid", **fields}
        assert error_of(lambda a=arguments: b2b_client.organizations.create(**a)).error_type == error_type  # type: ignore[misc]
    assert error_of(
        lambda: b2b_client.organizations.create(organization_name="X", allowed_auth_methods=["telepathy"])
    ).error_type == ("invalid_argument")


def test_search_filters_and_cursors(b2b_client: stytch.B2BClient) -> None:
    domain = new_domain("search")
    ids = [
        b2b_client.organizations.create(
            organization_name=f"Searchable {index}", email_allowed_domains=[domain] if index % 2 else []
        ).organization.organization_id
        for index in range(5)
    ]
    everything = b2b_client.organizations.search()
    assert [o.organization_id for o in everything.organizations] == ids
    assert everything.results_metadata.total == 5 and everything.results_metadata.next_cursor is None

    pages, cursor = [], None
    while True:
        page = b2b_client.organizations.search(limit=2, cursor=cursor)
        pages.append([o.organization_id for o in page.organizations])
        cursor = page.results_metadata.next_cursor
        if not cursor:
            break
    assert pages == [ids[0:2], ids[2:4], ids[4:5]]

    def found(operator: str, *operands: dict[str, object]) -> list[str]:
        query = {"operator": operator, "operands": list(operands)}
        return [o.organization_id for o in b2b_client.organizations.search(query=query).organizations]

    by_domain = {"filter_name": "allowed_domains", "filter_value": [domain]}
    by_name = {"filter_name": "organization_name_fuzzy", "filter_value": "able 4"}
    assert found("AND", by_domain) == [ids[1], ids[3]]
    assert found("AND", by_name) == [ids[4]]
    assert found("OR", by_domain, by_name) == [ids[1], ids[3], ids[4]]
    assert found("AND", by_domain, by_name) == []
    assert found("AND", {"filter_name": "organization_ids", "filter_value": [ids[2]]}) == [ids[2]]
    assert error_of(
        lambda: found("AND", {"filter_name": "organization_name_fuzzy", "filter_value": "ab"})
    ).error_type == ("invalid_search_query")


def test_consumer_and_b2b_apis_refuse_each_others_projects(
    server: KeystileServer, project: Project, b2b_project: Project
) -> None:
    consumer_on_b2b = stytch.Client(
        b2b_project.project_id, b2b_project.secret, environment=server.base_url, suppress_warnings=True
    )
    details = error_of(lambda: consumer_on_b2b.users.create(email="ada@example.com"))
    assert (details.status_code, details.error_type) == (400, "invalid_consumer_endpoint")
    assert error_of(
        lambda: consumer_on_b2b.magic_links.email.login_or_create(email="ada@example.com")
    ).error_type == ("invalid_consumer_endpoint")
    assert error_of(lambda: consumer_on_b2b.sessions.authenticate(session_token="x" * 43)).error_type == (
        "invalid_consumer_endpoint"
    )
    b2b_on_consumer = stytch.B2BClient(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )
    assert error_of(lambda: b2b_on_consumer.organizations.create(organization_name="Acme")).error_type == (
        "invalid_b2b_endpoint"
    )
    assert error_of(
        lambda: b2b_on_consumer.magic_links.email.discovery.send(email_address="a@example.com")
    ).error_type == ("invalid_b2b_endpoint")


def test_sandbox_values(b2b_client: stytch.B2BClient) -> None:
    sent = b2b_client.magic_links.email.login_or_signup(
        organization_id=SANDBOX_ORGANIZATION, email_address="sandbox@stytch.com"
    )
    assert sent.organization.organization_id == SANDBOX_ORGANIZATION
    assert sent.member.email_address == "sandbox@stytch.com"
    invited = b2b_client.magic_links.email.invite(
        organization_id=SANDBOX_ORGANIZATION, email_address="sandbox@stytch.com"
    )
    assert invited.member_id == sent.member_id
    b2b_client.magic_links.email.discovery.send(email_address="sandbox@stytch.com")
    for token, expected in SANDBOX_TOKENS.items():
        if expected is None:
            assert b2b_client.magic_links.authenticate(magic_links_token=token).member.email_address == (
                "sandbox@stytch.com"
            )
        else:
            details = error_of(lambda t=token: b2b_client.magic_links.authenticate(magic_links_token=t))  # type: ignore[misc]
            assert (details.status_code, details.error_type) == expected
