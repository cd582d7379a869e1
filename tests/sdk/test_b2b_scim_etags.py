"""ETags of the SCIM service (RFC 7644 section 3.14): each change gives a resource a new version; a
PUT, PATCH or DELETE whose If-Match names another version is refused with 412 and changes nothing; a
GET whose If-None-Match names the current version answers 304."""

from __future__ import annotations

import httpx
import stytch

from tests.support.b2b_mail import new_domain
from tests.support.scim import ERROR, GROUP_SCHEMA, USER_SCHEMA, connection, new_user, patch, scim_get
from tests.support.server import KeystileServer


def send(method: str, url: str, token: str, body: object = None, **headers: str) -> httpx.Response:
    return httpx.request(method, url, json=body, headers={"Authorization": f"Bearer {token}", **headers})


def assert_precondition_failed(answer: httpx.Response) -> None:
    assert answer.status_code == 412, answer.text
    assert answer.json() == {
        "schemas": [ERROR],
        "status": "412",
        "detail": "The resource has changed since the version If-Match names.",
    }


def test_users_change_only_at_the_version_if_match_names(
    b2b_client: stytch.B2BClient, server: KeystileServer
) -> None:
    org, base_url, token = connection(b2b_client, server)
    assert scim_get(base_url, token, "/ServiceProviderConfig").json()["etag"]["supported"] is True
    member_id = new_user(base_url, token, "ada")
    url = f"{base_url}/Users/{member_id}"
    first = scim_get(base_url, token, f"/Users/{member_id}").headers["etag"]
    assert first.startswith('W/"')

    unchanged = send("GET", url, token, **{"If-None-Match": first})
    assert unchanged.status_code == 304 and unchanged.headers["etag"] == first
    assert send("GET", url, token, **{"If-None-Match": 'W/"other"'}).status_code == 200

    renamed = send(
        "PATCH",
        url,
        token,
        patch([{"op": "add", "path": "displayName", "value": "Ada"}]),
        **{"If-Match": first},
    )
    assert renamed.status_code == 200, renamed.text
    second = renamed.headers["etag"]
    assert second != first and renamed.json()["meta"]["version"] == second

    email = f"grace@{new_domain()}"
    user = {"schemas": [USER_SCHEMA], "userName": email, "emails": [{"value": email, "primary": True}]}
    assert_precondition_failed(send("PUT", url, token, user, **{"If-Match": first}))
    stale_patch = patch([{"op": "replace", "path": "displayName", "value": "Grace"}])
    assert_precondition_failed(send("PATCH", url, token, stale_patch, **{"If-Match": first}))
    assert_precondition_failed(send("DELETE", url, token, **{"If-Match": first}))
    member = b2b_client.organizations.members.get(organization_id=org, member_id=member_id).member
    assert (member.name, member.status) == ("Ada", "active")
    assert scim_get(base_url, token, f"/Users/{member_id}").headers["etag"] == second

    # The opaque tag without W/ and a list naming the current one match too (weak comparison).
    replaced = send("PUT", url, token, user, **{"If-Match": f'"x", {second.removeprefix("W/")}'})
    assert replaced.status_code == 200 and replaced.json()["userName"] == email
    assert send("DELETE", url, token, **{"If-Match": "*"}).status_code == 204


def test_groups_change_only_at_the_version_if_match_names(
    b2b_client: stytch.B2BClient, server: KeystileServer
) -> None:
    _, base_url, token = connection(b2b_client, server)
    member_id = new_user(base_url, token, "alan")
    created = send("POST", f"{base_url}/Groups", token, {"schemas": [GROUP_SCHEMA], "displayName": "Ops"})
    group_id, first = created.json()["id"], created.headers["etag"]
    url = f"{base_url}/Groups/{group_id}"

    joined = patch([{"op": "add", "path": "members", "value": [{"value": member_id}]}])
    added = send("PATCH", url, token, joined, **{"If-Match": first})
    assert added.status_code == 200 and added.json()["members"][0]["value"] == member_id
    assert_precondition_failed(
        send("PATCH", url, token, patch([{"op": "remove", "path": "members"}]), **{"If-Match": first})
    )
    renamed = {"schemas": [GROUP_SCHEMA], "displayName": "Platform"}
    assert_precondition_failed(send("PUT", url, token, renamed, **{"If-Match": first}))
    assert_precondition_failed(send("DELETE", url, token, **{"If-Match": first}))
    group = scim_get(base_url, token, f"/Groups/{group_id}").json()
    assert group["displayName"] == "Ops" and [item["value"] for item in group["members"]] == [member_id]

    assert send("PUT", url, token, renamed, **{"If-Match": added.headers["etag"]}).status_code == 200
    assert send("DELETE", url, token, **{"If-Match": added.headers["etag"]}).status_code == 412
    assert send("DELETE", url, token).status_code == 204
