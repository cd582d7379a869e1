"""L6: a user reference (a user_id, or an external id in its place) was matched as `user_id = X OR
external_id = X` by the session list, and an embeddable magic link stored the reference string, so it
logged in whoever held that external id when it was redeemed. A reference now resolves to one user (a
user_id wins), and external ids shaped like keystile's user ids are refused."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import stytch
from sqlalchemy import update

from keystile.db.engine import create_engine
from keystile.identity.models import User
from tests.support.magic_links import new_address
from tests.support.server import KeystileServer, Project

PASSWORD = "violet tangerine oboe 71"


def _with_session(client: stytch.Client) -> tuple[str, str]:
    created = client.passwords.create(email=new_address("l6"), password=PASSWORD, session_duration_minutes=60)
    return created.user_id, created.session.session_id


def _set_external_id(database_url: str, user_id: str, external_id: str) -> None:
    """Give a user an external id behind the API's back, as a database written before the fix may hold."""

    async def write() -> None:
        engine = create_engine(database_url)
        async with engine.begin() as connection:
            await connection.execute(
                update(User).where(User.user_id == user_id).values(external_id=external_id)
            )
        await engine.dispose()

    asyncio.run(write())


def test_l6_session_list_by_user_id_lists_that_users_sessions_only(
    client: stytch.Client, database_url: str
) -> None:
    q_id, q_session = _with_session(client)
    r_id, r_session = _with_session(client)
    _set_external_id(database_url, r_id, q_id)

    listed = client.sessions.get(user_id=q_id).sessions

    assert [s.session_id for s in listed] == [q_session]
    assert {s.user_id for s in listed} == {q_id}
    assert r_session not in {s.session_id for s in listed}


def test_l6_embeddable_token_logs_in_the_user_it_was_made_for(client: stytch.Client) -> None:
    p_id = client.users.create(email=new_address("l6p"), external_id="ext-l6-1").user_id
    q_id = client.users.create(email=new_address("l6q")).user_id
    token = client.magic_links.create(user_id="ext-l6-1").token
    # The app moves its external id to another user before the token is redeemed.
    client.users.update(user_id=p_id, external_id="ext-l6-old")
    client.users.update(user_id=q_id, external_id="ext-l6-1")

    authenticated = client.magic_links.authenticate(token=token, session_duration_minutes=60)

    assert authenticated.user_id == p_id


@pytest.mark.parametrize("shaped_like", ["user-test-", "user-live-"])
def test_l6_external_ids_shaped_like_user_ids_are_refused(
    server: KeystileServer, project: Project, client: stytch.Client, shaped_like: str
) -> None:
    other = client.users.create(email=new_address("l6o")).user_id
    external_id = shaped_like + other.split("-", 2)[2]
    auth = (project.project_id, project.secret)

    created = httpx.post(
        f"{server.base_url}v1/users",
        json={"email": new_address("l6c"), "external_id": external_id},
        auth=auth,
        timeout=30,
    )
    updated = httpx.put(
        f"{server.base_url}v1/users/{other}", json={"external_id": external_id}, auth=auth, timeout=30
    )

    for refused in (created, updated):
        assert refused.status_code == 400, refused.json()
        assert refused.json()["error_type"] == "invalid_external_id"
