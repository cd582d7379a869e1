"""Calls to the frontend SDK API (`/sdk/v1`) over plain HTTP as vanilla-js sends them (HTTP Basic of the
public token, or of the public token and the session token once signed in, and the page's `Origin`),
the CLI that turns a project's SDK on, and the backend (official Python SDK) that checks the result."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import stytch

from tests.support.server import KeystileServer, Project

ORIGIN = "http://localhost:3000"
PASSWORD = "correct-horse-battery-staple-9"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def sdk_call(
    server: KeystileServer,
    path: str,
    project: Project,
    body: dict[str, Any] | None = None,
    *,
    session_token: str | None = None,
    origin: str = ORIGIN,
    public_token: str | None = None,
) -> httpx.Response:
    token = public_token or project.public_token
    headers = {"Authorization": basic(token, session_token or token), "Origin": origin}
    url = f"{server.base_url}sdk/v1{path}"
    if body is None:
        return httpx.get(url, headers=headers, timeout=30)
    return httpx.post(url, json=body, headers=headers, timeout=30)


def enable_sdk(server: KeystileServer, project: Project, *args: str) -> dict[str, Any]:
    shown = server.cli_json(
        "projects",
        "sdk",
        "--project",
        project.project_id,
        "--enable",
        "--authorized-domain",
        ORIGIN,
        *args,
        "--json",
    )
    assert isinstance(shown, dict)
    return shown


def backend(server: KeystileServer, project: Project) -> stytch.Client:
    return stytch.Client(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )


def users_with(server: KeystileServer, project: Project, email: str) -> int:
    found = backend(server, project).users.search(
        query={"operator": "AND", "operands": [{"filter_name": "email_address", "filter_value": [email]}]}
    )
    return len(found.results)


def error_type(response: httpx.Response) -> str:
    return str(response.json()["error_type"])
