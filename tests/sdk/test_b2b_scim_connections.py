"""An organization's SCIM connection through the official Python SDK: created with its bearer token
shown once (and its last four characters after), updated, read, its groups listed, deleted; the
token rotated (start, complete, cancel); one connection per organization, none reachable from
another organization or project."""

from __future__ import annotations

import stytch

from tests.support.b2b_mail import error_of, new_domain
from tests.support.server import KeystileServer


def organization(client: stytch.B2BClient) -> str:
    return str(client.organizations.create(organization_name=new_domain()).organization.organization_id)


def test_a_connection_shows_its_token_once(b2b_client: stytch.B2BClient) -> None:
    org = organization(b2b_client)
    scim = b2b_client.scim.connection
    assert scim.get(organization_id=org).connection is None

    created = scim.create(organization_id=org, display_name="Okta SCIM", identity_provider="okta").connection
    assert created is not None
    assert len(created.bearer_token) >= 43 and created.status == "active"
    assert created.connection_id.startswith("scim-connection-test-")
    assert created.base_url.endswith(f"/v1/b2b/scim/{created.connection_id}")
    assert (created.display_name, created.identity_provider) == ("Okta SCIM", "okta")

    got = scim.get(organization_id=org).connection
    assert got is not None and got.connection_id == created.connection_id
    assert got.bearer_token_last_four == created.bearer_token[-4:]
    assert got.next_bearer_token_last_four == "" and "bearer_token" not in got.model_dump()
    assert scim.get_groups(organization_id=org, connection_id=created.connection_id).scim_groups == []

    again = error_of(lambda: scim.create(organization_id=org, display_name="Second"))
    assert (again.status_code, again.error_type) == (400, "scim_connection_already_exists")


def test_update_sets_the_name_and_the_provider(b2b_client: stytch.B2BClient) -> None:
    org = organization(b2b_client)
    scim = b2b_client.scim.connection
    created = scim.create(organization_id=org).connection
    assert created is not None and created.identity_provider == "generic"
    cid = created.connection_id

    updated = scim.update(
        organization_id=org, connection_id=cid, display_name="Entra", identity_provider="microsoft-entra"
    ).connection
    assert updated is not None and updated.display_name == "Entra"
    assert updated.base_url.endswith(f"/v1/b2b/scim/{cid}?aadOptscim062020")

    bad_idp = error_of(lambda: scim.update(organization_id=org, connection_id=cid, identity_provider="acme"))
    assert (bad_idp.status_code, bad_idp.error_type) == (400, "invalid_sso_idp")
    unknown_group = error_of(
        lambda: scim.update(
            organization_id=org,
            connection_id=cid,
            display_name="Not written",
            scim_group_implicit_role_assignments=[
                {
                    "group_id": "scim-group-test-00000000-0000-4000-8000-000000000000",
                    "role_id": "stytch_admin",
                }
            ],
        )
    )
    assert (unknown_group.status_code, unknown_group.error_type) == (404, "scim_group_not_found")
    after = scim.get(organization_id=org).connection
    assert after is not None and after.display_name == "Entra"
    assert after.scim_group_implicit_role_assignments == []


def test_token_rotation_start_complete_and_cancel(b2b_client: stytch.B2BClient) -> None:
    org = organization(b2b_client)
    scim = b2b_client.scim.connection
    created = scim.create(organization_id=org).connection
    assert created is not None
    cid, first = created.connection_id, created.bearer_token

    not_started = error_of(lambda: scim.rotate_complete(organization_id=org, connection_id=cid))
    assert (not_started.status_code, not_started.error_type) == (400, "scim_token_rotation_not_started")
    assert error_of(lambda: scim.rotate_cancel(organization_id=org, connection_id=cid)).error_type == (
        "scim_token_rotation_not_started"
    )

    started = scim.rotate_start(organization_id=org, connection_id=cid).connection
    assert started is not None
    second = started.next_bearer_token
    assert second != first and started.bearer_token_last_four == first[-4:]
    during = scim.get(organization_id=org).connection
    assert during is not None and during.next_bearer_token_last_four == second[-4:]

    completed = scim.rotate_complete(organization_id=org, connection_id=cid).connection
    assert completed is not None
    assert (completed.bearer_token_last_four, completed.next_bearer_token_last_four) == (second[-4:], "")

    third = scim.rotate_start(organization_id=org, connection_id=cid).connection
    assert third is not None
    cancelled = scim.rotate_cancel(organization_id=org, connection_id=cid).connection
    assert cancelled is not None
    assert (cancelled.bearer_token_last_four, cancelled.next_bearer_token_last_four) == (second[-4:], "")


def test_delete_and_other_organizations_and_projects(
    server: KeystileServer, b2b_client: stytch.B2BClient
) -> None:
    org, other_org = organization(b2b_client), organization(b2b_client)
    scim = b2b_client.scim.connection
    created = scim.create(organization_id=org).connection
    assert created is not None
    cid = created.connection_id

    stranger_project = server.create_project(vertical="b2b")
    stranger = stytch.B2BClient(
        stranger_project.project_id,
        stranger_project.secret,
        environment=server.base_url,
        suppress_warnings=True,
    )
    for refused in (
        error_of(lambda: scim.rotate_start(organization_id=other_org, connection_id=cid)),
        error_of(lambda: scim.delete(organization_id=other_org, connection_id=cid)),
        error_of(lambda: scim.get_groups(organization_id=other_org, connection_id=cid)),
    ):
        assert (refused.status_code, refused.error_type) == (404, "scim_connection_not_found")
    assert error_of(lambda: stranger.scim.connection.get(organization_id=org)).error_type == (
        "organization_not_found"
    )
    malformed = error_of(lambda: scim.delete(organization_id=org, connection_id="scim-connection-x"))
    assert (malformed.status_code, malformed.error_type) == (400, "invalid_connection_id")

    assert scim.delete(organization_id=org, connection_id=cid).connection_id == cid
    assert scim.get(organization_id=org).connection is None
    gone = error_of(lambda: scim.delete(organization_id=org, connection_id=cid))
    assert (gone.status_code, gone.error_type) == (404, "scim_connection_not_found")
    # The organization may set up a new one.
    assert scim.create(organization_id=org).connection is not None
