"""The one read of the session store behind sessions.authenticate, on every engine: it shows a user exactly as
`UserRepository.views` (what users.get answers) does, for a user with something in every part; and
concurrent checks share one query, each getting its own session."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from keystile.api.schemas.users import user_out
from keystile.db.direct_reads import engine_fetch_all
from keystile.db.uow import unit_of_work
from keystile.factors.biometrics.models import BiometricRegistration
from keystile.factors.crypto_wallets.models import CryptoWallet
from keystile.factors.oauth.models import OAuthRegistration
from keystile.factors.passwords.models import UserPassword
from keystile.factors.totp.models import Totp
from keystile.factors.totp.profile import TOTPS
from keystile.factors.webauthn.models import WebAuthnRegistration
from keystile.identity.models import UserEmail, UserLock, UserPhone
from keystile.identity.repository import UserRepository
from keystile.identity.service import NewUser, create_user
from keystile.identity.views import UserView
from keystile.ids import new_id
from keystile.projects.service import create_project
from keystile.sessions import service
from keystile.sessions.direct_store import DirectSessionStore
from keystile.sessions.keys import KeyRing
from keystile.sessions.models import Session
from keystile.sessions.store import attach_session_store, read_active
from keystile.sessions.tokens import token_digest
from keystile.sessions.types import SessionName
from keystile.sessions.user_rows import user_sessions
from tests.sessions.conftest import NOW

Sessions = async_sessionmaker[Any]


def give_every_part(db: AsyncSession, project_id: str, user_id: str, phone_number: str) -> None:
    """A second (verified, older) email, a phone, a password, an active lock, TOTPs (one verified, one
    pending and one pending past its deadline: not listed), a WebAuthn and an OAuth registration, a
    crypto wallet and a biometric registration."""
    owner = {"project_id": project_id, "user_id": user_id}
    earlier = NOW - timedelta(days=1)
    db.add_all(
        [
            UserEmail(
                email_id=new_id("email"),
                email=f"{user_id}@example.org",
                verified=True,
                created_at=earlier,
                **owner,
            ),
            UserPhone(
                phone_id=new_id("phone-number"),
                phone_number=phone_number,
                verified=True,
                created_at=NOW,
                **owner,
            ),
            UserPassword(
                password_id=new_id("password"),
                hash_type="argon_2id",
                hash="$argon2id$not-a-real-hash",
                hash_config=None,
                requires_reset=False,
                email_verified_when_set=False,
                created_at=NOW,
                updated_at=NOW,
                **owner,
            ),
            UserLock(
                failed_attempts=10,
                window_started_at=NOW,
                lock_created_at=NOW,
                lock_expires_at=NOW + timedelta(hours=1),
                **owner,
            ),
            *(
                Totp(
                    totp_id=new_id("totp"),
                    secret_encrypted="x",
                    verified=verified,
                    created_at=NOW + timedelta(seconds=offset),
                    expires_at=NOW + timedelta(minutes=minutes),
                    **owner,
                )
                for verified, offset, minutes in ((True, 1, -60), (False, 2, 5), (False, 3, -1))
            ),
            WebAuthnRegistration(
                webauthn_registration_id=new_id("webauthn-registration"),
                domain="example.com",
                user_agent="Chromium",
                authenticator_type="platform",
                name="Laptop",
                credential_id=user_id,
                credential_digest=new_id("c")[-36:],
                public_key="x",
                sign_count=1,
                verified=True,
                created_at=NOW,
                **owner,
            ),
            OAuthRegistration(
                registration_id=new_id("oauth-user-registration"),
                provider="google",
                provider_subject=f"google-{user_id}",
                profile_picture_url="https://example.org/picture.png",
                locale="en",
                email_id=None,
                created_at=NOW,
                **owner,
            ),
            CryptoWallet(
                crypto_wallet_id=new_id("crypto-wallet"),
                crypto_wallet_type="solana",
                crypto_wallet_address=new_id("w")[-36:],
                verified=True,
                created_at=NOW,
                **owner,
            ),
            BiometricRegistration(
                biometric_registration_id=new_id("biometric-registration"),
                public_key=new_id("k")[-44:],
                verified=True,
                created_at=NOW,
                **owner,
            ),
        ]
    )


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


async def test_the_session_query_shows_the_user_as_users_get_does(
    db_sessions: Sessions, keys: KeyRing, project_id: str, user_id: str
) -> None:
    async with unit_of_work(db_sessions) as db:
        give_every_part(db, project_id, user_id, "+12025550123")
        # Another user of the project, with parts of its own that must not show up.
        other = await create_user(db, project_id, NewUser(email="grace@example.com"), now=NOW)
        give_every_part(db, project_id, other.user.user_id, "+12025550124")
    issued = await start(db_sessions, keys, project_id, user_id)

    async with unit_of_work(db_sessions) as db:
        users = UserRepository(db, project_id)
        user = await users.get(user_id)
        assert user is not None
        [expected] = await users.views([user], now=NOW)
    async with unit_of_work(db_sessions) as db:
        name = SessionName(token_digest=token_digest(issued.session_token))
        found = await read_active(db, user_sessions(), project_id=project_id, name=name, now=NOW)
    # Every part of a UserView has something in it here, so a part added to UserView but not to the
    # session query fails this test (give the fixture one of the new part too).
    empty = [f.name for f in dataclasses.fields(UserView) if not getattr(expected, f.name)]
    empty += [name for name, part in expected.parts.items() if not part]
    assert empty == [], f"give the test user something in: {empty}"
    assert len(expected.emails) == 2 and len(expected.part(TOTPS)) == 2

    assert found is not None
    session, view = found
    assert issued.session is not None and session.session_id == issued.session.session_id
    assert user_out(view) == user_out(expected)
    assert [e.email_id for e in view.emails] == [e.email_id for e in expected.emails]
    assert view.lock == expected.lock and view.parts == expected.parts


async def test_concurrent_checks_share_one_query_and_each_gets_its_own_session(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    """Sessions of five users with every part, one named twice, a session named by its id, a token of
    another project, an expired session and a revoked one, all checked in one turn of the loop."""
    users = []
    async with unit_of_work(db_sessions) as db:
        for number in range(5):
            view = await create_user(
                db, project_id, NewUser(email=f"coalesced-{number}@example.com"), now=NOW
            )
            give_every_part(db, project_id, view.user.user_id, f"+1202555{number:04d}")
            users.append(view.user.user_id)
        other_project = await create_project(db, name="other", vertical="consumer", redirect_urls=[], now=NOW)
        stranger = await create_user(
            db, other_project.project.project_id, NewUser(email="stranger@example.com"), now=NOW
        )
    issued = [await start(db_sessions, keys, project_id, user_id) for user_id in users]
    foreign = await start(db_sessions, keys, other_project.project.project_id, stranger.user.user_id)
    async with unit_of_work(db_sessions) as db:
        await service.revoke_session(
            db,
            keys,
            project_id=project_id,
            session_id=None,
            session_token=issued[4].session_token,
            session_jwt=None,
            now=NOW,
        )
    reads: list[int] = []

    async def counted(engine: Any, read: Any, parameters: dict[str, Any]) -> Any:
        reads.append(len(parameters))
        return await engine_fetch_all(engine, read, parameters)

    attach_session_store(db_sessions, DirectSessionStore(db_sessions.kw["bind"], fetch=counted))

    async def check(token: str, *, minutes: int = 0) -> tuple[Session, UserView] | None:
        async with unit_of_work(db_sessions) as db:
            name = SessionName(token_digest=token_digest(token))
            later = NOW + timedelta(minutes=minutes)
            return await read_active(db, user_sessions(), project_id=project_id, name=name, now=later)

    async def by_id(session_id: str) -> tuple[Session, UserView] | None:
        async with unit_of_work(db_sessions) as db:
            name = SessionName(session_id=session_id)
            return await read_active(db, user_sessions(), project_id=project_id, name=name, now=NOW)

    tokens = [item.session_token for item in issued]
    found = await asyncio.gather(
        *(check(token) for token in tokens[:4]),
        check(tokens[0]),
        check(foreign.session_token),
        check(tokens[4]),
    )
    assert issued[1].session is not None
    [named_by_id] = await asyncio.gather(by_id(issued[1].session.session_id))
    assert len(reads) == 2  # one query for the seven token checks, one for the check by id

    for user_id, result in zip(users[:4] + users[:1], found[:5], strict=True):
        assert result is not None
        session, view = result
        assert session.user_id == view.user.user_id == user_id
        assert [phone.phone_number for phone in view.phones] == [f"+1202555{users.index(user_id):04d}"]
        assert len(view.emails) == 2 and len(view.part(TOTPS)) == 2 and view.lock is not None
    assert found[0] is not None and found[4] is not None
    assert found[0][0].custom_claims is not found[4][0].custom_claims  # each caller its own objects
    assert found[5:] == [None, None]  # another project's token; a revoked session
    assert named_by_id is not None and named_by_id[0].session_id == issued[1].session.session_id
    # A session checked past its expiry is not found, even beside checks made before it.
    late = await asyncio.gather(check(tokens[0]), check(tokens[1], minutes=61))
    assert late[1] is None
