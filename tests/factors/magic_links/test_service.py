"""The magic-link service in process: links live by the injected clock, are redeemed once, keep their
PKCE binding and their project."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

from keystile.factors.magic_links import service
from keystile.identity.service import get_user
from keystile.sessions.keys import KeyRing
from keystile.sessions.types import SessionRequest
from tests.support.services import NOW, Sessions, call_for, last_token, new_project, refusal, within

ADDRESS = "ada@example.com"


def code_challenge(verifier: str) -> str:
    """PKCE S256, as the app computes it."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


async def send_login(
    db_sessions: Sessions, project_id: str, options: service.LinkOptions | None = None
) -> service.SentLink:
    return await within(
        db_sessions,
        lambda db: service.login_or_create(
            call_for(db, project_id),
            email=ADDRESS,
            create_user_as_pending=True,
            options=options or service.LinkOptions(),
        ),
    )


async def redeem(
    db_sessions: Sessions,
    keys: KeyRing,
    project_id: str,
    token: str,
    *,
    verifier: str | None = None,
    minutes_later: float = 1,
) -> service.Authenticated:
    return await within(
        db_sessions,
        lambda db: service.authenticate(
            call_for(db, project_id, keys, now=NOW + timedelta(minutes=minutes_later)),
            token=token,
            code_verifier=verifier,
            session_request=SessionRequest(duration_minutes=30),
        ),
    )


async def test_a_signup_link_activates_the_pending_user_and_verifies_the_email(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    sent = await send_login(db_sessions, project_id)
    assert sent.user_created
    pending = await within(db_sessions, lambda db: get_user(db, project_id, sent.user_id, now=NOW))
    assert pending.user.status == "pending" and not pending.emails[0].verified

    done = await redeem(db_sessions, keys, project_id, await last_token(db_sessions, project_id, ADDRESS))

    assert done.user.user.user_id == sent.user_id and done.method_id == sent.email_id
    assert done.user.user.status == "active" and done.user.emails[0].verified
    assert done.issued.session is not None
    assert done.issued.session.expires_at == NOW + timedelta(minutes=31)


async def test_a_link_is_redeemed_once(db_sessions: Sessions, keys: KeyRing, project_id: str) -> None:
    await send_login(db_sessions, project_id)
    token = await last_token(db_sessions, project_id, ADDRESS)
    await redeem(db_sessions, keys, project_id, token)
    assert await refusal(redeem(db_sessions, keys, project_id, token)) == "unable_to_auth_magic_link"


async def test_a_link_expires_by_the_clock(db_sessions: Sessions, keys: KeyRing, project_id: str) -> None:
    await send_login(db_sessions, project_id, service.LinkOptions(signup_expiration_minutes=10))
    token = await last_token(db_sessions, project_id, ADDRESS)
    late = redeem(db_sessions, keys, project_id, token, minutes_later=10)
    assert await refusal(late) == "unable_to_auth_magic_link"
    assert (await redeem(db_sessions, keys, project_id, token, minutes_later=9.99)).issued.session


async def test_an_unknown_token_or_another_projects_is_not_found(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    await send_login(db_sessions, project_id)
    token = await last_token(db_sessions, project_id, ADDRESS)
    other = await new_project(db_sessions, "consumer")
    assert await refusal(redeem(db_sessions, keys, other, token)) == "magic_link_not_found"
    assert await refusal(redeem(db_sessions, keys, project_id, "x" * 43)) == "magic_link_not_found"


async def test_a_wrong_verifier_leaves_a_pkce_link_usable(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    verifier = "v" * 43
    await send_login(db_sessions, project_id, service.LinkOptions(code_challenge=code_challenge(verifier)))
    token = await last_token(db_sessions, project_id, ADDRESS)
    wrong = redeem(db_sessions, keys, project_id, token, verifier="w" * 43)
    assert await refusal(wrong) == "pkce_mismatch"
    assert await refusal(redeem(db_sessions, keys, project_id, token)) == "pkce_mismatch"
    assert (await redeem(db_sessions, keys, project_id, token, verifier=verifier)).issued.session


async def test_send_refuses_an_unknown_address_and_a_second_send_within_the_interval(
    db_sessions: Sessions, project_id: str
) -> None:
    unknown = within(
        db_sessions,
        lambda db: service.send(
            call_for(db, project_id), email="nobody@example.com", options=service.LinkOptions()
        ),
    )
    assert await refusal(unknown) == "email_not_found"
    await send_login(db_sessions, project_id)
    assert await refusal(send_login(db_sessions, project_id)) == "too_many_requests"


async def test_an_embeddable_token_is_returned_not_mailed(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    sent = await send_login(db_sessions, project_id)
    token = await within(
        db_sessions,
        lambda db: service.create_embeddable(
            call_for(db, project_id), user_id=sent.user_id, expiration_minutes=5
        ),
    )
    done = await redeem(db_sessions, keys, project_id, token)
    assert done.user.user.user_id == sent.user_id and done.method_id == ""
    missing = within(
        db_sessions,
        lambda db: service.create_embeddable(
            call_for(db, project_id), user_id="user-live-0", expiration_minutes=5
        ),
    )
    assert await refusal(missing) == "user_not_found"
