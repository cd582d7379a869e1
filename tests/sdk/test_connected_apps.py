"""Connected Apps through the official Python SDK against a real server: clients (create, read,
update, search, delete, secret rotation; a secret is shown once, on create and rotate_start) and the
grants of users, members and organizations (seeded in-process until the authorization server lands)."""

from __future__ import annotations

import pytest
import stytch
from stytch.core.response_base import StytchError

from tests.support.connected_apps import authenticates, seed_grant
from tests.support.node_sdk import run_node_scenario
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project

REDIRECT = "https://app.example.com/oauth/callback"


def test_create_and_get_a_confidential_client(client: stytch.Client) -> None:
    created = client.connected_app.clients.create(
        client_type="third_party",
        client_name="Reports",
        client_description="Reads the user's reports",
        redirect_urls=[REDIRECT],
        access_token_expiry_minutes=30,
        logo_url="https://app.example.com/logo.png",
    ).connected_app
    assert created.client_id.startswith("connected-app-test-")
    assert created.client_secret is not None and len(created.client_secret) >= 43
    assert created.client_secret_last_four == created.client_secret[-4:]
    assert (created.client_type, created.status, created.redirect_urls) == (
        "third_party",
        "active",
        [REDIRECT],
    )
    assert (created.full_access_allowed, created.bypass_consent_for_offline_access) == (False, False)

    got = client.connected_app.clients.get(created.client_id).connected_app
    assert "client_secret" not in got.model_dump()
    assert got.model_dump() == {
        **created.model_dump(exclude={"client_secret"}),
        "creation_method": "api",
    }
    assert got.access_token_expiry_minutes == 30


def test_a_public_client_has_no_secret(client: stytch.Client) -> None:
    created = client.connected_app.clients.create(
        client_type="first_party_public", client_name="CLI", redirect_urls=["http://127.0.0.1:8765/callback"]
    ).connected_app
    assert (created.client_secret, created.client_secret_last_four) == (None, None)
    rotate = client.connected_app.clients.secrets.rotate_start
    assert error_type(lambda: rotate(created.client_id)) == "connected_app_public_client_secret"


def test_another_projects_client_is_not_found(server: KeystileServer, client: stytch.Client) -> None:
    created = client.connected_app.clients.create(client_type="first_party").connected_app
    other: Project = server.create_project()
    stranger = stytch.Client(
        other.project_id, other.secret, environment=server.base_url, suppress_warnings=True
    )
    with pytest.raises(StytchError) as refused:
        stranger.connected_app.clients.get(created.client_id)
    assert (refused.value.details.status_code, refused.value.details.error_type) == (
        404,
        "connected_app_not_found",
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"client_type": "confidential"},
        {"client_type": "third_party", "redirect_urls": ["javascript:alert(1)"]},
        {"client_type": "third_party", "full_access_allowed": True},
        {"client_type": "first_party", "access_token_expiry_minutes": 0},
        {"client_type": "first_party", "client_name": "x" * 257},
    ],
)
def test_bad_input_is_a_400(client: stytch.Client, fields: dict[str, object]) -> None:
    with pytest.raises(StytchError) as refused:
        client.connected_app.clients.create(**fields)  # type: ignore[arg-type]
    assert (refused.value.details.status_code, refused.value.details.error_type) == (400, "invalid_argument")


def test_update_changes_only_what_is_given(client: stytch.Client) -> None:
    created = client.connected_app.clients.create(client_type="first_party", client_name="Old").connected_app
    updated = client.connected_app.clients.update(
        created.client_id,
        client_name="New",
        redirect_urls=[REDIRECT, "com.example.app:/oauth"],
        full_access_allowed=True,
        bypass_consent_for_offline_access=True,
        access_token_custom_audience="https://api.example.com",
    ).connected_app
    assert (updated.client_name, updated.client_description) == ("New", "")
    assert updated.redirect_urls == [REDIRECT, "com.example.app:/oauth"]
    assert (updated.full_access_allowed, updated.bypass_consent_for_offline_access) == (True, True)
    assert updated.access_token_custom_audience == "https://api.example.com"
    assert client.connected_app.clients.get(created.client_id).connected_app == updated


def test_search_pages_by_cursor_and_never_shows_a_secret(server: KeystileServer) -> None:
    project = server.create_project()
    own = stytch.Client(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )
    made = [own.connected_app.clients.create(client_type="third_party").connected_app for _ in range(3)]
    first = own.connected_app.clients.search(limit=2)
    assert first.results_metadata.total == 3 and first.results_metadata.next_cursor is not None
    second = own.connected_app.clients.search(limit=2, cursor=first.results_metadata.next_cursor)
    assert second.results_metadata.next_cursor is None
    found = [app.client_id for app in first.connected_apps + second.connected_apps]
    assert found == [app.client_id for app in made]
    secrets = {app.client_secret for app in made}
    assert not any(secret in own.connected_app.clients.search().model_dump_json() for secret in secrets)
    assert not any(
        secret in own.connected_app.clients.get(app.client_id).model_dump_json()
        for app in made
        for secret in secrets
    )


def test_rotation_makes_the_next_secret_the_only_one(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    created = client.connected_app.clients.create(client_type="third_party").connected_app
    old = created.client_secret
    assert old is not None and authenticates(server, project.project_id, created.client_id, old)
    secrets = client.connected_app.clients.secrets
    started = secrets.rotate_start(created.client_id).connected_app
    new = started.next_client_secret
    assert new != old and started.next_client_secret_last_four == new[-4:]
    assert started.client_secret_last_four == old[-4:]
    # Meanwhile both authenticate, and get shows only the last four of each.
    assert authenticates(server, project.project_id, created.client_id, old)
    assert authenticates(server, project.project_id, created.client_id, new)
    got = client.connected_app.clients.get(created.client_id).model_dump_json()
    assert old not in got and new not in got

    rotated = secrets.rotate(created.client_id).connected_app
    assert (rotated.client_secret_last_four, rotated.next_client_secret_last_four) == (new[-4:], None)
    assert authenticates(server, project.project_id, created.client_id, new)
    assert not authenticates(server, project.project_id, created.client_id, old)
    assert error_type(lambda: secrets.rotate(created.client_id)) == "connected_app_not_rotating_secret"


def test_cancelling_a_rotation_keeps_the_old_secret(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    created = client.connected_app.clients.create(client_type="first_party").connected_app
    assert created.client_secret is not None
    secrets = client.connected_app.clients.secrets
    new = secrets.rotate_start(created.client_id).connected_app.next_client_secret
    cancelled = secrets.rotate_cancel(created.client_id).connected_app
    assert (cancelled.client_secret_last_four, cancelled.next_client_secret_last_four) == (
        created.client_secret[-4:],
        None,
    )
    assert authenticates(server, project.project_id, created.client_id, created.client_secret)
    assert not authenticates(server, project.project_id, created.client_id, new)
    assert error_type(lambda: secrets.rotate_cancel(created.client_id)) == "connected_app_not_rotating_secret"


def test_a_public_client_authenticates_without_a_secret_and_a_confidential_one_not(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    public = client.connected_app.clients.create(client_type="third_party_public").connected_app
    confidential = client.connected_app.clients.create(client_type="third_party").connected_app
    assert authenticates(server, project.project_id, public.client_id, None)
    assert not authenticates(server, project.project_id, public.client_id, "anything")
    assert not authenticates(server, project.project_id, confidential.client_id, None)


def test_users_grants_are_listed_and_revoked(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    user_id = client.users.create(email="grants@example.com").user_id
    app = client.connected_app.clients.create(
        client_type="third_party", client_name="Reports", client_description="Reads reports"
    ).connected_app
    assert client.users.connected_apps(user_id).connected_apps == []
    seed_grant(
        server, project.project_id, subject_id=user_id, client_id=app.client_id, scopes=["openid", "email"]
    )
    listed = client.users.connected_apps(user_id).connected_apps
    assert [(a.connected_app_id, a.name, a.description, a.client_type, a.scopes_granted) for a in listed] == [
        (app.client_id, "Reports", "Reads reports", "third_party", "openid email")
    ]
    # A later flow's scopes replace the earlier ones.
    seed_grant(server, project.project_id, subject_id=user_id, client_id=app.client_id, scopes=["openid"])
    assert client.users.connected_apps(user_id).connected_apps[0].scopes_granted == "openid"

    client.users.revoke(user_id, app.client_id)
    assert client.users.connected_apps(user_id).connected_apps == []
    client.users.revoke(user_id, app.client_id)  # a retried revoke answers as the first did
    unknown = "connected-app-test-00000000-0000-4000-8000-000000000000"
    assert error_type(lambda: client.users.revoke(user_id, unknown)) == "connected_app_not_found"


def test_deleting_a_client_removes_its_grants(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    user_id = client.users.create(email="deleted-app@example.com").user_id
    kept, deleted = (
        client.connected_app.clients.create(client_type="first_party").connected_app for _ in range(2)
    )
    for app in (kept, deleted):
        seed_grant(server, project.project_id, subject_id=user_id, client_id=app.client_id, scopes=["openid"])
    assert client.connected_app.clients.delete(deleted.client_id).client_id == deleted.client_id
    assert [a.connected_app_id for a in client.users.connected_apps(user_id).connected_apps] == [
        kept.client_id
    ]
    assert (
        error_type(lambda: client.connected_app.clients.get(deleted.client_id)) == "connected_app_not_found"
    )
    assert (
        error_type(lambda: client.connected_app.clients.delete(deleted.client_id))
        == "connected_app_not_found"
    )


def test_organizations_and_members_grants(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient
) -> None:
    org = b2b_client.organizations.create(
        organization_name="Acme", organization_slug="acme-grants"
    ).organization
    org_id = org.organization_id
    members = [
        b2b_client.organizations.members.create(org_id, email_address=f"m{i}@acme.example").member.member_id
        for i in range(2)
    ]
    app = b2b_client.connected_app.clients.create(client_type="third_party", client_name="Docs").connected_app
    unused = b2b_client.connected_app.clients.create(client_type="first_party").connected_app
    for member_id, scopes in zip(members, (["openid"], ["openid", "profile"]), strict=True):
        seed_grant(
            server,
            b2b_project.project_id,
            subject_id=member_id,
            client_id=app.client_id,
            scopes=scopes,
            organization_id=org_id,
        )

    listed = b2b_client.organizations.connected_apps(org_id).connected_apps
    assert [(a.connected_app_id, a.name, a.client_type) for a in listed] == [
        (app.client_id, "Docs", "third_party")
    ]
    one = b2b_client.organizations.get_connected_app(org_id, app.client_id)
    # Grants seeded at one instant: no order among them to rely on.
    assert {m.member_id: m.granted_scopes for m in one.active_members} == {
        members[0]: ["openid"],
        members[1]: ["openid", "profile"],
    }
    assert b2b_client.organizations.get_connected_app(org_id, unused.client_id).active_members == []
    by_slug = b2b_client.organizations.members.get_connected_apps("acme-grants", members[1]).connected_apps
    assert [(a.connected_app_id, a.scopes_granted) for a in by_slug] == [(app.client_id, "openid profile")]

    b2b_client.organizations.members.connected_apps.revoke(org_id, members[1], app.client_id)
    assert b2b_client.organizations.members.get_connected_apps(org_id, members[1]).connected_apps == []
    one = b2b_client.organizations.get_connected_app(org_id, app.client_id)
    assert [m.member_id for m in one.active_members] == [members[0]]


def test_another_projects_grants_and_clients_are_not_reachable(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    user_id = client.users.create(email="stranger@example.com").user_id
    app = client.connected_app.clients.create(client_type="first_party").connected_app
    seed_grant(server, project.project_id, subject_id=user_id, client_id=app.client_id, scopes=["openid"])
    other = server.create_project()
    stranger = stytch.Client(
        other.project_id, other.secret, environment=server.base_url, suppress_warnings=True
    )
    assert error_type(lambda: stranger.users.connected_apps(user_id)) == "user_not_found"
    assert (
        error_type(lambda: stranger.connected_app.clients.delete(app.client_id)) == "connected_app_not_found"
    )
    assert (
        error_type(lambda: stranger.connected_app.clients.secrets.rotate_start(app.client_id))
        == "connected_app_not_found"
    )
    assert [a.connected_app_id for a in client.users.connected_apps(user_id).connected_apps] == [
        app.client_id
    ]


def test_node_sdk_creates_and_gets(server: KeystileServer, project: Project) -> None:
    steps = run_node_scenario(server, project, "connected_apps")["steps"]
    created = steps["create"]["connected_app"]
    assert created["client_id"].startswith("connected-app-test-")
    assert created["client_secret_last_four"] == created["client_secret"][-4:]
    got = steps["get"]["connected_app"]
    assert "client_secret" not in got
    assert {key: value for key, value in created.items() if key != "client_secret"} == got
    assert (got["redirect_urls"], got["client_name"]) == (["https://node.example.com/callback"], "node-app")
    unknown = steps["get_unknown"]
    assert (unknown["status_code"], unknown["error_type"]) == (404, "connected_app_not_found")
