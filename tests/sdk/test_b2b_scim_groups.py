"""A SCIM connection's /Groups, provisioned as Okta and Entra ID send them; the groups the management API
lists (`scim.connection.get_groups`), and the roles the connection assigns to a group's members."""

from __future__ import annotations

from typing import Any

import httpx
import stytch

from tests.support.scim import (
    GROUP_SCHEMA,
    connection,
    new_user,
    patch,
    scim_get,
    scim_send,
)
from tests.support.server import KeystileServer


def new_group(base_url: str, token: str, name: str, member_ids: list[str]) -> httpx.Response:
    members = [{"value": member_id} for member_id in member_ids]
    return scim_send(
        "POST",
        f"{base_url}/Groups",
        token,
        {"schemas": [GROUP_SCHEMA], "displayName": name, "members": members},
    )


def member_ids(group: dict[str, Any]) -> list[str]:
    return sorted(member["value"] for member in group.get("members", []))


def test_groups_are_created_found_replaced_and_deleted(
    b2b_client: stytch.B2BClient, server: KeystileServer
) -> None:
    _, base_url, token = connection(b2b_client, server)
    ada, bob = new_user(base_url, token, "ada"), new_user(base_url, token, "bob")

    created = new_group(base_url, token, "Engineering", [ada])
    assert created.status_code == 201, created.text
    group = created.json()
    group_id = group["id"]
    assert created.headers["etag"] == group["meta"]["version"] and group["meta"]["version"].startswith('W/"')
    assert (
        created.headers["location"]
        == group["meta"]["location"]
        == f"{group['meta']['location'].rsplit('/', 1)[0]}/{group_id}"
    )
    assert group["displayName"] == "Engineering" and group["meta"]["resourceType"] == "Group"
    assert [(m["value"], m["type"]) for m in group["members"]] == [(ada, "User")]
    assert group["members"][0]["$ref"].endswith(f"/Users/{ada}")

    taken = new_group(base_url, token, "engineering", [])
    assert taken.status_code == 409 and taken.json()["scimType"] == "uniqueness"
    assert new_group(base_url, token, "", []).status_code == 400
    stranger = new_group(base_url, token, "Strangers", ["member-test-00000000-0000-4000-8000-000000000000"])
    assert stranger.status_code == 400 and stranger.json()["scimType"] == "invalidValue"
    assert new_group(base_url, token, "Finance", [bob]).status_code == 201

    found = scim_get(base_url, token, '/Groups?filter=displayName eq "Engineering"').json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == group_id
    assert scim_get(base_url, token, '/Groups?filter=displayName eq "Nobody"').json()["totalResults"] == 0
    assert scim_get(base_url, token, "/Groups?filter=displayName eq").status_code == 400
    second = scim_get(base_url, token, "/Groups?startIndex=2&count=1").json()
    assert (second["totalResults"], second["startIndex"], second["itemsPerPage"]) == (2, 2, 1)
    assert second["Resources"][0]["displayName"] == "Finance"
    bare = scim_get(base_url, token, f"/Groups/{group_id}?excludedAttributes=members").json()
    assert bare["displayName"] == "Engineering" and "members" not in bare

    user = scim_get(base_url, token, f"/Users/{ada}").json()
    assert [(g["value"], g["display"]) for g in user["groups"]] == [(group_id, "Engineering")]
    assert "groups" not in scim_get(base_url, token, f"/Users/{ada}?excludedAttributes=groups").json()

    replaced = scim_send(
        "PUT",
        f"{base_url}/Groups/{group_id}",
        token,
        {
            "schemas": [GROUP_SCHEMA],
            "displayName": "Platform",
            "externalId": "okta-7",
            "members": [{"value": bob}],
        },
    )
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["displayName"], replaced.json()["externalId"]) == ("Platform", "okta-7")
    assert member_ids(replaced.json()) == [bob] and replaced.headers["etag"] != created.headers["etag"]
    assert "groups" not in scim_get(base_url, token, f"/Users/{ada}").json()
    renamed = scim_send(
        "PUT", f"{base_url}/Groups/{group_id}", token, {"schemas": [GROUP_SCHEMA], "displayName": "FINANCE"}
    )
    assert renamed.status_code == 409

    _, other_url, other_token = connection(b2b_client, server)
    assert scim_get(other_url, other_token, f"/Groups/{group_id}").status_code == 404
    assert new_group(other_url, other_token, "Platform", []).status_code == 201  # another connection's names
    assert new_group(other_url, other_token, "Elsewhere", [bob]).status_code == 400

    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.delete(f"{base_url}/Groups/{group_id}", headers=headers).status_code == 204
    assert scim_get(base_url, token, f"/Groups/{group_id}").status_code == 404
    assert httpx.delete(f"{base_url}/Groups/{group_id}", headers=headers).status_code == 404
    assert [g["display"] for g in scim_get(base_url, token, f"/Users/{bob}").json()["groups"]] == ["Finance"]


def test_patch_as_okta_sends_it(b2b_client: stytch.B2BClient, server: KeystileServer) -> None:
    _, base_url, token = connection(b2b_client, server)
    ada, bob = new_user(base_url, token, "ada"), new_user(base_url, token, "bob")
    group_id = new_group(base_url, token, "Engineering", [ada]).json()["id"]
    url = f"{base_url}/Groups/{group_id}"

    renamed = scim_send(
        "PATCH", url, token, patch([{"op": "replace", "value": {"id": group_id, "displayName": "Eng"}}])
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["displayName"] == "Eng" and member_ids(renamed.json()) == [ada]
    added = scim_send(
        "PATCH",
        url,
        token,
        patch([{"op": "add", "path": "members", "value": [{"value": bob, "display": "bob"}]}]),
    )
    assert member_ids(added.json()) == sorted([ada, bob])
    removed = scim_send("PATCH", url, token, patch([{"op": "remove", "path": f'members[value eq "{ada}"]'}]))
    assert member_ids(removed.json()) == [bob]
    assert removed.headers["etag"] != added.headers["etag"]
    unknown = patch([{"op": "add", "path": "members", "value": [{"value": "member-test-nobody"}]}])
    assert scim_send("PATCH", url, token, unknown).status_code == 400
    assert member_ids(scim_get(base_url, token, f"/Groups/{group_id}").json()) == [bob]
    cleared = scim_send("PATCH", url, token, patch([{"op": "remove", "path": "displayName"}]))
    assert cleared.status_code == 400
    assert scim_send("PATCH", f"{base_url}/Groups/scim-group-test-nothing", token, unknown).status_code == 404


def test_patch_as_entra_id_sends_it(b2b_client: stytch.B2BClient, server: KeystileServer) -> None:
    _, base_url, token = connection(b2b_client, server)
    ada, bob = new_user(base_url, token, "ada"), new_user(base_url, token, "bob")
    group_id = new_group(base_url, token, "Sales", []).json()["id"]
    url = f"{base_url}/Groups/{group_id}"

    added = scim_send(
        "PATCH",
        url,
        token,
        patch([{"op": "Add", "path": "members", "value": [{"value": ada}, {"value": bob}]}]),
    )
    assert added.status_code == 200, added.text
    assert member_ids(added.json()) == sorted([ada, bob])
    membership = f'/Groups?filter=id eq "{group_id}" and members[value eq "{ada}"]&excludedAttributes=members'
    answer = scim_get(base_url, token, membership).json()
    assert answer["totalResults"] == 1 and "members" not in answer["Resources"][0]

    removed = scim_send(
        "PATCH",
        url,
        token,
        patch(
            [
                {"op": "Remove", "path": "members", "value": [{"value": ada}]},
                {"op": "Replace", "path": "displayName", "value": "Sales EMEA"},
            ]
        ),
    )
    assert removed.status_code == 200, removed.text
    assert (removed.json()["displayName"], member_ids(removed.json())) == ("Sales EMEA", [bob])
    assert scim_get(base_url, token, membership).json()["totalResults"] == 0


def test_get_groups_pages_the_connections_groups(
    b2b_client: stytch.B2BClient, server: KeystileServer
) -> None:
    org, base_url, token = connection(b2b_client, server)
    connection_id = base_url.rsplit("/", 1)[1]
    names = ["Engineering", "Finance", "Sales"]
    ids = [new_group(base_url, token, name, []).json()["id"] for name in names]

    scim = b2b_client.scim.connection
    first = scim.get_groups(organization_id=org, connection_id=connection_id, limit=2)
    assert [(g.group_id, g.group_name) for g in first.scim_groups] == list(zip(ids, names, strict=True))[:2]
    assert {(g.organization_id, g.connection_id) for g in first.scim_groups} == {(org, connection_id)}
    assert first.next_cursor
    rest = scim.get_groups(
        organization_id=org, connection_id=connection_id, limit=2, cursor=first.next_cursor
    )
    assert [g.group_name for g in rest.scim_groups] == ["Sales"] and rest.next_cursor is None
    everything = scim.get_groups(organization_id=org, connection_id=connection_id)
    assert [g.group_id for g in everything.scim_groups] == ids


def role_sources(client: stytch.B2BClient, org: str, member_id: str) -> dict[str, list[tuple[str, Any]]]:
    member = client.organizations.members.get(organization_id=org, member_id=member_id).member
    return {role.role_id: [(source.type, source.details) for source in role.sources] for role in member.roles}


def test_a_groups_role_reaches_its_members(b2b_client: stytch.B2BClient, server: KeystileServer) -> None:
    org, base_url, token = connection(b2b_client, server)
    connection_id = base_url.rsplit("/", 1)[1]
    ada, bob = new_user(base_url, token, "ada"), new_user(base_url, token, "bob")
    group_id = new_group(base_url, token, "Admins", [ada]).json()["id"]
    url = f"{base_url}/Groups/{group_id}"

    scim = b2b_client.scim.connection
    updated = scim.update(
        organization_id=org,
        connection_id=connection_id,
        scim_group_implicit_role_assignments=[{"group_id": group_id, "role_id": "stytch_admin"}],
    ).connection
    assert updated is not None
    (assignment,) = updated.scim_group_implicit_role_assignments
    assert (assignment.group_id, assignment.group_name, assignment.role_id) == (
        group_id,
        "Admins",
        "stytch_admin",
    )
    granted = ("scim_connection_group", {"connection_id": connection_id, "group_id": group_id})
    assert role_sources(b2b_client, org, ada)["stytch_admin"] == [granted]
    assert "stytch_admin" not in role_sources(b2b_client, org, bob)

    scim_send("PATCH", url, token, patch([{"op": "add", "path": "members", "value": [{"value": bob}]}]))
    assert role_sources(b2b_client, org, bob)["stytch_admin"] == [granted]
    scim_send("PATCH", url, token, patch([{"op": "remove", "path": f'members[value eq "{ada}"]'}]))
    assert "stytch_admin" not in role_sources(b2b_client, org, ada)
    assert role_sources(b2b_client, org, bob)["stytch_admin"] == [granted]

    assert httpx.delete(url, headers={"Authorization": f"Bearer {token}"}).status_code == 204
    assert "stytch_admin" not in role_sources(b2b_client, org, bob)
    after = scim.get(organization_id=org).connection
    assert after is not None and after.scim_group_implicit_role_assignments == []
