"""A keystile whose public URL is its own address (discovery documents name it), a consumer project
with a signed-in user, and the official SDK for the app's authorization page."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import stytch
from cryptography.fernet import Fernet

from tests.support.server import KeystileServer, Project, free_port

AUTHORIZATION_PAGE = "https://app.example/oauth/authorize"


@pytest.fixture(scope="module")
def idp_server(database_url: str, run_dir: Path, request: pytest.FixtureRequest) -> Iterator[KeystileServer]:
    port = free_port()
    env = {
        "KEYSTILE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "KEYSTILE_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }
    name = f"idp-{request.module.__name__.rsplit('.', 1)[-1]}-{database_url.split(':', 1)[0]}"
    server = KeystileServer(database_url, run_dir / f"{name}.log", extra_env=env, port=port).start()
    yield server
    server.stop()


@dataclass(frozen=True)
class SignedIn:
    project: Project
    sdk: stytch.Client
    user_id: str
    email: str
    session_token: str


@pytest.fixture
def signed_in(idp_server: KeystileServer) -> SignedIn:
    """A project with its authorization page configured, and a user with a session."""
    project = idp_server.create_project()
    idp_server.cli_json(
        "projects",
        "connected-apps",
        "--project",
        project.project_id,
        "--authorization-url",
        AUTHORIZATION_PAGE,
        "--dynamic-registration",
        "--json",
    )
    sdk = stytch.Client(
        project.project_id, project.secret, environment=idp_server.base_url, suppress_warnings=True
    )
    email = f"{secrets.token_hex(6)}@example.com"
    created = sdk.passwords.create(
        email=email, password=secrets.token_urlsafe(24), session_duration_minutes=60
    )
    return SignedIn(project, sdk, created.user_id, email, created.session_token)
