"""Hostile input against a real server: every answer is a 4xx in Stytch's error shape, never a 5xx,
a redirect, a stack trace or SQL; hostile strings are stored verbatim or refused, never executed."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import structlog
from fastapi import FastAPI

from keystile.api.errors import install_error_handlers
from keystile.api.middleware import RequestGuard
from tests.support.hostile import (
    CONTROL,
    ERROR_FIELDS,
    HUGE,
    MALFORMED_JSON,
    NOT_AN_OBJECT,
    SQL,
    assert_method_not_allowed,
    assert_stytch_error,
    nested,
    raw,
)
from tests.support.server import KeystileServer, Project

MISSING_USER = "user-test-00000000-0000-0000-0000-000000000000"
MAX_BODY = 1_048_576


def create_user(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = api.post("/v1/users", json=fields)
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()["user"]
    return user


# --- Bodies that are not JSON objects ---------------------------------------------------------

BODY_ENDPOINTS = {
    "create": ("POST", "/v1/users"),
    "search": ("POST", "/v1/users/search"),
    "update": ("PUT", f"/v1/users/{MISSING_USER}"),
}


@pytest.mark.parametrize("endpoint", BODY_ENDPOINTS.values(), ids=BODY_ENDPOINTS.keys())
@pytest.mark.parametrize("body", [b for _, b in MALFORMED_JSON], ids=[i for i, _ in MALFORMED_JSON])
def test_malformed_json_is_invalid_json(api: httpx.Client, endpoint: tuple[str, str], body: bytes) -> None:
    method, path = endpoint
    response = api.request(method, path, content=body, headers={"content-type": "application/json"})
    assert_stytch_error(response, 400, "invalid_json")


@pytest.mark.parametrize("endpoint", BODY_ENDPOINTS.values(), ids=BODY_ENDPOINTS.keys())
@pytest.mark.parametrize("body", [b for _, b in NOT_AN_OBJECT], ids=[i for i, _ in NOT_AN_OBJECT])
def test_json_that_is_not_an_object_is_refused(
    api: httpx.Client, endpoint: tuple[str, str], body: bytes
) -> None:
    method, path = endpoint
    response = api.request(method, path, content=body, headers={"content-type": "application/json"})
    assert_stytch_error(response, 400)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", None]
)
def test_bodies_of_other_types_are_refused(api: httpx.Client, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = api.post("/v1/users", content=b"email=a%40example.com", headers=headers)
    assert_stytch_error(response, 400)


# --- Wrong types, field by field --------------------------------------------------------------


@dataclass(frozen=True)
class Wrong:
    endpoint: str  # a key of BODY_ENDPOINTS
    body: dict[str, Any]
    error_type: str


WRONG_TYPES = {
    "email-list": Wrong("create", {"email": ["a@example.com"]}, "invalid_email"),
    "email-int": Wrong("create", {"email": 12345}, "invalid_email"),
    "email-object": Wrong("create", {"email": {"address": "a@example.com"}}, "invalid_email"),
    "email-bool": Wrong("create", {"email": True}, "invalid_email"),
    "phone-int": Wrong("create", {"phone_number": 12025550123}, "invalid_phone_number"),
    "phone-list": Wrong("create", {"phone_number": ["+12025550123"]}, "invalid_phone_number"),
    "name-string": Wrong("create", {"name": "Ada Lovelace"}, "invalid_name"),
    "name-list": Wrong("create", {"name": ["Ada"]}, "invalid_name"),
    "first-name-int": Wrong("create", {"name": {"first_name": 7}}, "invalid_name"),
    "first-name-object": Wrong("create", {"name": {"first_name": {"x": 1}}}, "invalid_name"),
    "pending-string": Wrong("create", {"create_user_as_pending": "true"}, "invalid_argument"),
    "pending-int": Wrong("create", {"create_user_as_pending": 1}, "invalid_argument"),
    "pending-null": Wrong("create", {"create_user_as_pending": None}, "invalid_argument"),
    "trusted-metadata-list": Wrong("create", {"trusted_metadata": [1, 2]}, "invalid_metadata"),
    "trusted-metadata-string": Wrong("create", {"trusted_metadata": "{}"}, "invalid_metadata"),
    "untrusted-metadata-int": Wrong("create", {"untrusted_metadata": 5}, "invalid_metadata"),
    "external-id-int": Wrong("create", {"external_id": 42}, "invalid_external_id"),
    "roles-string": Wrong("create", {"roles": "admin"}, "invalid_argument"),
    "roles-of-ints": Wrong("create", {"roles": [1, 2]}, "invalid_argument"),
    "roles-of-objects": Wrong("create", {"roles": [{"role": "admin"}]}, "invalid_argument"),
    "attributes-list": Wrong("create", {"attributes": ["1.2.3.4"]}, "invalid_argument"),
    "limit-string": Wrong("search", {"limit": "10"}, "invalid_limit"),
    "limit-bool": Wrong("search", {"limit": True}, "invalid_limit"),
    "limit-float": Wrong("search", {"limit": 1.5}, "invalid_limit"),
    "limit-list": Wrong("search", {"limit": [10]}, "invalid_limit"),
    "limit-zero": Wrong("search", {"limit": 0}, "invalid_limit"),
    "limit-negative": Wrong("search", {"limit": -1}, "invalid_limit"),
    "limit-huge": Wrong("search", {"limit": 10**40}, "invalid_limit"),
    "cursor-int": Wrong("search", {"cursor": 5}, "invalid_cursor"),
    "query-string": Wrong("search", {"query": "status=active"}, "invalid_argument"),
    "query-list": Wrong("search", {"query": []}, "invalid_argument"),
    "operator-lowercase": Wrong("search", {"query": {"operator": "and"}}, "invalid_argument"),
    "operator-int": Wrong("search", {"query": {"operator": 1}}, "invalid_argument"),
    "operands-object": Wrong(
        "search", {"query": {"operands": {"filter_name": "status"}}}, "invalid_argument"
    ),
    "operands-of-ints": Wrong("search", {"query": {"operands": [1]}}, "invalid_argument"),
    "update-name-string": Wrong("update", {"name": "Ada"}, "invalid_name"),
    "update-metadata-list": Wrong("update", {"untrusted_metadata": ["x"]}, "invalid_metadata"),
    "update-external-id-bool": Wrong("update", {"external_id": False}, "invalid_external_id"),
    "update-roles-string": Wrong("update", {"roles": "admin"}, "invalid_argument"),
}

# (operand, error type): each search filter given a name or value it cannot take
WRONG_OPERANDS: dict[str, tuple[dict[str, Any], str]] = {
    "filter-name-list": ({"filter_name": ["status"], "filter_value": "active"}, "invalid_search_query"),
    "filter-name-object": (
        {"filter_name": {"n": "status"}, "filter_value": "active"},
        "invalid_search_query",
    ),
    "filter-name-unknown": ({"filter_name": "password", "filter_value": "x"}, "invalid_search_query"),
    "filter-name-missing": ({"filter_value": "active"}, "invalid_search_query"),
    **{
        case_id: ({"filter_name": name, "filter_value": value}, error_type)
        for case_id, (name, value, error_type) in {
            "user-id-string": ("user_id", MISSING_USER, "invalid_search_query"),
            "user-id-empty-list": ("user_id", [], "invalid_search_query"),
            "user-id-ints": ("user_id", [1, 2], "invalid_search_query"),
            "status-list": ("status", ["active"], "invalid_search_query"),
            "status-unknown": ("status", "deleted", "invalid_search_query"),
            "email-address-string": ("email_address", "a@example.com", "invalid_search_query"),
            "email-address-not-email": ("email_address", ["not-an-email"], "invalid_email"),
            "email-fuzzy-object": ("email_address_fuzzy", {"like": "a"}, "invalid_search_query"),
            "email-verified-string": ("email_verified", "true", "invalid_search_query"),
            "phone-number-ints": ("phone_number", [12025550123], "invalid_search_query"),
            "phone-number-not-e164": ("phone_number", ["555"], "invalid_phone_number"),
            "phone-fuzzy-int": ("phone_number_fuzzy", 555, "invalid_search_query"),
            "phone-verified-int": ("phone_verified", 1, "invalid_search_query"),
            "full-name-empty": ("full_name_fuzzy", "", "invalid_search_query"),
            "created-after-not-a-time": ("created_at_greater_than", "yesterday", "invalid_search_query"),
            "created-after-int": ("created_at_greater_than", 1700000000, "invalid_search_query"),
            "created-after-year-1-east": (
                "created_at_greater_than",
                "0001-01-01T00:00:00+14:00",
                "invalid_search_query",
            ),
            "created-before-year-9999-west": (
                "created_at_less_than",
                "9999-12-31T23:59:59-14:00",
                "invalid_search_query",
            ),
            "created-between-string": ("created_at_between", "2020..2030", "invalid_search_query"),
            "created-between-empty": ("created_at_between", {}, "invalid_search_query"),
        }.items()
    },
}


@pytest.fixture
def user_id(api: httpx.Client) -> str:
    """An existing user, so that update cases fail on their body and not on a missing user."""
    return str(create_user(api, email="target@example.com")["user_id"])


@pytest.mark.parametrize("case", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_wrong_types_are_refused(api: httpx.Client, user_id: str, case: Wrong) -> None:
    method, path = BODY_ENDPOINTS[case.endpoint]
    response = api.request(method, path.replace(MISSING_USER, user_id), json=case.body)
    assert_stytch_error(response, 400, case.error_type)


@pytest.mark.parametrize("case", WRONG_OPERANDS.values(), ids=WRONG_OPERANDS.keys())
def test_wrong_search_filters_are_refused(api: httpx.Client, case: tuple[dict[str, Any], str]) -> None:
    operand, error_type = case
    response = api.post("/v1/users/search", json={"query": {"operator": "AND", "operands": [operand]}})
    assert_stytch_error(response, 400, error_type)


def cursor_of(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


FORGED_CURSORS = {
    "not-base64": "%%%not base64%%%",
    "not-json": base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
    "ints": cursor_of([1, 2]),
    "nulls": cursor_of([None, None]),
    "three-parts": cursor_of(["2024-01-01T00:00:00+00:00", "user-test-x", "extra"]),
    "object": cursor_of({"created_at": "2024-01-01T00:00:00+00:00"}),
    "user-id-int": cursor_of(["2024-01-01T00:00:00+00:00", 7]),
    "user-id-with-nul": cursor_of(["2024-01-01T00:00:00+00:00", "user-test-\x00"]),
    "user-id-sql": cursor_of(["2024-01-01T00:00:00+00:00", "' OR 1=1 --"]),
    "user-id-too-long": cursor_of(["2024-01-01T00:00:00+00:00", "u" * 500]),
    "time-not-a-time": cursor_of(["yesterday", "user-test-x"]),
    "time-out-of-range": cursor_of(["0001-01-01T00:00:00+14:00", "user-test-x"]),
    "huge": "A" * 100_000,
}


@pytest.mark.parametrize("cursor", FORGED_CURSORS.values(), ids=FORGED_CURSORS.keys())
def test_forged_cursors_are_refused(api: httpx.Client, cursor: str) -> None:
    create_user(api, email="paged@example.com")
    assert_stytch_error(api.post("/v1/users/search", json={"cursor": cursor}), 400, "invalid_cursor")


# --- Size limits -----------------------------------------------------------------------------


def test_body_over_the_cap_with_content_length_is_413(api: httpx.Client) -> None:
    body = json.dumps({"email": "big@example.com", "padding": "x" * MAX_BODY}).encode()
    response = api.post("/v1/users", content=body, headers={"content-type": "application/json"})
    assert "content-length" in {k.lower() for k in response.request.headers}
    assert_stytch_error(response, 413, "request_too_large")


def test_body_over_the_cap_sent_chunked_is_413(api: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"email": "big@example.com", "padding": "'
        for _ in range(20):
            yield b"x" * 65_536
        yield b'"}'

    response = api.post("/v1/users", content=chunks(), headers={"content-type": "application/json"})
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in response.request.headers
    assert_stytch_error(response, 413, "request_too_large")


def test_body_just_under_the_cap_is_served(api: httpx.Client) -> None:
    body = json.dumps({"email": "almost@example.com", "padding": "x" * (MAX_BODY - 100)}).encode()
    assert len(body) <= MAX_BODY
    response = api.post("/v1/users", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text


HUGE_STRINGS = {
    "email": (("create", {"email": HUGE + "@example.com"}), "invalid_email"),
    "phone": (("create", {"phone_number": "+1" + "2" * 100_000}), "invalid_phone_number"),
    "first-name": (("create", {"name": {"first_name": HUGE}}), "invalid_name"),
    "external-id": (("create", {"external_id": HUGE}), "invalid_external_id"),
    "role": (("create", {"roles": [HUGE]}), "invalid_argument"),
    "many-roles": (("create", {"roles": ["r"] * 101}), "invalid_argument"),
    "metadata-value": (("create", {"trusted_metadata": {"k": HUGE}}), "invalid_metadata"),
    "metadata-key": (("create", {"untrusted_metadata": {HUGE: 1}}), "invalid_metadata"),
    "metadata-many-keys": (
        ("create", {"trusted_metadata": {str(i): i for i in range(2000)}}),
        "invalid_metadata",
    ),
    "cursor": (("search", {"cursor": HUGE}), "invalid_cursor"),
    "fuzzy-filter": (
        ("search", {"query": {"operands": [{"filter_name": "full_name_fuzzy", "filter_value": HUGE}]}}),
        "invalid_search_query",
    ),
    "many-user-ids": (
        ("search", {"query": {"operands": [{"filter_name": "user_id", "filter_value": ["u"] * 40_000}]}}),
        "invalid_search_query",
    ),
    "many-operands": (
        ("search", {"query": {"operands": [{"filter_name": "status", "filter_value": "active"}] * 51}}),
        "invalid_argument",
    ),
}


@pytest.mark.parametrize("case", HUGE_STRINGS.values(), ids=HUGE_STRINGS.keys())
def test_huge_values_are_refused(api: httpx.Client, case: tuple[tuple[str, dict[str, Any]], str]) -> None:
    (endpoint, body), error_type = case
    method, path = BODY_ENDPOINTS[endpoint]
    assert_stytch_error(api.request(method, path, json=body), 400, error_type)


def test_metadata_nesting_is_bounded(api: httpx.Client) -> None:
    """16 levels are stored on every engine (MariaDB refuses JSON deeper than 32); 17 are refused."""
    deepest = json.loads(nested(15))
    user = create_user(api, trusted_metadata={"a": deepest})
    got = api.get(f"/v1/users/{user['user_id']}").json()
    assert got["trusted_metadata"] == {"a": deepest}
    too_deep = {"trusted_metadata": {"a": json.loads(nested(16))}}
    assert_stytch_error(api.post("/v1/users", json=too_deep), 400, "invalid_metadata")
    arrays = {"untrusted_metadata": {"a": json.loads("[" * 40 + "]" * 40)}}
    assert_stytch_error(api.post("/v1/users", json=arrays), 400, "invalid_metadata")


def test_non_finite_numbers_in_metadata_are_refused(api: httpx.Client) -> None:
    # 1e400 is valid JSON that Python reads as infinity, which no database's JSON type stores.
    body = b'{"trusted_metadata": {"a": 1e400}}'
    response = api.post("/v1/users", content=body, headers={"content-type": "application/json"})
    assert_stytch_error(response, 400, "invalid_metadata")


# --- Control characters and NUL bytes ---------------------------------------------------------

CONTROL_FIELDS: dict[str, tuple[Callable[[str], tuple[str, dict[str, Any]]], str]] = {
    "email": (lambda c: ("create", {"email": f"a{c}b@example.com"}), "invalid_email"),
    "phone": (lambda c: ("create", {"phone_number": f"+1202555{c}0123"}), "invalid_phone_number"),
    "first-name": (lambda c: ("create", {"name": {"first_name": f"Ada{c}"}}), "invalid_name"),
    "last-name": (lambda c: ("create", {"name": {"last_name": f"{c}Lovelace"}}), "invalid_name"),
    "external-id": (lambda c: ("create", {"external_id": f"ext{c}1"}), "invalid_external_id"),
    "search-email": (
        lambda c: (
            "search",
            {"query": {"operands": [{"filter_name": "email_address", "filter_value": [f"a{c}@x.io"]}]}},
        ),
        "invalid_search_query",
    ),
    "search-user-id": (
        lambda c: (
            "search",
            {"query": {"operands": [{"filter_name": "user_id", "filter_value": [f"user{c}"]}]}},
        ),
        "invalid_search_query",
    ),
    "search-fuzzy-name": (
        lambda c: (
            "search",
            {"query": {"operands": [{"filter_name": "full_name_fuzzy", "filter_value": f"a{c}"}]}},
        ),
        "invalid_search_query",
    ),
    "search-fuzzy-email": (
        lambda c: (
            "search",
            {"query": {"operands": [{"filter_name": "email_address_fuzzy", "filter_value": c}]}},
        ),
        "invalid_search_query",
    ),
    "search-fuzzy-phone": (
        lambda c: (
            "search",
            {"query": {"operands": [{"filter_name": "phone_number_fuzzy", "filter_value": c}]}},
        ),
        "invalid_search_query",
    ),
    "update-name": (lambda c: ("update", {"name": {"middle_name": c}}), "invalid_name"),
}


@pytest.mark.parametrize("char_name", CONTROL)
@pytest.mark.parametrize("field", CONTROL_FIELDS)
def test_control_characters_are_refused(api: httpx.Client, user_id: str, field: str, char_name: str) -> None:
    build, error_type = CONTROL_FIELDS[field]
    endpoint, body = build(CONTROL[char_name])
    method, path = BODY_ENDPOINTS[endpoint]
    response = api.request(method, path.replace(MISSING_USER, user_id), json=body)
    assert_stytch_error(response, 400, error_type)


def test_nul_bytes_in_free_form_json_are_stored_verbatim(api: httpx.Client) -> None:
    """Metadata and roles are JSON documents, where `\\u0000` is ordinary text on every engine."""
    user = create_user(api, trusted_metadata={"k\x00": "v\x00"}, roles=["r\x00"])
    got = api.get(f"/v1/users/{user['user_id']}").json()
    assert got["trusted_metadata"] == {"k\x00": "v\x00"}
    assert got["roles"] == ["r\x00"]


# --- SQL-looking strings ----------------------------------------------------------------------


@pytest.fixture
def canary(api: httpx.Client) -> dict[str, Any]:
    """A user the hostile requests must leave untouched."""
    return create_user(
        api, email="canary@example.com", phone_number="+12025550100", name={"first_name": "Canary"}
    )


def assert_canary_alive(api: httpx.Client, canary: dict[str, Any], total: int) -> None:
    got = api.get(f"/v1/users/{canary['user_id']}")
    assert got.status_code == 200, got.text
    assert got.json()["emails"][0]["email"] == "canary@example.com"
    assert api.post("/v1/users/search", json={}).json()["results_metadata"]["total"] == total


@pytest.mark.parametrize("sql", SQL.values(), ids=SQL.keys())
def test_sql_in_string_fields_is_stored_verbatim(api: httpx.Client, canary: dict[str, Any], sql: str) -> None:
    fields = {
        "name": {"first_name": sql, "middle_name": sql, "last_name": sql},
        "trusted_metadata": {sql: sql},
        "untrusted_metadata": {"note": sql},
        "roles": [sql],
    }
    user = create_user(api, **fields)
    got = api.get(f"/v1/users/{user['user_id']}").json()
    assert got["name"] == fields["name"]
    assert got["trusted_metadata"] == {sql: sql}
    assert got["untrusted_metadata"] == {"note": sql}
    assert got["roles"] == [sql]
    updated = api.put(f"/v1/users/{user['user_id']}", json={"name": {"last_name": sql[::-1]}})
    assert updated.status_code == 200, updated.text
    assert updated.json()["user"]["name"]["last_name"] == sql[::-1]
    # Fields with a syntax of their own refuse it, or (`%_%@example.com`) store it as it is.
    email = api.post("/v1/users", json={"email": f"{sql}@example.com"})
    if email.status_code == 200:
        assert email.json()["user"]["emails"][0]["email"] == f"{sql}@example.com".lower()
    else:
        assert_stytch_error(email, 400, "invalid_email")
    assert_stytch_error(api.post("/v1/users", json={"phone_number": sql}), 400, "invalid_phone_number")
    assert_stytch_error(api.post("/v1/users", json={"external_id": sql}), 400, "invalid_external_id")
    assert_canary_alive(api, canary, total=3 if email.status_code == 200 else 2)


SEARCH_FILTERS: dict[str, Callable[[str], Any]] = {
    "full_name_fuzzy": lambda s: s,
    "email_address_fuzzy": lambda s: s,
    "phone_number_fuzzy": lambda s: s,
    "user_id": lambda s: [s],
    "email_address": lambda s: [s],
    "phone_number": lambda s: [s],
    "status": lambda s: s,
    "created_at_greater_than": lambda s: s,
}


@pytest.mark.parametrize("sql", SQL.values(), ids=SQL.keys())
@pytest.mark.parametrize("filter_name", SEARCH_FILTERS)
def test_sql_in_search_filters_matches_literally(
    api: httpx.Client, canary: dict[str, Any], filter_name: str, sql: str
) -> None:
    literal = create_user(api, name={"first_name": f"x{sql}y"})
    query = {
        "operator": "OR",
        "operands": [{"filter_name": filter_name, "filter_value": SEARCH_FILTERS[filter_name](sql)}],
    }
    response = api.post("/v1/users/search", json={"query": query})
    if response.status_code == 200:
        found = {u["user_id"] for u in response.json()["results"]}
        # Only a name that really contains the text matches; nothing matches everything.
        assert found <= {literal["user_id"]}
        assert (found == {literal["user_id"]}) == (filter_name == "full_name_fuzzy")
    else:
        assert_stytch_error(response, 400)
    assert_canary_alive(api, canary, total=2)


@pytest.mark.parametrize("sql", SQL.values(), ids=SQL.keys())
@pytest.mark.parametrize(
    ("method", "template"),
    [
        ("GET", "/v1/users/{}"),
        ("PUT", "/v1/users/{}"),
        ("DELETE", "/v1/users/{}"),
        ("DELETE", "/v1/users/emails/{}"),
        ("DELETE", "/v1/users/phone_numbers/{}"),
    ],
)
def test_sql_in_path_ids_is_refused(
    api: httpx.Client, canary: dict[str, Any], method: str, template: str, sql: str
) -> None:
    path = template.format(quote(sql, safe=""))
    response = raw(api, method, path.encode(), json={} if method == "PUT" else None)
    assert_stytch_error(response)
    assert response.status_code in (400, 404)
    assert_canary_alive(api, canary, total=1)


def test_sql_in_credentials_is_refused(server: KeystileServer, project: Project) -> None:
    for project_id, secret in [(project.project_id, "' OR 1=1 --"), ("' OR 1=1 --", project.secret)]:
        response = httpx.post(f"{server.base_url}v1/users/search", json={}, auth=(project_id, secret))
        assert_stytch_error(response, 401, "unauthorized_credentials")


# --- Unicode ----------------------------------------------------------------------------------

UNICODE_NAMES = {
    "emoji": "\U0001f600\U0001f984\U0001f469\u200d\U0001f467",
    "astral-math": "\U0001d54f\U0001d538\U0001d544",
    "cjk": "李小龍",
    "rtl": "مرحبا",
    "combining": "Zoë Zoë",
    "zero-width": "a\u200bb\u200dc",
    "right-to-left-override": "\u202egnp.exe",
    "long-emoji": "😀" * 256,
}


@pytest.mark.parametrize("text", UNICODE_NAMES.values(), ids=UNICODE_NAMES.keys())
def test_unicode_round_trips(api: httpx.Client, text: str) -> None:
    user = create_user(
        api,
        name={"first_name": text, "last_name": text},
        trusted_metadata={text: text},
        roles=[text],
    )
    got = api.get(f"/v1/users/{user['user_id']}").json()
    assert got["name"]["first_name"] == text
    assert got["trusted_metadata"] == {text: text}
    assert got["roles"] == [text]
    search = api.post(
        "/v1/users/search",
        json={"query": {"operands": [{"filter_name": "full_name_fuzzy", "filter_value": text[:50]}]}},
    )
    assert [u["user_id"] for u in search.json()["results"]] == [user["user_id"]]


@pytest.mark.parametrize("email", ["ü@bücher.de", "用户@例子.广告", "😀@example.com", "ǅemo@example.com"])
def test_unicode_emails_are_normalised_or_refused(api: httpx.Client, email: str) -> None:
    response = api.post("/v1/users", json={"email": email})
    if response.status_code != 200:
        assert_stytch_error(response, 400, "invalid_email")
        return
    stored = response.json()["user"]["emails"][0]["email"]
    assert stored == stored.lower()
    assert_stytch_error(api.post("/v1/users", json={"email": email.upper()}), 409, "duplicate_email")


# --- Paths ------------------------------------------------------------------------------------

# (raw path, expected status, expected error type)
PATHS = {
    "encoded-traversal": (b"/v1/users/..%2F..%2Fetc%2Fpasswd", 404, "route_not_found"),
    "dot-traversal": (b"/v1/users/../../etc/passwd", 404, "route_not_found"),
    "encoded-dots": (b"/v1/users/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 404, "route_not_found"),
    "double-encoded": (b"/v1/users/%252e%252e%252fetc", 400, "invalid_user_id"),
    "root-traversal": (b"/%2e%2e/%2e%2e/etc/passwd", 404, "route_not_found"),
    "semicolon": (b"/v1/users/..;/..;/etc/passwd", 404, "route_not_found"),
    "encoded-slash": (b"/v1/users/user-test-a%2Fb", 404, "route_not_found"),
    "backslash": (b"/v1/users/..%5C..%5Cwindows", 400, "invalid_user_id"),
    "nul": (b"/v1/users/user-test-x%00", 400, "invalid_user_id"),
    "newline": (b"/v1/users/user-test-x%0A", 400, "invalid_user_id"),
    "bad-utf8": (b"/v1/users/%FF%FE", 400, "invalid_user_id"),
    "surrogate-utf8": (b"/v1/users/%ED%A0%80", 400, "invalid_user_id"),
    "emoji": (b"/v1/users/%F0%9F%98%80", 400, "invalid_user_id"),
    "right-to-left-override": (b"/v1/users/%E2%80%AEuser", 400, "invalid_user_id"),
    "id-of-129": (b"/v1/users/" + b"u" * 129, 400, "invalid_user_id"),
    "id-of-10000": (b"/v1/users/" + b"u" * 10_000, 400, "invalid_user_id"),
    "id-of-128": (b"/v1/users/" + b"u" * 128, 404, "user_not_found"),  # as long as an external id
    "trailing-slash": (b"/v1/users/" + MISSING_USER.encode() + b"/", 404, "route_not_found"),
    "collection-trailing-slash": (b"/v1/users/", 404, "route_not_found"),
    "double-slashes": (b"//v1//users//" + MISSING_USER.encode(), 404, "route_not_found"),
    "unknown-version": (b"/v2/users/" + MISSING_USER.encode(), 404, "route_not_found"),
    "unknown-product": (b"/v1/nope", 404, "route_not_found"),
    "root": (b"/", 404, "route_not_found"),
    "dotenv": (b"/.env", 404, "route_not_found"),
    "healthz-trailing-slash": (b"/healthz/", 404, "route_not_found"),
}


@pytest.mark.parametrize("case", PATHS.values(), ids=PATHS.keys())
def test_path_tricks(api: httpx.Client, case: tuple[bytes, int, str]) -> None:
    raw_path, status, error_type = case
    response = raw(api, "GET", raw_path)
    assert_stytch_error(response, status, error_type)


# (method, path) that exist with other methods -> 405
WRONG_METHODS = [
    ("GET", "/v1/users"),
    ("PATCH", "/v1/users"),
    ("DELETE", "/v1/users"),
    ("PATCH", f"/v1/users/{MISSING_USER}"),
    ("POST", f"/v1/users/{MISSING_USER}"),
    ("GET", "/v1/users/emails/email-test-x"),
    ("POST", "/healthz"),
    ("DELETE", "/openapi.json"),
]


@pytest.mark.parametrize(("method", "path"), WRONG_METHODS, ids=[f"{m} {p}" for m, p in WRONG_METHODS])
def test_wrong_methods_are_405(api: httpx.Client, method: str, path: str) -> None:
    assert_method_not_allowed(api, method, path)


def test_unknown_routes_without_credentials_are_404(server: KeystileServer) -> None:
    assert_stytch_error(httpx.get(f"{server.base_url}v1/definitely/not/here"), 404, "route_not_found")


# --- Credentials ------------------------------------------------------------------------------


def b64(text: bytes) -> bytes:
    return base64.b64encode(text)


# How to build an Authorization header from this project's id and secret (None: send none).
Credentials = Callable[[bytes, bytes], bytes | None]
CREDENTIALS: dict[str, Credentials] = {
    "missing": lambda p, s: None,
    "scheme-only": lambda p, s: b"Basic",
    "bearer": lambda p, s: b"Bearer " + s,
    "bearer-with-basic-payload": lambda p, s: b"Bearer " + b64(p + b":" + s),
    "digest": lambda p, s: b"Digest " + b64(p + b":" + s),
    "not-base64": lambda p, s: b"Basic !!!not-base64!!!",
    "raw-not-encoded": lambda p, s: b"Basic " + p + b":" + s,
    "non-ascii-bytes": lambda p, s: b"Basic \xff\xfe\xfd",
    "not-utf8-inside": lambda p, s: b"Basic " + b64(b"\xff\xfe:\xfd"),
    "no-colon": lambda p, s: b"Basic " + b64(p + s),
    "empty-id": lambda p, s: b"Basic " + b64(b":" + s),
    "empty-secret": lambda p, s: b"Basic " + b64(p + b":"),
    "colon-only": lambda p, s: b"Basic " + b64(b":"),
    "swapped": lambda p, s: b"Basic " + b64(s + b":" + p),
    "wrong-secret": lambda p, s: b"Basic " + b64(p + b":" + s[:-4] + b"AAAA"),
    "secret-with-suffix": lambda p, s: b"Basic " + b64(p + b":" + s + b"x"),
    "huge-secret": lambda p, s: b"Basic " + b64(p + b":" + b"s" * 4000),
    "nul-in-id": lambda p, s: b"Basic " + b64(p + b"\x00:" + s),
    "id-with-other-case": lambda p, s: b"Basic " + b64(p.upper() + b":" + s),
}


@pytest.mark.parametrize("credentials", CREDENTIALS.values(), ids=CREDENTIALS.keys())
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", f"/v1/users/{MISSING_USER}"), ("POST", "/v1/users/search")],
    ids=["get", "search"],
)
def test_bad_credentials_are_401(
    server: KeystileServer, project: Project, credentials: Credentials, method: str, path: str
) -> None:
    header = credentials(project.project_id.encode(), project.secret.encode())
    headers = {} if header is None else {b"authorization": header}
    response = httpx.request(
        method, f"{server.base_url.rstrip('/')}{path}", headers=headers, json={} if method == "POST" else None
    )
    assert_stytch_error(response, 401, "unauthorized_credentials")


def test_another_projects_secret_is_refused(server: KeystileServer, project: Project) -> None:
    other = server.create_project()
    for project_id, secret in [(project.project_id, other.secret), (other.project_id, project.secret)]:
        response = httpx.post(f"{server.base_url}v1/users/search", json={}, auth=(project_id, secret))
        assert_stytch_error(response, 401, "unauthorized_credentials")
    # Both still work with their own secrets, so the refusals were not cached against them.
    for p in (project, other):
        response = httpx.post(f"{server.base_url}v1/users/search", json={}, auth=(p.project_id, p.secret))
        assert response.status_code == 200, response.text


def test_credentials_are_checked_before_the_path(server: KeystileServer) -> None:
    response = httpx.get(f"{server.base_url}v1/users/%00%27%20OR%201=1")
    assert_stytch_error(response, 401, "unauthorized_credentials")


# --- Documentation endpoints ------------------------------------------------------------------


def test_openapi_and_docs_answer(server: KeystileServer) -> None:
    spec = httpx.get(f"{server.base_url}openapi.json")
    assert spec.status_code == 200
    assert "/v1/users" in spec.json()["paths"]
    docs = httpx.get(f"{server.base_url}docs")
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]


# --- The last line of defence ------------------------------------------------------------------


async def test_unexpected_errors_are_a_logged_500_without_their_text() -> None:
    """An exception no handler knows becomes a Stytch-shaped 500; the log names its class and the
    request, never its text (which may hold input or secrets); it is not re-raised to the server."""
    secret = "secret-test-do-not-log-me"
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(RequestGuard, max_body_bytes=MAX_BODY, body_timeout_seconds=10)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError(f"failed for {secret}")

    transport = httpx.ASGITransport(app=app)  # re-raises anything the app lets escape
    with structlog.testing.capture_logs() as logs:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/boom")
    assert response.status_code == 500
    body = response.json()
    assert set(body) == ERROR_FIELDS
    assert body["error_type"] == "internal_server_error"
    assert secret not in response.text
    assert logs == [
        {
            "event": "unhandled_error",
            "log_level": "error",
            "error_class": "RuntimeError",
            "request_id": body["request_id"],
        }
    ]
