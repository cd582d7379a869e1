"""M4: `DELETE /v1/users/{external_id}` answered 200 but deleted nothing, so the user, its password and
its sessions stayed usable. Deleting by external id must delete the user it names."""

from __future__ import annotations

import httpx
import stytch

from tests.support.magic_links import new_address
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project

PASSWORD = "violet tangerine oboe 71"


def test_m4_delete_by_external_id_deletes_the_user_its_password_and_sessions(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    email = new_address("m4")
    created = client.passwords.create(email=email, password=PASSWORD, session_duration_minutes=60)
    client.users.update(user_id=created.user_id, external_id="app-user-42")

    deleted = httpx.delete(
        f"{server.base_url}v1/users/app-user-42", auth=(project.project_id, project.secret), timeout=30
    )

    assert deleted.status_code == 200, deleted.json()
    assert deleted.json()["user_id"] == created.user_id
    assert error_type(lambda: client.users.get(user_id=created.user_id)) == "user_not_found"
    assert error_type(lambda: client.users.get(user_id="app-user-42")) == "user_not_found"
    assert error_type(lambda: client.sessions.authenticate(session_token=created.session_token)) == (
        "session_not_found"
    )
    assert error_type(lambda: client.passwords.authenticate(email=email, password=PASSWORD)) in (
        "email_not_found",
        "unauthorized_credentials",
    )
