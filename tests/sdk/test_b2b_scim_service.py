"""A SCIM connection's SCIM 2.0 service at the base URL the connection reports: discovery resources for
the connection's bearer token (either token during a rotation), SCIM Error messages otherwise."""

from __future__ import annotations

import httpx
import stytch

from tests.support.b2b_mail import new_domain
from tests.support.scim import (
    ERROR,
    GROUP_SCHEMA,
    PATCH_SCHEMA,
    SEARCH_SCHEMA,
    USER_SCHEMA,
    connection,
    new_user,
    patch,
    scim_get,
    scim_send,
)
from tests.support.server import KeystileServer


def test_discovery_resources_answer_the_connection_token(
    b2b_client: stytch.B2BClient, server: KeystileServer
) -> None:
    _, base_url, token = connection(b2b_client, server)
    config = scim_get(base_url, token, "/ServiceProviderConfig")
    assert config.status_code == 200 and config.headers["content-type"].startswith("application/scim+json")
    body = config.json()
    assert body["patch"]["supported"] is True and body["filter"]["supported"] is True
    assert body["authenticationSchemes"][0]["type"] == "oauthbearertoken"

    types = scim_get(base_url, token, "/ResourceTypes").json()
    assert {item["endpoint"] for item in types["Resources"]} == {"/Users", "/Groups"}
    assert scim_get(base_url, token, "/ResourceTypes/Group").json()["endpoint"] == "/Groups"
    listed = scim_get(base_url, token, "/Schemas").json()
    user_schema = "urn:ietf:params:scim:schemas:core:2.0:User"
    assert user_schema in {item["id"] for item in listed["Resources"]}
    served = scim_get(base_url, token, f"/Schemas/{user_schema}").json()
    assert served["name"] == "User"
    emails = next(item for item in served["attributes"] if item["name"] == "emails")
    value = next(item for item in emails["subAttributes"] if item["name"] == "value")
    assert emails["required"] is True and value["required"] is True

    unknown = scim_get(base_url, token, "/Schemas/urn:nothing")
    assert unknown.status_code == 404
    assert unknown.json() == {
        "schemas": [ERROR],
        "status": "404",
        "detail": "urn:nothing is not known to this service.",
    }


def test_a_wrong_or_other_connections_token_is_refused(
    b2b_client: stytch.B2BClient, server: KeystileServer
) -> None:
    org, base_url, token = connection(b2b_client, server)
    _, other_url, other_token = connection(b2b_client, server)
    for presented in (other_token, "-", token + "x"):
        refused = scim_get(base_url, presented, "/ServiceProviderConfig")
        assert refused.status_code == 401
        assert refused.json()["schemas"] == [ERROR] and refused.json()["status"] == "401"
    no_header = httpx.get(f"{other_url}/ResourceTypes")
    assert no_header.status_code == 401
    unknown = scim_get(base_url.rsplit("/", 1)[0] + "/scim-connection-test-nothing", token, "/Schemas")
    assert unknown.status_code == 401

    scim = b2b_client.scim.connection
    cid = base_url.rsplit("/", 1)[1]
    new_token = scim.rotate_start(organization_id=org, connection_id=cid).connection.next_bearer_token
    assert scim_get(base_url, token, "/Schemas").status_code == 200
    assert scim_get(base_url, new_token, "/Schemas").status_code == 200
    scim.rotate_complete(organization_id=org, connection_id=cid)
    assert scim_get(base_url, token, "/Schemas").status_code == 401
    assert scim_get(base_url, new_token, "/Schemas").status_code == 200


def test_users_provision_members_of_the_organization(
    b2b_client: stytch.B2BClient, server: KeystileServer
) -> None:
    org, base_url, token = connection(b2b_client, server)
    email = f"ada@{new_domain()}"
    user = {
        "schemas": [USER_SCHEMA],
        "userName": email,
        "externalId": "okta-1",
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"value": email, "type": "work", "primary": True}],
        "active": True,
    }
    created = scim_send("POST", f"{base_url}/Users", token, user)
    assert created.status_code == 201, created.text
    member_id = created.json()["id"]
    assert created.headers["etag"] == created.json()["meta"]["version"]
    member = b2b_client.organizations.members.get(organization_id=org, member_id=member_id).member
    assert (member.email_address, member.name, member.external_id) == (email, "Ada Lovelace", "okta-1")

    again = scim_send("POST", f"{base_url}/Users", token, user)
    assert again.status_code == 409 and again.json()["scimType"] == "uniqueness"
    found = scim_get(base_url, token, f'/Users?filter=userName eq "{email}"').json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == member_id
    assert scim_get(base_url, token, '/Users?filter=userName eq "nobody"').json()["totalResults"] == 0
    assert scim_get(base_url, token, "/Users?filter=userName eq").status_code == 400

    patch = {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "replace", "path": 'emails[type eq "work"].value', "value": f"x{email}"}],
    }
    patched = scim_send("PATCH", f"{base_url}/Users/{member_id}", token, patch)
    assert patched.status_code == 200, patched.text
    assert patched.json()["emails"][0]["value"] == f"x{email}"
    deactivate = {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "value": {"active": False}}]}
    assert scim_send("PATCH", f"{base_url}/Users/{member_id}", token, deactivate).json()["active"] is False
    gone = b2b_client.organizations.members.dangerously_get(member_id=member_id, include_deleted=True).member
    assert gone.status == "deleted" and gone.email_address == f"x{email}"

    _, other_url, other_token = connection(b2b_client, server)
    assert scim_get(other_url, other_token, f"/Users/{member_id}").status_code == 404
    assert scim_send("POST", f"{base_url}/Users", token, {"schemas": [USER_SCHEMA]}).status_code == 400
    assert (
        httpx.post(
            f"{base_url}/Users", content=b"{", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 400
    )
    assert (
        httpx.delete(
            f"{base_url}/Users/{member_id}", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 204
    )
    assert scim_get(base_url, token, f"/Users/{member_id}").status_code == 404


def test_post_search_at_the_root_and_per_resource_type(
    b2b_client: stytch.B2BClient, server: KeystileServer
) -> None:
    _, base_url, token = connection(b2b_client, server)
    member_id = new_user(base_url, token, "grace")
    group = {"schemas": [GROUP_SCHEMA], "displayName": "Ops", "members": [{"value": member_id}]}
    group_id = scim_send("POST", f"{base_url}/Groups", token, group).json()["id"]
    search = {"schemas": [SEARCH_SCHEMA], "attributes": ["id"]}

    both = scim_send("POST", f"{base_url}/.search", token, search)
    assert both.status_code == 200 and both.headers["content-type"].startswith("application/scim+json")
    assert both.json()["totalResults"] == 2
    assert {item["id"] for item in both.json()["Resources"]} == {member_id, group_id}
    assert all("displayName" not in item for item in both.json()["Resources"])
    # userName is not a Group attribute: at the root it matches no Group rather than failing.
    by_name = scim_send("POST", f"{base_url}/.search", token, {**search, "filter": 'userName sw "grace"'})
    assert [item["id"] for item in by_name.json()["Resources"]] == [member_id]

    users = scim_send("POST", f"{base_url}/Users/.search", token, {**search, "count": 0}).json()
    assert (users["totalResults"], users.get("Resources", [])) == (1, [])
    groups = scim_send("POST", f"{base_url}/Groups/.search", token, {"schemas": [SEARCH_SCHEMA]}).json()
    (member,) = groups["Resources"][0]["members"]
    assert sorted(member) == ["$ref", "type", "value"] and member["value"] == member_id
    bad = scim_send("POST", f"{base_url}/Users/.search", token, {**search, "filter": "userName eq"})
    assert bad.status_code == 400 and bad.json()["schemas"] == [ERROR]


def test_unknown_urls_and_wrong_methods_are_scim_errors(
    b2b_client: stytch.B2BClient, server: KeystileServer
) -> None:
    org, base_url, token = connection(b2b_client, server)
    unknown = scim_get(base_url, token, "/Nothing/here")
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("application/scim+json")
    assert unknown.json() == {"schemas": [ERROR], "status": "404", "detail": "There is nothing at this URL."}
    wrong = scim_send("DELETE", f"{base_url}/ServiceProviderConfig", token, None)
    assert wrong.status_code == 405 and wrong.json()["schemas"] == [ERROR] and wrong.json()["status"] == "405"
    # The management API beside the service keeps Stytch's errors.
    management = httpx.get(f"{server.base_url.rstrip('/')}/v1/b2b/scim/{org}/nothing")
    assert management.status_code == 404 and management.json()["error_type"] == "route_not_found"


def test_removing_active_deactivates_the_member(b2b_client: stytch.B2BClient, server: KeystileServer) -> None:
    _, base_url, token = connection(b2b_client, server)
    member_id = new_user(base_url, token, "alan")
    url = f"{base_url}/Users/{member_id}"
    removed = scim_send("PATCH", url, token, patch([{"op": "remove", "path": "active"}]))
    assert removed.status_code == 200 and "active" not in removed.json()
    assert "active" not in scim_get(base_url, token, f"/Users/{member_id}").json()
    member = b2b_client.organizations.members.dangerously_get(
        member_id=member_id, include_deleted=True
    ).member
    assert member.status == "deleted"

    renamed = scim_send("PATCH", url, token, patch([{"op": "replace", "path": "displayName", "value": "A"}]))
    assert "active" not in renamed.json()
    again = scim_send("PATCH", url, token, patch([{"op": "replace", "path": "active", "value": True}]))
    assert again.json()["active"] is True
    member = b2b_client.organizations.members.dangerously_get(
        member_id=member_id, include_deleted=True
    ).member
    assert member.status == "active"
