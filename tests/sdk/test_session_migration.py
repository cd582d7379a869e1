"""`sessions.migrate`, consumer and B2B, through the official `stytch` Python SDK: the former
provider is a real OIDC userinfo endpoint on loopback, set up with `keystile projects
session-migration set`; the token goes to it as a Bearer credential and the email it answers names
the user (or member) that gets a session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import stytch

from tests.support.loopback_json import LoopbackJson, loopback_json
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project

# The former provider's access tokens and whom its userinfo endpoint says they belong to.
PEOPLE: dict[str, dict[str, Any]] = {
    "legacy-token-ada": {"sub": "auth0|1", "email": "Ada@Legacy.example", "email_verified": True},
    "legacy-token-bob": {"sub": "auth0|2", "email": "bob@legacy.example"},
    "legacy-token-unverified": {"sub": "auth0|3", "email": "eve@legacy.example", "email_verified": False},
    "legacy-token-no-email": {"sub": "auth0|4"},
    "legacy-token-bad-email": {"sub": "auth0|5", "email": "not an email"},
    "legacy-token-stranger": {"sub": "auth0|6", "email": "stranger@legacy.example"},
}


def userinfo(headers: dict[str, str]) -> tuple[int, Any]:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme != "Bearer" or token not in PEOPLE:
        return 401, {"error": "invalid_token"}
    return 200, PEOPLE[token]


@pytest.fixture
def provider() -> Iterator[LoopbackJson]:
    with loopback_json({"/userinfo": userinfo}) as served:
        yield served


def configure(server: KeystileServer, project: Project, provider: LoopbackJson) -> None:
    shown = server.cli_json(
        "projects", "session-migration", "set", "--project", project.project_id,
        "--userinfo-url", provider.url("/userinfo"), "--json",
    )  # fmt: skip
    assert shown == {
        "project_id": project.project_id,
        "userinfo_url": provider.url("/userinfo"),
        "updated_at": shown["updated_at"],  # type: ignore[index]
    }


def test_migrate_starts_a_session_for_the_user_the_provider_names(
    server: KeystileServer, project: Project, client: stytch.Client, provider: LoopbackJson
) -> None:
    configure(server, project, provider)
    user = client.users.create(email="ada@legacy.example")
    migrated = client.sessions.migrate(session_token="legacy-token-ada", session_duration_minutes=60)
    assert migrated.status_code == 200
    assert migrated.user_id == user.user_id
    assert migrated.session is not None
    [factor] = migrated.session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("imported", "imported_auth0")
    path, headers = provider.seen[-1]
    assert (path, headers["authorization"]) == ("/userinfo", "Bearer legacy-token-ada")
    assert client.sessions.authenticate(session_token=migrated.session_token).user.user_id == user.user_id

    # Without a duration: the user, and no session.
    plain = client.sessions.migrate(session_token="legacy-token-ada")
    assert (plain.user_id, plain.session_token, plain.session) == (user.user_id, "", None)
    assert len(client.sessions.get(user_id=user.user_id).sessions) == 1


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("legacy-token-unknown", "unable_to_migrate_session"),  # the provider refuses the token
        ("legacy-token-unverified", "unable_to_migrate_session"),
        ("legacy-token-no-email", "unable_to_migrate_session"),
        ("legacy-token-bad-email", "unable_to_migrate_session"),
        ("legacy-token-stranger", "user_not_found"),  # a user must exist first
    ],
)
def test_migrate_refusals_write_nothing(
    server: KeystileServer,
    project: Project,
    client: stytch.Client,
    provider: LoopbackJson,
    token: str,
    expected: str,
) -> None:
    configure(server, project, provider)
    eve = client.users.create(email="eve@legacy.example")
    assert (
        error_type(lambda: client.sessions.migrate(session_token=token, session_duration_minutes=60))
        == expected
    )
    assert client.sessions.get(user_id=eve.user_id).sessions == []
    assert client.users.search(limit=10).results_metadata.total == 1


def test_migrate_needs_a_userinfo_url(
    server: KeystileServer, project: Project, client: stytch.Client, provider: LoopbackJson
) -> None:
    client.users.create(email="bob@legacy.example")
    assert error_type(lambda: client.sessions.migrate(session_token="legacy-token-bob")) == (
        "session_migration_not_configured"
    )
    configure(server, project, provider)
    assert (
        client.sessions.migrate(session_token="legacy-token-bob").user.emails[0].email == "bob@legacy.example"
    )
    server.cli_json("projects", "session-migration", "clear", "--project", project.project_id, "--json")
    shown = server.cli_json(
        "projects", "session-migration", "show", "--project", project.project_id, "--json"
    )
    assert shown == {"project_id": project.project_id, "userinfo_url": None}
    assert error_type(lambda: client.sessions.migrate(session_token="legacy-token-bob")) == (
        "session_migration_not_configured"
    )
    refused = server.cli(
        "projects", "session-migration", "set", "--project", project.project_id,
        "--userinfo-url", "file:///etc/passwd",
    )  # fmt: skip
    assert refused.returncode == 1 and "invalid_argument" in refused.stderr


def test_b2b_migrate(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient, provider: LoopbackJson
) -> None:
    configure(server, b2b_project, provider)
    org = b2b_client.organizations.create(organization_name="Legacy Co", organization_slug="legacy-co")
    organization_id = org.organization.organization_id
    member = b2b_client.organizations.members.create(organization_id, email_address="ada@legacy.example")
    migrated = b2b_client.sessions.migrate(session_token="legacy-token-ada", organization_id="legacy-co")
    assert migrated.status_code == 200
    assert migrated.member_id == member.member.member_id
    assert migrated.organization.organization_id == organization_id
    assert migrated.member_session is not None
    [factor] = migrated.member_session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("imported", "imported_auth0")
    found = b2b_client.sessions.authenticate(session_token=migrated.session_token)
    assert found.member.member_id == member.member.member_id

    for token, expected in (
        ("legacy-token-bob", "member_not_found"),
        ("legacy-token-unknown", "unable_to_migrate_session"),
    ):
        assert (
            error_type(
                lambda t=token: b2b_client.sessions.migrate(session_token=t, organization_id=organization_id)
            )
            == expected
        )
    sessions = b2b_client.sessions.get(organization_id=organization_id, member_id=member.member.member_id)
    assert len(sessions.member_sessions) == 1
