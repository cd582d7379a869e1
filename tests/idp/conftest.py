"""A keystile whose public URL is its own address (discovery documents name it), a consumer project
with a signed-in user or a B2B project with a signed-in member, and the official SDK for the app's
authorization page."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import stytch
from cryptography.fernet import Fernet

from tests.support.password_hashes import imported_hashes
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
    """A user (or, in a B2B project, a member of `organization_id`) with a session."""

    project: Project
    sdk: Any  # stytch.Client or stytch.B2BClient: the same idp and connected_app calls
    user_id: str  # the member_id of a member
    email: str
    session_token: str
    organization_id: str | None = None


def provider_project(server: KeystileServer, vertical: str) -> Project:
    """A project with its authorization page configured and dynamic registration open."""
    project = server.create_project(vertical=vertical)
    server.cli_json(
        "projects",
        "connected-apps",
        "--project",
        project.project_id,
        "--authorization-url",
        AUTHORIZATION_PAGE,
        "--dynamic-registration",
        "--json",
    )
    return project


@pytest.fixture
def signed_in(idp_server: KeystileServer) -> SignedIn:
    """A consumer project with its authorization page configured, and a user with a session."""
    project = provider_project(idp_server, "consumer")
    sdk = stytch.Client(
        project.project_id, project.secret, environment=idp_server.base_url, suppress_warnings=True
    )
    email = f"{secrets.token_hex(6)}@example.com"
    created = sdk.passwords.create(
        email=email, password=secrets.token_urlsafe(24), session_duration_minutes=60
    )
    return SignedIn(project, sdk, created.user_id, email, created.session_token)


@pytest.fixture
def member_signed_in(idp_server: KeystileServer) -> SignedIn:
    """A B2B project with its authorization page configured, and a member with a session (a password
    migrated in as argon2id, then authenticated)."""
    project = provider_project(idp_server, "b2b")
    sdk = stytch.B2BClient(
        project.project_id, project.secret, environment=idp_server.base_url, suppress_warnings=True
    )
    slug = f"acme-{secrets.token_hex(5)}"
    organization_id = sdk.organizations.create(
        organization_name="Acme", organization_slug=slug
    ).organization.organization_id
    email, password = f"ada@{slug}.example.com", secrets.token_urlsafe(24)
    [argon] = [found for found in imported_hashes(password) if found["hash_type"] == "argon_2i"]
    sdk.passwords.migrate(email_address=email, organization_id=organization_id, **argon)
    login = sdk.passwords.authenticate(
        organization_id=organization_id, email_address=email, password=password, session_duration_minutes=60
    )
    return SignedIn(project, sdk, login.member_id, email, login.session_token, organization_id)
