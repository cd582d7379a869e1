"""The WebAuthn service in process: challenges expire with the injected clock, belong to the user
they were issued for, and need their domain still allowed when the ceremony finishes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.factors.webauthn import ceremonies, service
from keystile.factors.webauthn.models import WebAuthnRegistration
from keystile.identity.service import NewUser, create_user
from keystile.ids import new_id
from keystile.projects.service import add_webauthn_domain, remove_webauthn_domain
from keystile.sessions.keys import KeyRing
from keystile.sessions.types import SessionRequest
from tests.support.services import NOW, Sessions, call_for, refusal, within
from tests.support.webauthn import SoftwareAuthenticator, b64url, b64url_decode, challenge_of, forged

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


async def registered(
    db_sessions: Sessions, project_id: str, user_id: str, domain: str
) -> SoftwareAuthenticator:
    """A software authenticator whose credential is stored as `register` stores one."""
    authenticator = SoftwareAuthenticator(domain)

    async def add(db: AsyncSession) -> None:
        db.add(
            WebAuthnRegistration(
                webauthn_registration_id=new_id("webauthn-registration"),
                project_id=project_id,
                user_id=user_id,
                domain=domain,
                user_agent="",
                authenticator_type="",
                name="",
                credential_id=authenticator.credential_id,
                credential_digest=ceremonies.credential_digest(b64url_decode(authenticator.credential_id)),
                public_key=b64url(authenticator.cose_public_key()),
                sign_count=0,
                verified=True,
                created_at=NOW,
            )
        )

    await within(db_sessions, add)
    return authenticator


async def test_a_second_factor_refuses_another_users_credential_and_another_rp_ids(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    ada = await a_user(db_sessions, project_id, "ada@example.com")
    bob = await a_user(db_sessions, project_id, "bob@example.com")
    await within(db_sessions, lambda db: add_webauthn_domain(db, project_id, "other.example", now=NOW))
    adas = await registered(db_sessions, project_id, ada, DOMAIN)
    bobs = await registered(db_sessions, project_id, bob, DOMAIN)
    adas_elsewhere = await registered(db_sessions, project_id, ada, "other.example")

    async def challenge_for_ada() -> str:
        started = await within(
            db_sessions,
            lambda db: service.authenticate_start(
                call_for(db, project_id, keys), domain=DOMAIN, user_id=ada, passkey=False, base64url=True
            ),
        )
        return challenge_of(started.options)

    # Bob's credential on Ada's challenge (its signature verifies), and Ada's credential of another
    # RP id: refused. Ada's own credential then signs her in.
    for authenticator in (bobs, adas_elsewhere):
        assertion = authenticator.assertion(await challenge_for_ada())
        assert await authenticate_at(db_sessions, keys, project_id, assertion, 1) == (
            "unable_to_auth_webauthn_registration"
        )
    assertion = adas.assertion(await challenge_for_ada())
    signed_in = await within(
        db_sessions,
        lambda db: service.authenticate(
            call_for(db, project_id, keys, now=NOW + timedelta(minutes=1)),
            public_key_credential=assertion,
            session_request=SessionRequest(),
        ),
    )
    assert signed_in.user.user.user_id == ada
