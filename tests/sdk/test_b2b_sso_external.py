"""External SSO connections through the official Python SDK: an organization using another
organization's SAML connection (`sso.external.create_connection` / `update_connection`), listed by
`sso.get_connections`, deleted, and refused for an unknown source or one of another project."""

from __future__ import annotations

import stytch

from tests.sdk.test_b2b_sso_saml import active_connection, b2b, idp, organization, sso_project, sso_server
from tests.support.b2b_mail import error_of
from tests.support.saml_idp import SamlIdP
from tests.support.server import KeystileServer

__all__ = ["b2b", "idp", "sso_project", "sso_server"]


def test_external_connection_is_created_listed_updated_and_deleted(
    b2b: stytch.B2BClient, idp: SamlIdP
) -> None:
    source_org, using_org = organization(b2b), organization(b2b)
    source_id = active_connection(b2b, idp, source_org)

    created = b2b.sso.external.create_connection(
        organization_id=using_org,
        external_organization_id=source_org,
        external_connection_id=source_id,
        connection_implicit_role_assignments=[{"role_id": "stytch_admin"}],
    )
    connection = created.connection
    assert connection is not None and connection.connection_id.startswith("external-connection-test-")
    assert (connection.organization_id, connection.external_organization_id) == (using_org, source_org)
    assert (connection.external_connection_id, connection.status) == (source_id, "active")
    assert connection.display_name == "Acme IdP"  # the source connection's, unless given
    assert [r.role_id for r in connection.external_connection_implicit_role_assignments] == ["stytch_admin"]

    updated = b2b.sso.external.update_connection(
        organization_id=using_org,
        connection_id=connection.connection_id,
        display_name="Acme via parent",
        external_group_implicit_role_assignments=[{"role_id": "stytch_member", "group": "eng"}],
    )
    assert updated.connection is not None and updated.connection.display_name == "Acme via parent"
    assert [(r.group, r.role_id) for r in updated.connection.external_group_implicit_role_assignments] == [
        ("eng", "stytch_member")
    ]
    assert [r.role_id for r in updated.connection.external_connection_implicit_role_assignments] == [
        "stytch_admin"
    ]  # kept

    listed = b2b.sso.get_connections(using_org)
    assert [c.connection_id for c in listed.external_connections] == [connection.connection_id]
    assert listed.saml_connections == [] and listed.oidc_connections == []
    assert b2b.sso.get_connections(source_org).external_connections == []

    deleted = b2b.sso.delete_connection(using_org, connection.connection_id)
    assert deleted.connection_id == connection.connection_id
    assert b2b.sso.get_connections(using_org).external_connections == []
    assert [c.connection_id for c in b2b.sso.get_connections(source_org).saml_connections] == [source_id]


def test_deleting_the_source_connection_removes_its_external_uses(
    b2b: stytch.B2BClient, idp: SamlIdP
) -> None:
    source_org, using_org = organization(b2b), organization(b2b)
    source_id = active_connection(b2b, idp, source_org)
    b2b.sso.external.create_connection(using_org, source_org, source_id)
    b2b.sso.delete_connection(source_org, source_id)
    assert b2b.sso.get_connections(using_org).external_connections == []


def test_refusals(b2b: stytch.B2BClient, idp: SamlIdP, sso_server: KeystileServer) -> None:
    source_org, using_org = organization(b2b), organization(b2b)
    source_id = active_connection(b2b, idp, source_org)

    unknown = error_of(
        lambda: b2b.sso.external.create_connection(
            using_org, source_org, "saml-connection-test-00000000-0000-0000-0000-000000000000"
        )
    )
    assert (unknown.status_code, unknown.error_type) == (404, "sso_connection_not_found")
    not_its_owner = error_of(lambda: b2b.sso.external.create_connection(using_org, using_org, source_id))
    assert not_its_owner.error_type == "sso_connection_not_found"
    bad_role = error_of(
        lambda: b2b.sso.external.create_connection(
            using_org, source_org, source_id, connection_implicit_role_assignments=[{"role_id": "nope"}]
        )
    )
    assert bad_role.status_code == 400

    other = sso_server.create_project(vertical="b2b")
    other_client = stytch.B2BClient(
        other.project_id, other.secret, environment=sso_server.base_url, suppress_warnings=True
    )
    other_org = organization(other_client)
    foreign = error_of(lambda: other_client.sso.external.create_connection(other_org, source_org, source_id))
    assert (foreign.status_code, foreign.error_type) == (404, "organization_not_found")
    assert b2b.sso.get_connections(using_org).external_connections == []

    missing = error_of(
        lambda: b2b.sso.external.update_connection(
            using_org, "external-connection-test-00000000-0000-0000-0000-000000000000", display_name="x"
        )
    )
    assert (missing.status_code, missing.error_type) == (404, "sso_connection_not_found")
