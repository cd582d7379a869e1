"""Signing keys on every engine: created once per project even under a race, encrypted at rest,
published before they sign and until their last JWT expires."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from keystile.db.uow import unit_of_work
from keystile.errors import KeystileError
from keystile.projects.service import create_project
from keystile.sessions.keys import KeyRing
from keystile.sessions.models import SigningKey
from tests.sessions.conftest import NOW

Sessions = async_sessionmaker[Any]


async def signing_kid(db_sessions: Sessions, ring: KeyRing, project_id: str, seconds: float = 0) -> str:
    async with unit_of_work(db_sessions) as db:
        return (await ring.signer(db, project_id, NOW + timedelta(seconds=seconds))).kid


async def published(db_sessions: Sessions, ring: KeyRing, project_id: str, seconds: float = 0) -> list[str]:
    async with unit_of_work(db_sessions) as db:
        return [jwk["kid"] for jwk in await ring.jwks(db, project_id, NOW + timedelta(seconds=seconds))]


async def stored_keys(db_sessions: Sessions, project_id: str) -> list[SigningKey]:
    async with unit_of_work(db_sessions) as db:
        rows = await db.scalars(select(SigningKey).where(SigningKey.project_id == project_id))
        return list(rows)


async def test_first_key_is_created_on_first_use_and_encrypted(
    db_sessions: Sessions, keys: KeyRing, cipher: MultiFernet, project_id: str
) -> None:
    assert await published(db_sessions, keys, project_id) == []
    kid = await signing_kid(db_sessions, keys, project_id)
    assert kid.startswith("jwk-test-")
    assert await signing_kid(db_sessions, keys, project_id) == kid
    jwks = await published(db_sessions, keys, project_id)
    assert jwks == [kid]
    [row] = await stored_keys(db_sessions, project_id)
    assert "PRIVATE KEY" not in row.private_key_encrypted
    assert cipher.decrypt(row.private_key_encrypted.encode()).startswith(b"-----BEGIN PRIVATE KEY-----")
    with pytest.raises(InvalidToken):
        MultiFernet([Fernet(Fernet.generate_key())]).decrypt(row.private_key_encrypted.encode())
    assert set(row.public_jwk) == {"kty", "use", "key_ops", "alg", "kid", "n", "e", "x5c", "x5tS256"}
    assert "d" not in row.public_jwk and row.public_jwk["alg"] == "RS256"


async def test_two_servers_creating_the_first_key_at_once_agree(
    db_sessions: Sessions, cipher: MultiFernet, project_id: str
) -> None:
    first, second = KeyRing(cipher), KeyRing(cipher)
    kids = await asyncio.gather(
        signing_kid(db_sessions, first, project_id), signing_kid(db_sessions, second, project_id)
    )
    assert kids[0] == kids[1]
    assert [row.kid for row in await stored_keys(db_sessions, project_id)] == [kids[0]]


async def test_rotation_publishes_before_signing_and_until_the_last_jwt_expires(
    db_sessions: Sessions, cipher: MultiFernet, project_id: str
) -> None:
    """Two servers with 60 s caches; one rotates. At every instant, whatever either server signs
    with is published by both, and stays published for as long as a JWT it signed can be valid."""
    elapsed = {"seconds": 0.0}
    servers = [KeyRing(cipher, cache_seconds=60, monotonic=lambda: elapsed["seconds"]) for _ in range(2)]
    old = await signing_kid(db_sessions, servers[0], project_id)
    assert await signing_kid(db_sessions, servers[1], project_id) == old

    elapsed["seconds"] = 30
    async with unit_of_work(db_sessions) as db:
        new = await servers[0].rotate(db, project_id, NOW + timedelta(seconds=30))
    assert new.activates_at == NOW + timedelta(seconds=150)

    first_signed: dict[str, float] = {}
    signed_at: dict[str, float] = {}
    for second in range(30, 900, 5):
        elapsed["seconds"] = second
        for server in servers:
            kid = await signing_kid(db_sessions, server, project_id, second)
            first_signed.setdefault(kid, second)
            signed_at[kid] = second
            for verifier in servers:
                for used, last in signed_at.items():
                    if second < last + 300:
                        assert used in await published(db_sessions, verifier, project_id, second), (
                            second,
                            used,
                        )
    assert signed_at[old] < 150 <= first_signed[new.kid]
    assert await published(db_sessions, servers[0], project_id, 890) == [new.kid]
    assert await signing_kid(db_sessions, servers[1], project_id, 890) == new.kid


async def test_rotate_needs_an_existing_project(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    async with unit_of_work(db_sessions) as db:
        with pytest.raises(KeystileError) as caught:
            await keys.rotate(db, "project-test-missing", NOW)
    assert caught.value.error_type == "project_not_found"
    # A project without keys gets one that signs at once.
    async with unit_of_work(db_sessions) as db:
        first = await keys.rotate(db, project_id, NOW)
    assert first.activates_at == NOW
    assert await signing_kid(db_sessions, keys, project_id) == first.kid


async def test_a_project_sees_only_its_own_keys(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    async with unit_of_work(db_sessions) as db:
        other = await create_project(db, name="other", vertical="consumer", redirect_urls=[], now=NOW)
    mine = await signing_kid(db_sessions, keys, project_id)
    theirs = await signing_kid(db_sessions, keys, other.project.project_id)
    assert mine != theirs
    async with unit_of_work(db_sessions) as db:
        assert await keys.public_key(db, other.project.project_id, mine, NOW) is None
        assert await keys.public_key(db, project_id, mine, NOW) is not None


async def test_a_key_rotated_in_elsewhere_is_found_before_the_cache_expires(
    db_sessions: Sessions, cipher: MultiFernet, project_id: str
) -> None:
    """A rotation whose key signs earlier than this server's cache expires (a slow rotation, or a
    short cache elsewhere): the unknown kid makes the keys be read again, at most once a second."""
    elapsed = {"seconds": 0.0}
    here = KeyRing(cipher, cache_seconds=60, monotonic=lambda: elapsed["seconds"])
    elsewhere = KeyRing(cipher, cache_seconds=60)
    first = await signing_kid(db_sessions, here, project_id)
    assert await published(db_sessions, here, project_id) == [first]  # cached here from now on
    async with unit_of_work(db_sessions) as db:
        rotated = await elsewhere.rotate(db, project_id, NOW)
        rotated.activates_at = NOW
    assert await signing_kid(db_sessions, elsewhere, project_id) == rotated.kid

    async def known_here() -> bool:
        async with unit_of_work(db_sessions) as db:
            return await here.public_key(db, project_id, rotated.kid, NOW) is not None

    elapsed["seconds"] = 0.5
    assert not await known_here()  # read less than a second ago: made-up kids cost nothing
    elapsed["seconds"] = 1.0
    assert await known_here()
    async with unit_of_work(db_sessions) as db:
        assert await here.public_key(db, project_id, "jwk-test-made-up", NOW) is None
