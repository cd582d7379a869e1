"""How many of the routes the installed Python SDK can call keystile serves, read from a running
server's /openapi.json (`scripts/sdk-routes` prints the list still missing)."""

from __future__ import annotations

import httpx

from tests.support.sdk_routes import Route, coverage, sdk_routes
from tests.support.server import KeystileServer

# Raise it as routes land; never lower it.
SERVED_AT_LEAST = 187


def test_the_sdk_routes_are_read_from_its_source() -> None:
    routes = sdk_routes()
    assert len(routes) > 150
    assert Route("GET", "/v1/users/{}") in routes
    assert Route("DELETE", "/v1/users/passwords/{}") in routes
    assert Route("POST", "/v1/public/{}/oauth2/introspect") in routes  # a form POST, by f-string
    assert Route("GET", "/v1/sessions/jwks/{}") in routes  # fetched by PyJWKClient


def test_keystile_serves_the_sdk_routes(server: KeystileServer) -> None:
    schema = httpx.get(server.base_url + "openapi.json", timeout=30).json()
    served, missing = coverage(schema)
    assert len(served) >= SERVED_AT_LEAST, [str(route) for route in missing]
    for route in (
        Route("DELETE", "/v1/users/passwords/{}"),
        Route("DELETE", "/v1/users/totps/{}"),
        Route("DELETE", "/v1/users/{}/external_id"),
        Route("PUT", "/v1/users/{}/exchange_primary_factor"),
        Route("GET", "/v1/debug/whoami"),
        Route("GET", "/v1/projects/metrics"),
    ):
        assert route in served
