"""Connected Apps clients through the official Python SDK against a real server: create, read,
update, search, delete and secret rotation; the secret is shown once, on create and rotate_start."""

from __future__ import annotations

import pytest
import stytch
from stytch.core.response_base import StytchError

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
