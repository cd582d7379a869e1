"""Talking to a SCIM connection's SCIM 2.0 service as an IdP does: its base URL and bearer token, and
requests carrying the token."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import stytch

from tests.support.b2b_mail import new_domain
from tests.support.server import KeystileServer

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"


def connection(client: stytch.B2BClient, server: KeystileServer) -> tuple[str, str, str]:
    """(organization_id, base URL, bearer token) of a new organization's SCIM connection; the base URL
    is the path the connection reports, on the test server (whose public URL is another)."""
    org = str(client.organizations.create(organization_name=new_domain()).organization.organization_id)
    return (org, *connection_of(client, server, org))


def connection_of(client: stytch.B2BClient, server: KeystileServer, org: str) -> tuple[str, str]:
    """(base URL, bearer token) of a new SCIM connection of the organization `org`."""
    created = client.scim.connection.create(organization_id=org).connection
    assert created is not None
    return server.base_url.rstrip("/") + urlsplit(created.base_url).path, created.bearer_token


def scim_get(base_url: str, token: str, path: str) -> httpx.Response:
    return httpx.get(f"{base_url}{path}", headers={"Authorization": f"Bearer {token}"})


def scim_send(method: str, url: str, token: str, body: object) -> httpx.Response:
    return httpx.request(method, url, json=body, headers={"Authorization": f"Bearer {token}"})


def patch(operations: list[dict[str, object]]) -> dict[str, object]:
    return {"schemas": [PATCH_SCHEMA], "Operations": operations}


def new_user(base_url: str, token: str, local_part: str) -> str:
    """The id of a new User of the connection (a member of its organization) named `local_part`@…."""
    email = f"{local_part}@{new_domain()}"
    user = {"schemas": [USER_SCHEMA], "userName": email, "emails": [{"value": email, "primary": True}]}
    created = scim_send("POST", f"{base_url}/Users", token, user)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])
