"""Request helpers of the hardening tests: raw HTTP calls whose status and headers can be asserted."""

from __future__ import annotations

import secrets
from typing import Any

import httpx

from tests.support.server import KeystileServer, Project


def call(
    server: KeystileServer, project: Project, path: str, body: dict[str, Any], *, ip: str | None = None
) -> httpx.Response:
    """POST `body` to `path` as `project`, from the client address `ip` in X-Forwarded-For (believed
    by a server started with `KEYSTILE_TRUSTED_PROXIES=127.0.0.1`)."""
    headers = {"X-Forwarded-For": ip} if ip else {}
    return httpx.post(
        f"{server.base_url}{path.lstrip('/')}",
        json=body,
        auth=(project.project_id, project.secret),
        headers=headers,
        timeout=30,
    )


def send_magic_link(server: KeystileServer, project: Project, *, ip: str | None = None) -> httpx.Response:
    email = f"h-{secrets.token_hex(6)}@example.com"
    return call(server, project, "/v1/magic_links/email/login_or_create", {"email": email}, ip=ip)


def random_ip() -> str:
    return "10." + ".".join(str(b) for b in secrets.token_bytes(3))


def assert_stytch_error(response: httpx.Response, status: int, error_type: str) -> None:
    body = response.json()
    assert response.status_code == status, body
    assert body["status_code"] == status
    assert body["error_type"] == error_type
    assert body["request_id"] and body["error_message"] and body["error_url"]


def assert_retry_after(response: httpx.Response, most: int) -> None:
    assert 1 <= int(response.headers["Retry-After"]) <= most, response.headers
