"""A SCIM connection's SCIM 2.0 service at the base URL the connection reports: discovery resources for
the connection's bearer token (either token during a rotation), SCIM Error messages otherwise."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import stytch

from tests.support.b2b_mail import new_domain
from tests.support.server import KeystileServer

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def connection(client: stytch.B2BClient, server: KeystileServer) -> tuple[str, str, str]:
    """(organization_id, base URL, bearer token) of a new organization's SCIM connection; the base URL
    is the path the connection reports, on the test server (whose public URL is another)."""
    org = str(client.organizations.create(organization_name=new_domain()).organization.organization_id)
    created = client.scim.connection.create(organization_id=org).connection
    assert created is not None
    return org, server.base_url.rstrip("/") + urlsplit(created.base_url).path, created.bearer_token


def scim_get(base_url: str, token: str, path: str) -> httpx.Response:
    return httpx.get(f"{base_url}{path}", headers={"Authorization": f"Bearer {token}"})


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
    assert scim_get(base_url, token, f"/Schemas/{user_schema}").json()["name"] == "User"

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
