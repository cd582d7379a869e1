"""The consumer Sessions API and session JWTs driven by the official `stytch` Python SDK against a
real server; sessions are started directly in the server's database (as a factor would start them)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import jwt
import pytest
import stytch

from tests.support.direct_sessions import fresh_client, kid_of, start_session
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project

SESSION_CLAIM = "https://stytch.com/session"


def test_authenticate_by_token_and_jwt(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    user = client.users.create(email="ada@example.com", roles=["editor"])
    issued = start_session(server, project, user.user_id)
    assert issued.session is not None

    by_token = client.sessions.authenticate(session_token=issued.session_token)
    assert by_token.user.user_id == user.user_id
    assert by_token.user.emails[0].email == "ada@example.com"
    assert by_token.session.session_id == issued.session.session_id
    assert by_token.session.user_id == user.user_id
    assert by_token.session.authentication_factors[0].email_factor is not None
    assert by_token.session.roles == ["stytch_user", "editor"]
    assert by_token.session_token == issued.session_token
    assert (
        by_token.session.expires_at is not None and by_token.session.expires_at > datetime.now().astimezone()
    )

    by_jwt = client.sessions.authenticate(session_jwt=issued.session_jwt)
    assert by_jwt.session.session_id == issued.session.session_id
    assert by_jwt.session_jwt != ""

    local = client.sessions.authenticate_jwt_local(session_jwt=by_jwt.session_jwt)
    assert local is not None
    assert local.session_id == issued.session.session_id
    assert local.user_id == user.user_id
    assert local.roles == ["stytch_user", "editor"]
    assert local.authentication_factors[0].type.value == "magic_link"


def test_jwks_is_public_and_cacheable(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    user = client.users.create(email="jwks@example.com")
    issued = start_session(server, project, user.user_id)
    response = httpx.get(f"{server.base_url}v1/sessions/jwks/{project.project_id}")
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("public, max-age=")
    [key] = response.json()["keys"]
    assert key["kid"] == kid_of(issued.session_jwt)
    assert {"d", "p", "q", "dp", "dq", "qi"}.isdisjoint(key)
    assert [k.kid for k in client.sessions.get_jwks(project.project_id).keys] == [key["kid"]]
    unknown = httpx.get(
        f"{server.base_url}v1/sessions/jwks/project-test-00000000-0000-4000-8000-000000000000"
    )
    assert (unknown.status_code, unknown.json()["error_type"]) == (404, "project_not_found")


def test_custom_claims_reach_the_jwt(server: KeystileServer, project: Project, client: stytch.Client) -> None:
    user = client.users.create(email="claims@example.com")
    issued = start_session(server, project, user.user_id, claims={"plan": "pro", "org": {"id": 7}})
    updated = client.sessions.authenticate(
        session_token=issued.session_token,
        session_custom_claims={"plan": None, "team": "blue", "org": {"name": "acme"}},
    )
    assert updated.session.custom_claims == {"team": "blue", "org": {"id": 7, "name": "acme"}}
    local = client.sessions.authenticate_jwt_local(session_jwt=updated.session_jwt)
    assert local is not None
    assert local.custom_claims == {"team": "blue", "org": {"id": 7, "name": "acme"}}
    claims = jwt.decode(updated.session_jwt, options={"verify_signature": False})
    assert claims["aud"] == [project.project_id]
    assert claims["iss"] == f"stytch.com/{project.project_id}"
    assert claims["exp"] - claims["iat"] == 300
    assert error_type(
        lambda: client.sessions.authenticate(
            session_token=issued.session_token, session_custom_claims={"sub": "x"}
        )
    ) == ("reserved_claims_in_custom_claims")


def test_list_and_revoke_by_id_token_and_jwt(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    user = client.users.create(email="revoke@example.com")
    issued = [start_session(server, project, user.user_id) for _ in range(3)]
    listed = client.sessions.get(user.user_id).sessions
    assert [s.session_id for s in listed] == [i.session.session_id for i in issued if i.session is not None]
    assert (
        error_type(lambda: client.sessions.get("user-test-00000000-0000-4000-8000-000000000000"))
        == "user_not_found"
    )

    first, second, third = issued
    assert first.session is not None
    client.sessions.revoke(session_id=first.session.session_id)
    client.sessions.revoke(session_token=second.session_token)
    client.sessions.revoke(session_jwt=third.session_jwt)
    for gone in issued:
        assert error_type(
            lambda gone=gone: client.sessions.authenticate(session_token=gone.session_token)
        ) == ("session_not_found")
        assert error_type(lambda gone=gone: client.sessions.authenticate(session_jwt=gone.session_jwt)) == (
            "session_not_found"
        )
    assert client.sessions.get(user.user_id).sessions == []
    assert (
        error_type(lambda: client.sessions.revoke(session_id=first.session.session_id)) == "session_not_found"
    )


def test_error_types(server: KeystileServer, project: Project, client: stytch.Client) -> None:
    user = client.users.create(email="errors@example.com")
    issued = start_session(server, project, user.user_id)
    token = issued.session_token
    assert error_type(lambda: client.sessions.authenticate(session_token="nope")) == "session_not_found"
    assert (
        error_type(lambda: client.sessions.authenticate(session_jwt="a.b.c")) == "unable_to_parse_session_jwt"
    )
    assert error_type(lambda: client.sessions.authenticate()) == "no_session_arguments"
    assert error_type(
        lambda: client.sessions.authenticate(session_token=token, session_jwt=issued.session_jwt)
    ) == ("too_many_session_arguments")
    for minutes in (4, 527_041):
        assert error_type(
            lambda minutes=minutes: client.sessions.authenticate(
                session_token=token, session_duration_minutes=minutes
            )
        ) == ("invalid_session_duration_minutes")
    raw = httpx.post(
        f"{server.base_url}v1/sessions/authenticate",
        json={"session_token": token, "session_duration_minutes": "soon"},
        auth=(project.project_id, project.secret),
    )
    assert (raw.status_code, raw.json()["error_type"]) == (400, "invalid_session_duration_minutes")
    assert error_type(
        lambda: client.sessions.authenticate(
            session_token=token, authorization_check={"resource_id": "doc", "action": "read"}
        )
    ) == ("invalid_authorization_check")
    # The JWT of one project means nothing to another.
    other = server.create_project()
    other_client = fresh_client(server, other)
    assert error_type(lambda: other_client.sessions.authenticate(session_jwt=issued.session_jwt)) == (
        "unable_to_parse_session_jwt"
    )
    # The SDK raises (rather than returns None) when the JWKS has no key with the JWT's kid.
    with pytest.raises(jwt.PyJWTError):
        other_client.sessions.authenticate_jwt_local(session_jwt=issued.session_jwt)


@pytest.fixture(scope="module")
def rotating_server(database_url: str, run_dir: Path, server: KeystileServer) -> Iterator[KeystileServer]:
    """A second server on the same database whose key cache lasts 1 s, so a rotated key signs after 2 s."""
    fast = {**server.extra_env, "KEYSTILE_SIGNING_KEY_CACHE_SECONDS": "1"}
    engine = database_url.split(":", 1)[0]
    srv = KeystileServer(database_url, run_dir / f"server-rotating-{engine}.log", extra_env=fast).start()
    yield srv
    srv.stop()


def test_key_rotation_keeps_old_jwts_valid(rotating_server: KeystileServer) -> None:
    server = rotating_server
    project = server.create_project()
    client = fresh_client(server, project)
    user = client.users.create(email="rotate@example.com")
    issued = start_session(server, project, user.user_id)
    old_kid = kid_of(issued.session_jwt)

    rotated = server.cli_json("keys", "rotate", "--project", project.project_id, "--json")
    assert isinstance(rotated, dict)
    new_kid = rotated["kid"]
    assert new_kid != old_kid
    time.sleep(1.1)  # the server's key cache (1 s) catches up and publishes the new key
    # (That it is published before it signs is proven with fake clocks in tests/sessions/test_keys.py;
    # here a slow CLI under load can outlast the activation delay, so only publication is checked.)
    assert {k.kid for k in client.sessions.get_jwks(project.project_id).keys} == {old_kid, new_kid}

    deadline = time.monotonic() + 10
    while True:
        refreshed = client.sessions.authenticate(session_token=issued.session_token).session_jwt
        if kid_of(refreshed) == new_kid or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    assert kid_of(refreshed) == new_kid
    verifier = fresh_client(server, project)
    assert verifier.sessions.authenticate_jwt_local(session_jwt=refreshed) is not None
    assert verifier.sessions.authenticate_jwt_local(session_jwt=issued.session_jwt) is not None
    assert {k.kid for k in verifier.sessions.get_jwks(project.project_id).keys} == {old_kid, new_kid}

    assert server.cli("keys", "rotate", "--project", "project-test-missing").returncode == 1
