"""Hostile input against the M2M endpoints of a real server: the clients API answers every mistake
with a 4xx in Stytch's error shape, and the token endpoint with a 4xx in RFC 6749's shape (beside
Stytch's status_code and request_id, which both SDKs parse); nothing is a 5xx or leaks a secret."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from tests.support.hostile import (
    CONTROL,
    HUGE,
    LEAKS,
    MALFORMED_JSON,
    NOT_AN_OBJECT,
    SQL,
    assert_stytch_error,
    raw,
)
from tests.support.server import KeystileServer, Project

OAUTH_ERROR_FIELDS = {"status_code", "request_id", "error", "error_description", "error_uri"}
# The token endpoint is called without project credentials: its bodies are capped at 64 KB.
LARGE = "x" * 60_000
MISSING_CLIENT = "m2m-client-test-00000000-0000-4000-8000-000000000000"


@pytest.fixture
def m2m_client(api: httpx.Client) -> dict[str, Any]:
    """A client with two scopes, and its secret (shown once)."""
    response = api.post("/v1/m2m/clients", json={"scopes": ["read:users", "write:users"]})
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()["m2m_client"]
    return created


# --- The clients API ----------------------------------------------------------------------------

BODY_ENDPOINTS = {
    "create": ("POST", "/v1/m2m/clients"),
    "search": ("POST", "/v1/m2m/clients/search"),
    "update": ("PUT", f"/v1/m2m/clients/{MISSING_CLIENT}"),
}


@pytest.mark.parametrize("endpoint", BODY_ENDPOINTS.values(), ids=BODY_ENDPOINTS.keys())
@pytest.mark.parametrize(
    "body", [b for _, b in MALFORMED_JSON + NOT_AN_OBJECT], ids=[i for i, _ in MALFORMED_JSON + NOT_AN_OBJECT]
)
def test_bodies_that_are_not_json_objects_are_refused(
    api: httpx.Client,
    endpoint: tuple[str, str],
    body: bytes,
) -> None:
    method, path = endpoint
    response = api.request(method, path, content=body, headers={"content-type": "application/json"})
    assert_stytch_error(response, 400)


WRONG: dict[str, tuple[str, dict[str, Any], str]] = {
    "scopes-missing": ("create", {}, "invalid_argument"),
    "scopes-string": ("create", {"scopes": "read:users"}, "invalid_argument"),
    "scopes-of-ints": ("create", {"scopes": [1]}, "invalid_argument"),
    "scope-with-space": ("create", {"scopes": ["read users"]}, "invalid_m2m_client_scope"),
    "scope-with-quote": ("create", {"scopes": ['read"users']}, "invalid_m2m_client_scope"),
    "scope-with-backslash": ("create", {"scopes": ["read\\users"]}, "invalid_m2m_client_scope"),
    "scope-empty": ("create", {"scopes": [""]}, "invalid_m2m_client_scope"),
    "scope-non-ascii": ("create", {"scopes": ["lire:utilisé"]}, "invalid_m2m_client_scope"),
    "scope-too-long": ("create", {"scopes": ["s" * 129]}, "invalid_m2m_client_scope"),
    "too-many-scopes": ("create", {"scopes": [f"s{i}" for i in range(101)]}, "invalid_m2m_client_scope"),
    "huge-scope": ("create", {"scopes": [HUGE]}, "invalid_m2m_client_scope"),
    "client-id-int": ("create", {"scopes": [], "client_id": 7}, "invalid_argument"),
    "client-id-slash": ("create", {"scopes": [], "client_id": "a/b"}, "m2m_client_invalid_client_id"),
    "client-id-empty": ("create", {"scopes": [], "client_id": ""}, "m2m_client_invalid_client_id"),
    "client-id-too-long": ("create", {"scopes": [], "client_id": "c" * 97}, "m2m_client_invalid_client_id"),
    "client-id-sql": ("create", {"scopes": [], "client_id": "' OR 1=1 --"}, "m2m_client_invalid_client_id"),
    "secret-int": ("create", {"scopes": [], "client_secret": 12345678}, "invalid_argument"),
    "secret-huge": ("create", {"scopes": [], "client_secret": HUGE}, "m2m_client_invalid_client_secret"),
    "secret-weak": (
        "create",
        {"scopes": [], "client_secret": "12345678"},
        "m2m_client_invalid_client_secret",
    ),
    "secret-non-ascii": (
        "create",
        {"scopes": [], "client_secret": "pässwörd" * 8},
        "m2m_client_invalid_client_secret",
    ),
    "name-list": ("create", {"scopes": [], "client_name": ["a"]}, "invalid_argument"),
    "name-huge": ("create", {"scopes": [], "client_name": HUGE}, "m2m_client_invalid_client_name"),
    "description-huge": (
        "create",
        {"scopes": [], "client_description": HUGE},
        "m2m_client_invalid_client_description",
    ),
    "metadata-list": ("create", {"scopes": [], "trusted_metadata": [1]}, "invalid_metadata"),
    "metadata-huge": ("create", {"scopes": [], "trusted_metadata": {"k": HUGE}}, "invalid_metadata"),
    "limit-string": ("search", {"limit": "10"}, "invalid_limit"),
    "limit-huge": ("search", {"limit": 10**40}, "invalid_limit"),
    "cursor-huge": ("search", {"cursor": HUGE}, "invalid_cursor"),
    "cursor-forged": ("search", {"cursor": "WyJ5ZXN0ZXJkYXkiLCAieCJd"}, "invalid_cursor"),
    "query-list": ("search", {"query": []}, "invalid_argument"),
    "operator-lowercase": ("search", {"query": {"operator": "or"}}, "invalid_argument"),
    "filter-unknown": (
        "search",
        {"query": {"operands": [{"filter_name": "client_secret", "filter_value": ["x"]}]}},
        "invalid_search_query",
    ),
    "filter-string-value": (
        "search",
        {"query": {"operands": [{"filter_name": "client_id", "filter_value": "x"}]}},
        "invalid_search_query",
    ),
    "filter-huge-list": (
        "search",
        {"query": {"operands": [{"filter_name": "client_name", "filter_value": ["n"] * 40_000}]}},
        "invalid_search_query",
    ),
    "filter-scope-with-space": (
        "search",
        {"query": {"operands": [{"filter_name": "scopes", "filter_value": ["' OR 1=1 --"]}]}},
        "invalid_search_query",
    ),
    "status-int": ("update", {"status": 1}, "invalid_argument"),
    "status-unknown": ("update", {"status": "deleted"}, "m2m_client_invalid_status"),
    "update-scopes-string": ("update", {"scopes": "admin"}, "invalid_argument"),
    "update-name-huge": ("update", {"client_name": HUGE}, "m2m_client_invalid_client_name"),
}


@pytest.mark.parametrize("case", WRONG.values(), ids=WRONG.keys())
def test_wrong_values_are_refused(
    api: httpx.Client,
    m2m_client: dict[str, Any],
    case: tuple[str, dict[str, Any], str],
) -> None:
    endpoint, body, error_type = case
    method, path = BODY_ENDPOINTS[endpoint]
    response = api.request(method, path.replace(MISSING_CLIENT, m2m_client["client_id"]), json=body)
    assert_stytch_error(response, 400, error_type)


@pytest.mark.parametrize("char", CONTROL.values(), ids=CONTROL.keys())
def test_control_characters_are_refused(api: httpx.Client, char: str) -> None:
    for field, error_type in (
        ("client_name", "m2m_client_invalid_client_name"),
        ("client_description", "m2m_client_invalid_client_description"),
        ("client_id", "m2m_client_invalid_client_id"),
        ("client_secret", "m2m_client_invalid_client_secret"),
    ):
        body = {"scopes": [], field: f"Valid{char}Text-{'k' * 20}"}
        assert_stytch_error(api.post("/v1/m2m/clients", json=body), 400, error_type)
    assert_stytch_error(
        api.post("/v1/m2m/clients", json={"scopes": [f"a{char}b"]}), 400, "invalid_m2m_client_scope"
    )


@pytest.mark.parametrize("sql", SQL.values(), ids=SQL.keys())
def test_sql_in_free_text_is_stored_verbatim(api: httpx.Client, sql: str) -> None:
    created = api.post(
        "/v1/m2m/clients",
        json={"scopes": [], "client_name": sql, "client_description": sql, "trusted_metadata": {sql: sql}},
    )
    assert created.status_code == 200, created.text
    client_id = created.json()["m2m_client"]["client_id"]
    got = api.get(f"/v1/m2m/clients/{client_id}").json()["m2m_client"]
    assert (got["client_name"], got["client_description"], got["trusted_metadata"]) == (sql, sql, {sql: sql})
    found = api.post(
        "/v1/m2m/clients/search",
        json={"query": {"operands": [{"filter_name": "client_name", "filter_value": [sql]}]}},
    ).json()
    assert [c["client_id"] for c in found["m2m_clients"]] == [client_id]


PATHS = {
    "traversal": b"/v1/m2m/clients/..%2F..%2Fusers",
    "encoded-nul": b"/v1/m2m/clients/m2m%00client",
    "sql": b"/v1/m2m/clients/%27%20OR%201%3D1%20--",
    "unicode": b"/v1/m2m/clients/%E2%98%83",
    "very-long": b"/v1/m2m/clients/" + b"c" * 5000,
    "missing": f"/v1/m2m/clients/{MISSING_CLIENT}".encode(),
    "rotate-missing": f"/v1/m2m/clients/{MISSING_CLIENT}/secrets/rotate/start".encode(),
}


@pytest.mark.parametrize("path", PATHS.values(), ids=PATHS.keys())
def test_hostile_paths_are_refused(api: httpx.Client, path: bytes) -> None:
    method = "POST" if path.endswith(b"/start") else "GET"
    assert_stytch_error(raw(api, method, path))


def test_clients_api_needs_the_project_secret(server: KeystileServer, project: Project) -> None:
    base = server.base_url.rstrip("/")
    for method, path in (("GET", f"/v1/m2m/clients/{MISSING_CLIENT}"), ("POST", "/v1/m2m/clients/search")):
        assert_stytch_error(httpx.request(method, base + path), 401, "unauthorized_credentials")


# --- The token endpoint -------------------------------------------------------------------------


def assert_oauth_error(response: httpx.Response, status: int, error: str) -> None:
    """RFC 6749 section 5.2 (with Stytch's status_code and request_id), not cacheable, leaking nothing."""
    where = f"{response.request.method} {response.request.url.raw_path[:80]!r}"
    assert response.status_code == status, f"{where}: {response.status_code} {response.text[:300]}"
    body = response.json()
    assert set(body) == OAUTH_ERROR_FIELDS, f"{where}: {body}"
    assert (body["status_code"], body["error"]) == (status, error), f"{where}: {body}"
    assert body["request_id"].startswith("request-id-test-")
    assert body["error_description"] and body["error_uri"].endswith(f"#{error}")
    assert response.headers["cache-control"] == "no-store"
    assert not any(leak in response.text for leak in LEAKS), f"{where}: {response.text[:300]}"


@pytest.fixture
def token_url(server: KeystileServer, project: Project) -> str:
    return f"{server.base_url}v1/public/{project.project_id}/oauth2/token"


def basic(user: str, password: str) -> dict[str, str]:
    return {"authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_token_as_form_json_and_basic(token_url: str, m2m_client: dict[str, Any]) -> None:
    client_id, secret = m2m_client["client_id"], m2m_client["client_secret"]
    credentials = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    answers = [
        httpx.post(token_url, data=credentials),
        httpx.post(token_url, json={**credentials, "scope": "read:users"}),
        httpx.post(token_url, data={"grant_type": "client_credentials"}, headers=basic(client_id, secret)),
        # client_secret_basic, with the client_id repeated in the body as some libraries do
        httpx.post(
            token_url,
            data={"grant_type": "client_credentials", "client_id": client_id},
            headers=basic(client_id, secret),
        ),
    ]
    for response in answers:
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        body = response.json()
        assert body["token_type"] == "bearer" and body["expires_in"] == 3600
        assert body["access_token"].count(".") == 2
    assert [r.json()["scope"] for r in answers] == [
        "read:users write:users",
        "read:users",
        "read:users write:users",
        "read:users write:users",
    ]


def test_token_errors_follow_rfc_6749(token_url: str, project: Project, m2m_client: dict[str, Any]) -> None:
    client_id, secret = m2m_client["client_id"], m2m_client["client_secret"]
    grant = {"grant_type": "client_credentials"}
    cases: list[tuple[httpx.Response, int, str]] = [
        (
            httpx.post(token_url, data={"client_id": client_id, "client_secret": secret}),
            400,
            "invalid_request",
        ),
        (httpx.post(token_url, data={**grant, "grant_type": "password"}), 400, "unsupported_grant_type"),
        (httpx.post(token_url, data=grant), 401, "invalid_client"),
        (httpx.post(token_url, data={**grant, "client_id": client_id}), 401, "invalid_client"),
        (
            httpx.post(token_url, data={**grant, "client_id": client_id, "client_secret": secret + "x"}),
            401,
            "invalid_client",
        ),
        (
            httpx.post(token_url, data={**grant, "client_id": client_id.upper(), "client_secret": secret}),
            401,
            "invalid_client",
        ),
        (
            httpx.post(
                token_url, data={**grant, "client_id": client_id, "client_secret": secret, "scope": "admin"}
            ),
            400,
            "invalid_scope",
        ),
        (
            httpx.post(
                token_url,
                data={**grant, "client_id": client_id, "client_secret": secret, "scope": "read:users\nadmin"},
            ),
            400,
            "invalid_scope",
        ),
        (
            httpx.post(
                token_url,
                content=f"grant_type=client_credentials&client_id={client_id}&client_id=x",
                headers={"content-type": "application/x-www-form-urlencoded"},
            ),
            400,
            "invalid_request",
        ),
        (
            httpx.post(
                token_url,
                content=b"grant_type=client_credentials&client_id=\xff",
                headers={"content-type": "application/x-www-form-urlencoded"},
            ),
            400,
            "invalid_request",
        ),
        (
            httpx.post(
                token_url,
                content="&".join(f"p{i}=1" for i in range(200)),
                headers={"content-type": "application/x-www-form-urlencoded"},
            ),
            400,
            "invalid_request",
        ),
        (
            httpx.post(
                token_url, content=b"grant_type=client_credentials", headers={"content-type": "text/plain"}
            ),
            400,
            "invalid_request",
        ),
        (httpx.post(token_url, json=[grant]), 400, "invalid_request"),
        (
            httpx.post(token_url, json={**grant, "client_id": [client_id], "client_secret": secret}),
            400,
            "invalid_request",
        ),
        (
            httpx.post(
                token_url, json={**grant, "client_id": client_id, "client_secret": secret, "scope": 5}
            ),
            400,
            "invalid_request",
        ),
        (
            httpx.post(token_url, json={**grant, "client_id": LARGE, "client_secret": secret}),
            401,
            "invalid_client",
        ),
        (
            httpx.post(token_url, json={**grant, "client_id": client_id, "client_secret": LARGE}),
            401,
            "invalid_client",
        ),
        (
            httpx.post(token_url, json={**grant, "client_id": "a\x00b", "client_secret": secret}),
            401,
            "invalid_client",
        ),
        (
            httpx.post(token_url, json={**grant, "client_id": client_id, "client_secret": "\x00"}),
            401,
            "invalid_client",
        ),
        (
            httpx.post(
                token_url, json={**grant, "client_id": client_id, "client_secret": secret, "scope": LARGE}
            ),
            400,
            "invalid_scope",
        ),
        (httpx.post(token_url, data=grant, headers={"authorization": "Basic %%%"}), 401, "invalid_client"),
        (httpx.post(token_url, data=grant, headers=basic(client_id, "wrong")), 401, "invalid_client"),
    ]
    for response, status, error in cases:
        assert_oauth_error(response, status, error)
    # A client that authenticated with HTTP Basic is told which scheme to use (RFC 6749 section 5.2).
    assert cases[-1][0].headers["www-authenticate"].startswith("Basic ")
    # The project's own credentials (which the Python SDK sends along) are not client credentials.
    project_basic = basic(project.project_id, project.secret)
    assert_oauth_error(httpx.post(token_url, data=grant, headers=project_basic), 401, "invalid_client")


def test_token_endpoint_paths_and_methods(server: KeystileServer, m2m_client: dict[str, Any]) -> None:
    credentials = {
        "grant_type": "client_credentials",
        "client_id": m2m_client["client_id"],
        "client_secret": m2m_client["client_secret"],
    }
    base = server.base_url
    for project_id in ("project-test-unknown", "' OR 1=1 --", "p" * 5000, "%E2%98%83"):
        assert_oauth_error(
            httpx.post(f"{base}v1/public/{project_id}/oauth2/token", data=credentials), 401, "invalid_client"
        )
    other = server.create_project()
    assert_oauth_error(
        httpx.post(f"{base}v1/public/{other.project_id}/oauth2/token", data=credentials),
        401,
        "invalid_client",
    )
    wrong_method = httpx.get(f"{base}v1/public/{other.project_id}/oauth2/token")
    assert_stytch_error(wrong_method, 405, "method_not_allowed")


def test_no_secret_reaches_the_log(
    api: httpx.Client,
    server: KeystileServer,
    token_url: str,
    m2m_client: dict[str, Any],
) -> None:
    offset = server.log_path.stat().st_size
    secret = m2m_client["client_secret"]
    rotated = api.post(f"/v1/m2m/clients/{m2m_client['client_id']}/secrets/rotate/start").json()
    next_secret = rotated["m2m_client"]["next_client_secret"]
    for attempt in (secret, next_secret, secret + "!", "wrong-" + next_secret):
        httpx.post(
            token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": m2m_client["client_id"],
                "client_secret": attempt,
            },
        )
    written = server.log_path.read_bytes()[offset:].decode("utf-8", "replace")
    assert secret not in written and next_secret not in written
