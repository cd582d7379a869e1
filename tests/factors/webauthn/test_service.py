"""The WebAuthn service in process: challenges expire with the injected clock, belong to the user
they were issued for, and need their domain still allowed when the ceremony finishes."""

from __future__ import annotations

from datetime import timedelta

from keystile.factors.webauthn import service
from keystile.identity.service import NewUser, create_user
from keystile.projects.service import add_webauthn_domain, remove_webauthn_domain
from keystile.sessions.keys import KeyRing
from keystile.sessions.types import SessionRequest
from tests.support.services import NOW, Sessions, call_for, refusal, within
from tests.support.webauthn import challenge_of, forged

DOMAIN = "app.example.com"


async def a_user(db_sessions: Sessions, project_id: str, email: str) -> str:
    await within(db_sessions, lambda db: add_webauthn_domain(db, project_id, DOMAIN, now=NOW))
    view = await within(db_sessions, lambda db: create_user(db, project_id, NewUser(email=email), now=NOW))
    return view.user.user_id


async def passkey_challenge(db_sessions: Sessions, keys: KeyRing, project_id: str) -> str:
    started = await within(
        db_sessions,
        lambda db: service.authenticate_start(
            call_for(db, project_id, keys), domain=DOMAIN, user_id=None, passkey=True, base64url=True
        ),
    )
    return challenge_of(started.options)


async def authenticate_at(
    db_sessions: Sessions, keys: KeyRing, project_id: str, credential: str, minutes: int
) -> str:
    return await refusal(
        within(
            db_sessions,
            lambda db: service.authenticate(
                call_for(db, project_id, keys, now=NOW + timedelta(minutes=minutes)),
                public_key_credential=credential,
                session_request=SessionRequest(),
            ),
        )
    )


async def test_an_authentication_challenge_expires(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    await a_user(db_sessions, project_id, "ada@example.com")
    # Within its five minutes the challenge is redeemed, and only then the unknown credential refused.
    live = forged("get", await passkey_challenge(db_sessions, keys, project_id))
    assert await authenticate_at(db_sessions, keys, project_id, live, 4) == "webauthn_registration_not_found"
    late = forged("get", await passkey_challenge(db_sessions, keys, project_id))
    assert (
        await authenticate_at(db_sessions, keys, project_id, late, 6)
        == "unable_to_auth_webauthn_registration"
    )


async def test_a_registration_challenge_is_the_users_and_needs_its_domain_allowed(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    ada = await a_user(db_sessions, project_id, "ada@example.com")
    bob = await a_user(db_sessions, project_id, "bob@example.com")

    async def started_for(user_id: str) -> str:
        started = await within(
            db_sessions,
            lambda db: service.register_start(
                call_for(db, project_id, keys),
                user_id=user_id,
                domain=DOMAIN,
                user_agent=None,
                authenticator_type=None,
                passkey=True,
                override_id=None,
                override_name=None,
                override_display_name=None,
                base64url=True,
            ),
        )
        return challenge_of(started.options)

    async def register_as(user_id: str, challenge: str) -> str:
        return await refusal(
            within(
                db_sessions,
                lambda db: service.register(
                    call_for(db, project_id, keys),
                    user_id=user_id,
                    public_key_credential=forged("create", challenge),
                    session_request=SessionRequest(),
                ),
            )
        )

    assert await register_as(bob, await started_for(ada)) == "unable_to_register_webauthn_registration"
    pending = await started_for(ada)
    await within(db_sessions, lambda db: remove_webauthn_domain(db, project_id, DOMAIN))
    assert await register_as(ada, pending) == "invalid_webauthn_registration_domain"
