"""Hostile input against every B2B endpoint of a real server: each answer is a 4xx in Stytch's error
shape (never a 5xx, a trace or SQL); hostile strings are stored verbatim or refused, never executed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.support.hostile import (
    CONTROL,
    HUGE,
    MALFORMED_JSON,
    NOT_AN_OBJECT,
    SQL,
    assert_method_not_allowed,
    assert_stytch_error,
    nested,
    raw,
    watched_client,
)
from tests.support.server import KeystileServer, Project

MISSING_ORG = "organization-test-00000000-0000-0000-0000-000000000000"
MISSING_MEMBER = "member-test-00000000-0000-0000-0000-000000000000"

# name -> (method, path, a valid body); {org} and {member} are filled with a real organization and member.
ENDPOINTS: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "org-create": ("POST", "/v1/b2b/organizations", {"organization_name": "Hostile"}),
    "org-search": ("POST", "/v1/b2b/organizations/search", {}),
    "org-get": ("GET", "/v1/b2b/organizations/{org}", None),
    "org-update": ("PUT", "/v1/b2b/organizations/{org}", {}),
    "org-delete": ("DELETE", "/v1/b2b/organizations/{org}", None),
    "member-search": ("POST", "/v1/b2b/organizations/members/search", {"organization_ids": ["{org}"]}),
    "member-dangerously-get": ("GET", "/v1/b2b/organizations/members/dangerously_get/{member}", None),
    "member-create": ("POST", "/v1/b2b/organizations/{org}/members", {"email_address": "new@example.com"}),
    "member-get": ("GET", "/v1/b2b/organizations/{org}/member?member_id={member}", None),
    "member-update": ("PUT", "/v1/b2b/organizations/{org}/members/{member}", {}),
    "member-delete": ("DELETE", "/v1/b2b/organizations/{org}/members/{member}", None),
    "member-reactivate": ("PUT", "/v1/b2b/organizations/{org}/members/{member}/reactivate", None),
    "login-or-signup": (
        "POST",
        "/v1/b2b/magic_links/email/login_or_signup",
        {"organization_id": "{org}", "email_address": "member@example.com"},
    ),
    "invite": (
        "POST",
        "/v1/b2b/magic_links/email/invite",
        {"organization_id": "{org}", "email_address": "invitee@example.com"},
    ),
    "authenticate": ("POST", "/v1/b2b/magic_links/authenticate", {"magic_links_token": "x" * 43}),
    "discovery-send": (
        "POST",
        "/v1/b2b/magic_links/email/discovery/send",
        {"email_address": "d@example.com"},
    ),
    "discovery-authenticate": (
        "POST",
        "/v1/b2b/magic_links/discovery/authenticate",
        {"discovery_magic_links_token": "x" * 43},
    ),
    "ist-exchange": (
        "POST",
        "/v1/b2b/discovery/intermediate_sessions/exchange",
        {"intermediate_session_token": "x" * 43, "organization_id": "{org}"},
    ),
    "discovered-list": ("POST", "/v1/b2b/discovery/organizations", {"intermediate_session_token": "x" * 43}),
    "discovery-create": (
        "POST",
        "/v1/b2b/discovery/organizations/create",
        {"intermediate_session_token": "x" * 43},
    ),
    "sessions-get": ("GET", "/v1/b2b/sessions?organization_id={org}&member_id={member}", None),
    "sessions-authenticate": ("POST", "/v1/b2b/sessions/authenticate", {"session_token": "x" * 43}),
    "sessions-authenticate-jwt": ("POST", "/v1/b2b/sessions/authenticate", {"session_jwt": "a.b.c"}),
    "sessions-revoke": ("POST", "/v1/b2b/sessions/revoke", {"session_token": "x" * 43}),
    "sessions-exchange": (
        "POST",
        "/v1/b2b/sessions/exchange",
        {"organization_id": "{org}", "session_token": "x"},
    ),
}
BODY_ENDPOINTS = [name for name, (_, _, body) in ENDPOINTS.items() if body is not None]
# The consumer suite tries every malformed body; here a few kinds of each, on every endpoint.
MALFORMED = [
    case for case in MALFORMED_JSON if case[0] in ("truncated", "nan", "lone-surrogate", "deep-arrays-10000")
]
NOT_OBJECTS = [case for case in NOT_AN_OBJECT if case[0] in ("list", "string", "null", "empty-body")]


@pytest.fixture
def b2b_api(server: KeystileServer, b2b_project: Project) -> Iterator[httpx.Client]:
    with watched_client(server, b2b_project) as client:
        yield client


@pytest.fixture
def target(b2b_api: httpx.Client) -> dict[str, str]:
    """An organization with a member, which the hostile requests name (and must leave intact)."""
    org = b2b_api.post("/v1/b2b/organizations", json={"organization_name": "Target"}).json()["organization"]
    member = b2b_api.post(
        f"/v1/b2b/organizations/{org['organization_id']}/members",
        json={"email_address": "target@example.com"},
    ).json()
    return {"org": org["organization_id"], "member": member["member_id"]}


def fill(template: Any, target: dict[str, str]) -> Any:
    """`template` (a path or a body) with {org} and {member} replaced."""
    if template is None:
        return None
    text = json.dumps(template) if not isinstance(template, str) else template
    text = text.replace("{org}", target["org"]).replace("{member}", target["member"])
    return text if isinstance(template, str) else json.loads(text)


def call(api: httpx.Client, endpoint: str, target: dict[str, str], /, **overrides: Any) -> httpx.Response:
    method, path, body = ENDPOINTS[endpoint]
    merged = None if body is None else {**fill(body, target), **overrides}
    return api.request(method, fill(path, target), json=merged)


def assert_target_intact(api: httpx.Client, target: dict[str, str]) -> None:
    got = api.get(f"/v1/b2b/organizations/{target['org']}/member", params={"member_id": target["member"]})
    assert got.status_code == 200, got.text
    assert got.json()["member"]["email_address"] == "target@example.com"
    assert got.json()["organization"]["organization_name"] == "Target"


# --- Bodies that are not JSON objects ---------------------------------------------------------


@pytest.mark.parametrize("endpoint", BODY_ENDPOINTS)
@pytest.mark.parametrize("body", [b for _, b in MALFORMED], ids=[i for i, _ in MALFORMED])
def test_malformed_json_is_invalid_json(
    b2b_api: httpx.Client, target: dict[str, str], endpoint: str, body: bytes
) -> None:
    method, path, _ = ENDPOINTS[endpoint]
    response = b2b_api.request(
        method, fill(path, target), content=body, headers={"content-type": "application/json"}
    )
    assert_stytch_error(response, 400, "invalid_json")


@pytest.mark.parametrize("endpoint", BODY_ENDPOINTS)
@pytest.mark.parametrize("body", [b for _, b in NOT_OBJECTS], ids=[i for i, _ in NOT_OBJECTS])
def test_json_that_is_not_an_object_is_refused(
    b2b_api: httpx.Client, target: dict[str, str], endpoint: str, body: bytes
) -> None:
    method, path, _ = ENDPOINTS[endpoint]
    response = b2b_api.request(
        method, fill(path, target), content=body, headers={"content-type": "application/json"}
    )
    assert_stytch_error(response, 400)
    assert_target_intact(b2b_api, target)


# --- Wrong types, huge values, control characters, field by field ------------------------------

# (endpoint, field, value, error type)
WRONG_VALUES: dict[str, tuple[str, str, Any, str]] = {
    "org-name-int": ("org-create", "organization_name", 7, "invalid_argument"),
    "org-name-list": ("org-create", "organization_name", ["Acme"], "invalid_argument"),
    "org-name-empty": ("org-create", "organization_name", "", "invalid_organization_name"),
    "org-name-huge": ("org-create", "organization_name", HUGE, "invalid_argument"),
    "org-name-129": ("org-create", "organization_name", "n" * 129, "invalid_organization_name"),
    "org-slug-space": ("org-create", "organization_slug", "a b", "invalid_organization_slug"),
    "org-slug-slash": ("org-create", "organization_slug", "a/b", "invalid_organization_slug"),
    "org-slug-one-char": ("org-create", "organization_slug", "a", "invalid_organization_slug"),
    "org-slug-unicode": ("org-create", "organization_slug", "acmé", "invalid_organization_slug"),
    "org-logo-javascript": ("org-create", "organization_logo_url", "javascript:alert(1)", "invalid_argument"),
    "org-domains-string": ("org-create", "email_allowed_domains", "example.com", "invalid_argument"),
    "org-domains-ints": ("org-create", "email_allowed_domains", [1], "invalid_argument"),
    "org-domains-not-domain": (
        "org-create",
        "email_allowed_domains",
        ["not a domain"],
        "invalid_email_domain",
    ),
    "org-domains-email": ("org-create", "email_allowed_domains", ["a@example.com"], "invalid_email_domain"),
    "org-domains-common": ("org-create", "email_allowed_domains", ["GMAIL.com"], "invalid_email_domain"),
    "org-domains-many": ("org-create", "email_allowed_domains", ["a.example.com"] * 101, "invalid_argument"),
    "org-setting-lowercase": ("org-create", "email_invites", "all_allowed", "invalid_argument"),
    "org-setting-int": ("org-create", "mfa_policy", 1, "invalid_argument"),
    "org-auth-methods-unknown": ("org-create", "allowed_auth_methods", ["password2"], "invalid_argument"),
    "org-mfa-methods-unknown": ("org-create", "allowed_mfa_methods", ["sms"], "invalid_argument"),
    "org-roles-assignment-bad-domain": (
        "org-create",
        "rbac_email_implicit_role_assignments",
        [{"domain": "x", "role_id": "r"}],
        "invalid_email_domain",
    ),
    "org-roles-assignment-missing-role": (
        "org-create",
        "rbac_email_implicit_role_assignments",
        [{"domain": "example.com"}],
        "invalid_argument",
    ),
    "org-metadata-list": ("org-create", "trusted_metadata", [1], "invalid_metadata"),
    "org-metadata-too-deep": ("org-create", "trusted_metadata", json.loads(nested(17)), "invalid_metadata"),
    "org-metadata-huge": ("org-create", "trusted_metadata", {"k": "v" * 5000}, "invalid_metadata"),
    "org-external-id-sql": ("org-create", "organization_external_id", "' OR 1=1 --", "invalid_external_id"),
    "org-update-slug-control": ("org-update", "organization_slug", "a\x00b", "invalid_organization_slug"),
    "org-update-name-control": ("org-update", "organization_name", "Acme\x1b", "invalid_organization_name"),
    "org-search-limit-string": ("org-search", "limit", "10", "invalid_limit"),
    "org-search-limit-zero": ("org-search", "limit", 0, "invalid_limit"),
    "org-search-operator": ("org-search", "query", {"operator": "XOR", "operands": []}, "invalid_argument"),
    "org-search-unknown-filter": (
        "org-search",
        "query",
        {"operator": "AND", "operands": [{"filter_name": "secret", "filter_value": "x"}]},
        "invalid_search_query",
    ),
    "org-search-ids-string": (
        "org-search",
        "query",
        {"operator": "AND", "operands": [{"filter_name": "organization_ids", "filter_value": "x"}]},
        "invalid_search_query",
    ),
    "org-search-domain-sql": (
        "org-search",
        "query",
        {"operator": "AND", "operands": [{"filter_name": "allowed_domains", "filter_value": ["' OR 1=1"]}]},
        "invalid_email_domain",
    ),
    "org-search-fuzzy-huge": (
        "org-search",
        "query",
        {"operator": "AND", "operands": [{"filter_name": "organization_name_fuzzy", "filter_value": HUGE}]},
        "invalid_search_query",
    ),
    "member-email-list": ("member-create", "email_address", ["a@example.com"], "invalid_argument"),
    "member-email-invalid": ("member-create", "email_address", "not-an-email", "invalid_email"),
    "member-email-control": ("member-create", "email_address", "a\x00b@example.com", "invalid_email"),
    "member-name-object": ("member-create", "name", {"first_name": "Ada"}, "invalid_name"),
    "member-name-control": ("member-create", "name", "Ada\x07", "invalid_name"),
    "member-roles-string": ("member-create", "roles", "stytch_admin", "invalid_argument"),
    "member-roles-bad-id": ("member-create", "roles", ["has space"], "invalid_argument"),
    "member-breakglass-string": ("member-create", "is_breakglass", "true", "invalid_argument"),
    "member-phone-bad": ("member-create", "mfa_phone_number", "555", "invalid_phone_number"),
    "member-pending-int": ("member-create", "create_member_as_pending", 1, "invalid_argument"),
    "member-update-default-mfa": (
        "member-update",
        "default_mfa_method",
        "carrier-pigeon",
        "invalid_argument",
    ),
    "member-update-metadata-string": ("member-update", "untrusted_metadata", "{}", "invalid_metadata"),
    "member-search-no-orgs": ("member-search", "organization_ids", [], "invalid_argument"),
    "member-search-org-ints": ("member-search", "organization_ids", [1], "invalid_argument"),
    "member-search-too-many-orgs": ("member-search", "organization_ids", ["o"] * 101, "invalid_argument"),
    "member-search-status-unknown": (
        "member-search",
        "query",
        {"operator": "AND", "operands": [{"filter_name": "statuses", "filter_value": ["banned"]}]},
        "invalid_search_query",
    ),
    "member-search-cursor-forged": ("member-search", "cursor", "%%%not a cursor%%%", "invalid_cursor"),
    "login-email-invalid": ("login-or-signup", "email_address", "@", "invalid_email"),
    "login-org-missing": ("login-or-signup", "organization_id", MISSING_ORG, "organization_not_found"),
    "login-org-int": ("login-or-signup", "organization_id", 5, "invalid_argument"),
    "login-redirect-evil": (
        "login-or-signup",
        "login_redirect_url",
        "https://evil.test/",
        "invalid_magic_link_url",
    ),
    "login-expiration-short": ("login-or-signup", "login_expiration_minutes", 4, "invalid_expiration"),
    "login-pkce-short": ("login-or-signup", "pkce_code_challenge", "short", "invalid_pkce_code_challenge"),
    "invite-roles-objects": ("invite", "roles", [{"role_id": "x"}], "invalid_argument"),
    "invite-org-sql": ("invite", "organization_id", "' OR 1=1 --", "invalid_organization_id"),
    "authenticate-token-empty": ("authenticate", "magic_links_token", "", "invalid_argument"),
    "authenticate-token-huge": ("authenticate", "magic_links_token", HUGE, "invalid_argument"),
    "authenticate-token-unknown": ("authenticate", "magic_links_token", "y" * 43, "magic_link_not_found"),
    "authenticate-duration-short": (
        "authenticate",
        "session_duration_minutes",
        "60",
        "invalid_session_duration_minutes",
    ),
    "discovery-send-email-int": ("discovery-send", "email_address", 1, "invalid_argument"),
    "discovery-send-redirect": (
        "discovery-send",
        "discovery_redirect_url",
        "javascript:1",
        "invalid_magic_link_url",
    ),
    "discovery-auth-unknown": (
        "discovery-authenticate",
        "discovery_magic_links_token",
        "z" * 43,
        "magic_link_not_found",
    ),
    "exchange-ist-unknown": (
        "ist-exchange",
        "intermediate_session_token",
        "z" * 43,
        "intermediate_session_not_found",
    ),
    "exchange-org-list": ("ist-exchange", "organization_id", ["x"], "invalid_argument"),
    "list-nothing": ("discovered-list", "intermediate_session_token", None, "invalid_argument"),
    "list-two-credentials": ("discovered-list", "session_token", "x" * 43, "invalid_argument"),
    "create-ist-unknown": (
        "discovery-create",
        "intermediate_session_token",
        "q" * 43,
        "intermediate_session_not_found",
    ),
    "create-ist-int": ("discovery-create", "intermediate_session_token", 1, "invalid_argument"),
    "session-unknown": ("sessions-authenticate", "session_token", "q" * 43, "session_not_found"),
    "session-jwt-garbage": (
        "sessions-authenticate-jwt",
        "session_jwt",
        "a.b.c",
        "unable_to_parse_session_jwt",
    ),
    "session-jwt-alg-none": (
        "sessions-authenticate-jwt",
        "session_jwt",
        "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0.",
        "unable_to_parse_session_jwt",
    ),
    "session-check-string": ("sessions-authenticate", "authorization_check", "admin", "invalid_argument"),
    "revoke-nothing": ("sessions-revoke", "session_token", None, "no_session_revoke_arguments"),
    "revoke-two": ("sessions-revoke", "member_id", MISSING_MEMBER, "too_many_session_revoke_arguments"),
    "exchange-session-unknown": ("sessions-exchange", "session_token", "q" * 43, "session_not_found"),
}


@pytest.mark.parametrize("case", WRONG_VALUES.values(), ids=WRONG_VALUES.keys())
def test_wrong_values_are_refused(
    b2b_api: httpx.Client, target: dict[str, str], case: tuple[str, str, Any, str]
) -> None:
    endpoint, field, value, error_type = case
    assert_stytch_error(call(b2b_api, endpoint, target, **{field: value}), None, error_type)
    assert_target_intact(b2b_api, target)


@pytest.mark.parametrize("char_name", CONTROL)
@pytest.mark.parametrize(
    ("endpoint", "field", "error_type"),
    [
        ("org-create", "organization_name", "invalid_organization_name"),
        ("org-create", "organization_slug", "invalid_organization_slug"),
        ("member-create", "email_address", "invalid_email"),
        ("member-create", "name", "invalid_name"),
        ("login-or-signup", "email_address", "invalid_email"),
        ("discovery-send", "email_address", "invalid_email"),
    ],
)
def test_control_characters_are_refused(
    b2b_api: httpx.Client, target: dict[str, str], endpoint: str, field: str, error_type: str, char_name: str
) -> None:
    _, _, body = ENDPOINTS[endpoint]
    value = f"{CONTROL[char_name]}{(body or {}).get(field, 'Acme')}"
    assert_stytch_error(call(b2b_api, endpoint, target, **{field: value}), 400, error_type)


@pytest.mark.parametrize("header", ["X-Stytch-Member-Session", "X-Stytch-Member-SessionJWT"])
@pytest.mark.parametrize("value", ["q" * 43, "a.b.c", "x" * 10_000], ids=["unknown", "garbage", "huge"])
def test_hostile_member_session_headers_are_refused(
    b2b_api: httpx.Client, target: dict[str, str], header: str, value: str
) -> None:
    response = b2b_api.put(
        f"/v1/b2b/organizations/{target['org']}", json={"organization_name": "Taken"}, headers={header: value}
    )
    assert_stytch_error(response)
    assert_target_intact(b2b_api, target)


# --- SQL and path tricks ------------------------------------------------------------------------


@pytest.mark.parametrize("sql", SQL.values(), ids=SQL.keys())
def test_sql_in_free_text_is_stored_verbatim(b2b_api: httpx.Client, target: dict[str, str], sql: str) -> None:
    created = b2b_api.post(
        "/v1/b2b/organizations", json={"organization_name": sql[:128], "trusted_metadata": {sql: sql}}
    )
    assert created.status_code == 200, created.text
    organization = created.json()["organization"]
    assert organization["organization_name"] == sql[:128]
    assert organization["trusted_metadata"] == {sql: sql}
    member = b2b_api.post(
        f"/v1/b2b/organizations/{organization['organization_id']}/members",
        json={"email_address": "m@example.com", "name": sql, "untrusted_metadata": {"note": sql}},
    )
    assert member.status_code == 200, member.text
    assert member.json()["member"]["name"] == sql
    found = b2b_api.post(
        "/v1/b2b/organizations/search",
        json={
            "query": {
                "operator": "AND",
                "operands": [{"filter_name": "organization_name_fuzzy", "filter_value": sql}],
            }
        },
    )
    if found.status_code == 200:
        assert [o["organization_id"] for o in found.json()["organizations"]] == [
            organization["organization_id"]
        ]
    else:
        assert_stytch_error(found, 400, "invalid_search_query")
    assert_target_intact(b2b_api, target)


@pytest.mark.parametrize("sql", SQL.values(), ids=SQL.keys())
@pytest.mark.parametrize(
    ("method", "template"),
    [
        ("GET", "/v1/b2b/organizations/{}"),
        ("PUT", "/v1/b2b/organizations/{}"),
        ("DELETE", "/v1/b2b/organizations/{}"),
        ("POST", "/v1/b2b/organizations/{}/members"),
        ("GET", "/v1/b2b/organizations/{}/member"),
        ("DELETE", "/v1/b2b/organizations/{org}/members/{}"),
        ("PUT", "/v1/b2b/organizations/{org}/members/{}/reactivate"),
        ("GET", "/v1/b2b/organizations/members/dangerously_get/{}"),
    ],
)
def test_sql_in_path_ids_is_refused(
    b2b_api: httpx.Client, target: dict[str, str], method: str, template: str, sql: str
) -> None:
    path = template.replace("{org}", target["org"]).format(quote(sql, safe=""))
    response = raw(b2b_api, method, path.encode(), json={} if method in ("PUT", "POST") else None)
    assert_stytch_error(response)
    assert response.status_code in (400, 404)
    assert_target_intact(b2b_api, target)


PATHS = {
    "encoded-traversal": (b"/v1/b2b/organizations/..%2F..%2Fetc%2Fpasswd", 404),
    "nul": (b"/v1/b2b/organizations/org%00", 400),
    "newline": (b"/v1/b2b/organizations/org%0A", 400),
    "emoji": (b"/v1/b2b/organizations/%F0%9F%98%80", 400),
    "ref-of-129": (b"/v1/b2b/organizations/" + b"o" * 129, 400),
    "ref-of-128": (b"/v1/b2b/organizations/" + b"o" * 128, 404),
    "trailing-slash": (b"/v1/b2b/organizations/" + MISSING_ORG.encode() + b"/", 404),
    "unknown-b2b-product": (b"/v1/b2b/nope", 404),
    "jwks-unknown-project": (b"/v1/b2b/sessions/jwks/project-test-nope/extra", 404),
}


@pytest.mark.parametrize("case", PATHS.values(), ids=PATHS.keys())
def test_path_tricks(b2b_api: httpx.Client, case: tuple[bytes, int]) -> None:
    raw_path, status = case
    assert_stytch_error(raw(b2b_api, "GET", raw_path), status)


WRONG_METHODS = [
    ("GET", "/v1/b2b/organizations"),
    ("PATCH", f"/v1/b2b/organizations/{MISSING_ORG}"),
    ("GET", "/v1/b2b/organizations/members/search"),
    ("GET", "/v1/b2b/magic_links/email/login_or_signup"),
    ("GET", "/v1/b2b/discovery/organizations"),
    ("DELETE", "/v1/b2b/sessions"),
    ("POST", "/v1/b2b/sessions/jwks/project-test-x"),
]


@pytest.mark.parametrize(("method", "path"), WRONG_METHODS, ids=[f"{m} {p}" for m, p in WRONG_METHODS])
def test_wrong_methods_are_405(b2b_api: httpx.Client, method: str, path: str) -> None:
    assert_method_not_allowed(b2b_api, method, path)


# --- Projects -------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_consumer_projects_are_refused(
    server: KeystileServer, project: Project, target: dict[str, str], endpoint: str
) -> None:
    with httpx.Client(
        base_url=server.base_url.rstrip("/"), auth=(project.project_id, project.secret)
    ) as consumer:
        assert_stytch_error(call(consumer, endpoint, target), 400, "invalid_b2b_endpoint")


@pytest.mark.parametrize(
    "endpoint", ["org-get", "org-update", "member-create", "login-or-signup", "sessions-get"]
)
def test_another_projects_organizations_are_not_found(
    server: KeystileServer, target: dict[str, str], endpoint: str
) -> None:
    other = server.create_project(vertical="b2b")
    with httpx.Client(
        base_url=server.base_url.rstrip("/"), auth=(other.project_id, other.secret)
    ) as stranger:
        assert_stytch_error(call(stranger, endpoint, target), 404, "organization_not_found")


def test_b2b_jwks_answers_without_credentials(server: KeystileServer, b2b_project: Project) -> None:
    response = httpx.get(f"{server.base_url}v1/b2b/sessions/jwks/{b2b_project.project_id}")
    assert response.status_code == 200 and response.json()["keys"] == []
    assert_stytch_error(httpx.post(f"{server.base_url}v1/b2b/organizations/search", json={}), 401)
