"""The hostile-input table shared by the API's hostile-input tests: malformed bodies, control
characters, SQL-looking strings, and the assertion that an answer is Stytch's error JSON and nothing
more (no trace, no SQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from tests.support.server import KeystileServer, Project

ERROR_FIELDS = {"status_code", "request_id", "error_type", "error_message", "error_url"}
# Text that would betray a stack trace or a query in a response body.
LEAKS = ("Traceback", 'File "', "sqlalchemy", "SELECT ", "INSERT ", "asyncpg", "pymysql", "sqlite3")


def assert_stytch_error(
    response: httpx.Response, status: int | None = None, error_type: str | None = None
) -> None:
    """A 4xx whose body is exactly Stytch's error JSON, consistent with the response itself."""
    where = f"{response.request.method} {response.request.url.raw_path[:80]!r}"
    assert 400 <= response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
    body = response.json()
    assert set(body) == ERROR_FIELDS, f"{where}: {body}"
    assert body["status_code"] == response.status_code
    assert body["request_id"].startswith("request-id-test-")
    assert body["error_type"] and isinstance(body["error_type"], str)
    assert isinstance(body["error_message"], str)
    assert (
        body["error_url"] == f"https://stytch.com/docs/api/errors/{response.status_code}#{body['error_type']}"
    )
    assert not any(leak in response.text for leak in LEAKS), f"{where}: {response.text[:300]}"
    if status is not None:
        assert response.status_code == status, f"{where}: {body}"
    if error_type is not None:
        assert body["error_type"] == error_type, f"{where}: {body}"


@contextmanager
def watched_client(server: KeystileServer, project: Project) -> Iterator[httpx.Client]:
    """A client authenticated as `project`; afterwards, the server log must hold no traceback and no
    secret from anything sent meanwhile."""
    log_offset = server.log_path.stat().st_size
    with httpx.Client(
        base_url=server.base_url.rstrip("/"), auth=(project.project_id, project.secret), timeout=60
    ) as client:
        yield client
    with server.log_path.open("rb") as log:
        log.seek(log_offset)
        written = log.read().decode("utf-8", "replace")
    assert "Traceback" not in written
    assert "Exception in ASGI application" not in written
    assert project.secret not in written


@pytest.fixture
def api(server: KeystileServer, project: Project) -> Iterator[httpx.Client]:
    with watched_client(server, project) as client:
        yield client


def raw(client: httpx.Client, method: str, raw_path: bytes, **kwargs: Any) -> httpx.Response:
    """A request whose path goes on the wire byte for byte (no normalisation of `..` or `%2F`)."""
    url = client.base_url.copy_with(raw_path=raw_path)
    return client.request(method, url, **kwargs)


def assert_method_not_allowed(client: httpx.Client, method: str, path: str) -> None:
    """`method` on a path that exists with other methods is a 405 in Stytch's shape."""
    response = client.request(method, path, json={} if method in ("POST", "PUT", "PATCH") else None)
    assert_stytch_error(response, 405, "method_not_allowed")


def nested(depth: int, leaf: str = "1") -> str:
    """`depth` JSON objects, one inside the other."""
    return '{"a":' * depth + leaf + "}" * depth


# (id, raw body) -> 400 invalid_json
MALFORMED_JSON = [
    ("truncated", b'{"email": "a@example.com"'),
    ("bare-word", b"{bad}"),
    ("single-quotes", b"{'email': 'a@example.com'}"),
    ("trailing-comma", b'{"email": "a@example.com",}'),
    ("missing-value", b'{"email": }'),
    ("nan", b'{"trusted_metadata": {"a": NaN}}'),
    ("infinity", b'{"trusted_metadata": {"a": -Infinity}}'),
    ("lone-surrogate", b'{"name": {"first_name": "\\ud800"}}'),
    ("lone-surrogate-in-metadata", b'{"trusted_metadata": {"a": "\\udfff"}}'),
    ("invalid-utf8", b'{"name": {"first_name": "\xff\xfe"}}'),
    ("5000-digit-number", b'{"limit": 1' + b"0" * 5000 + b"}"),
    ("deep-arrays-10000", b"[" * 10_000 + b"]" * 10_000),
    ("deep-objects-10000", ('{"trusted_metadata":' + nested(10_000) + "}").encode()),
    ("deep-objects-300", ('{"trusted_metadata":' + nested(300) + "}").encode()),
]

# (id, raw body) -> 400: valid JSON (or nothing), but not an object
NOT_AN_OBJECT = [
    ("list", b'[{"email": "a@example.com"}]'),
    ("string", b'"a@example.com"'),
    ("number", b"42"),
    ("true", b"true"),
    ("null", b"null"),
    ("empty-list", b"[]"),
    ("empty-body", b""),
]

CONTROL = {"nul": "\x00", "newline": "\n", "escape": "\x1b", "delete": "\x7f", "bell": "\x07"}

SQL = {
    "or-1-equals-1": "' OR 1=1 --",
    "drop-table": '"; DROP TABLE users; --',
    "delete-all": "'; DELETE FROM users WHERE '1'='1",
    "union": "' UNION SELECT project_id, digest FROM project_secrets --",
    "sleep": "'); SELECT pg_sleep(10); SELECT SLEEP(10); --",
    "like-wildcards": "%_%",
    "backslash-quote": "\\'; --",
    "comment": "*/ OR /* ",
}

HUGE = "x" * 200_000
