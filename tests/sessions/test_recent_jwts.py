"""Re-used session JWTs: the same JWT for the same claims within a few seconds, a new one as soon as
anything in it would change, never for a revoked session."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.ext.asyncio import async_sessionmaker

from keystile.db.uow import unit_of_work
from keystile.errors import KeystileError
from keystile.sessions import service
from keystile.sessions.jwts import SigningMaterial
from keystile.sessions.keys import KeyRing
from keystile.sessions.models import Session
from keystile.sessions.recent_jwts import RecentJwts
from keystile.sessions.types import SessionSubject
from tests.sessions.conftest import NOW

Sessions = async_sessionmaker[Any]


def issued_at(token: str) -> int:
    return int(jwt.decode(token, options={"verify_signature": False})["iat"])


async def start(db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str) -> service.IssuedSession:
    async with unit_of_work(db_sessions) as db:
        return await service.start_or_extend_session(
            db,
            keys,
            project_id=project_id,
            user_id=user_id,
            factor={"type": "magic_link", "delivery_method": "email"},
            duration_minutes=60,
            existing_token=None,
            existing_jwt=None,
            custom_claims=None,
            now=NOW,
        )


async def authenticate(
    db_sessions: Sessions,
    keys: KeyRing,
    project_id: str,
    token: str,
    *,
    seconds: float,
    claims: dict[str, Any] | None = None,
) -> str:
    async with unit_of_work(db_sessions) as db:
        authenticated = await service.authenticate_session(
            db,
            keys,
            project_id=project_id,
            session_token=token,
            session_jwt=None,
            duration_minutes=None,
            custom_claims=claims,
            now=NOW + timedelta(seconds=seconds),
        )
    return authenticated.session_jwt


async def test_a_jwt_is_reused_for_a_few_seconds_while_its_claims_hold(
    db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    issued = await start(db_sessions, keys, project_id, user_id)
    token = issued.session_token
    assert await authenticate(db_sessions, keys, project_id, token, seconds=4.9) == issued.session_jwt
    fresh = await authenticate(db_sessions, keys, project_id, token, seconds=5)
    assert issued_at(fresh) == int((NOW + timedelta(seconds=5)).timestamp())
    assert await authenticate(db_sessions, keys, project_id, token, seconds=9.9) == fresh

    claimed = await authenticate(db_sessions, keys, project_id, token, seconds=10, claims={"plan": "pro"})
    assert jwt.decode(claimed, options={"verify_signature": False})["plan"] == "pro"
    # A clock that went back gets a JWT valid at its own time.
    assert issued_at(await authenticate(db_sessions, keys, project_id, token, seconds=2)) == int(
        (NOW + timedelta(seconds=2)).timestamp()
    )


async def test_no_jwt_for_a_revoked_session(
    db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    token = (await start(db_sessions, keys, project_id, user_id)).session_token
    await authenticate(db_sessions, keys, project_id, token, seconds=1)
    async with unit_of_work(db_sessions) as db:
        await service.revoke_session(
            db, keys, project_id=project_id, session_id=None, session_token=token, session_jwt=None, now=NOW
        )
    with pytest.raises(KeystileError) as caught:
        await authenticate(db_sessions, keys, project_id, token, seconds=1)
    assert caught.value.error_type == "session_not_found"


def key(kid: str) -> SigningMaterial:
    return SigningMaterial(
        kid=kid, private_key=rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )


def session_at(now: datetime) -> Session:
    return Session(
        session_id="session-test-1",
        project_id="project-test-1",
        user_id="user-test-1",
        started_at=now,
        last_accessed_at=now,
        expires_at=now + timedelta(hours=1),
        authentication_factors=[{"type": "magic_link", "delivery_method": "email"}],
        custom_claims={},
        attributes={"ip_address": "", "user_agent": ""},
    )


def test_a_new_key_or_a_changed_session_means_a_new_jwt() -> None:
    recent, old_key, new_key = RecentJwts(reuse_seconds=5), key("jwk-old"), key("jwk-new")
    session = session_at(NOW)
    user = SessionSubject("user-test-1", ["stytch_user"])
    first = recent.session_jwt(session, user, key=old_key, now=NOW)
    soon = NOW + timedelta(seconds=1)
    assert recent.session_jwt(session, user, key=old_key, now=soon) == first
    rotated = recent.session_jwt(session, user, key=new_key, now=soon)
    assert jwt.get_unverified_header(rotated)["kid"] == "jwk-new"
    admin = SessionSubject("user-test-1", ["stytch_user", "admin"])
    assert recent.session_jwt(session, admin, key=new_key, now=soon) != rotated
    session.last_accessed_at = soon
    assert recent.session_jwt(session, user, key=new_key, now=soon) != rotated
    never = RecentJwts(reuse_seconds=0)
    once = never.session_jwt(session, user, key=new_key, now=soon)
    assert never.session_jwt(session, user, key=new_key, now=soon + timedelta(seconds=1)) != once


def test_a_claim_of_another_json_type_means_a_new_jwt() -> None:
    recent, signing = RecentJwts(reuse_seconds=5), key("jwk-1")
    session = session_at(NOW)
    session.custom_claims = {"tier": 1}
    first = recent.session_jwt(session, SessionSubject("user-test-1", []), key=signing, now=NOW)
    session.custom_claims = {"tier": True}
    second = recent.session_jwt(session, SessionSubject("user-test-1", []), key=signing, now=NOW)
    assert jwt.decode(second, options={"verify_signature": False})["tier"] is True
    session.custom_claims = {"tier": 1.0}
    third = recent.session_jwt(session, SessionSubject("user-test-1", []), key=signing, now=NOW)
    assert len({first, second, third}) == 3
