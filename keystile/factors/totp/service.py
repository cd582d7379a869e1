"""Use cases for TOTP: create a registration (secret, QR code, recovery codes), authenticate a code,
list registrations with their recovery codes, and recover with a recovery code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from keystile.calls import Call
from keystile.db import single_use
from keystile.errors import KeystileError
from keystile.factors import authenticator, authenticator_attempts
from keystile.factors.common import authentication_factor, session_for
from keystile.factors.totp.models import Totp, TotpRecoveryCode
from keystile.factors.totp.repository import TotpRepository
from keystile.identity.lockout import refuse_if_locked
from keystile.identity.models import User
from keystile.identity.repository import UserRepository
from keystile.identity.service import existing_user
from keystile.identity.views import UserView
from keystile.ids import new_id
from keystile.projects.service import get_project
from keystile.sessions.service import IssuedSession
from keystile.sessions.types import SessionRequest

# How long a new user's registration waits for its first code unless asked (Stytch's default).
DEFAULT_EXPIRATION_MINUTES: Final = 1440


@dataclass(frozen=True)
class CreatedTotp:
    totp_id: str
    secret: str
    qr_code: str
    recovery_codes: list[str]
    user: UserView


@dataclass(frozen=True)
class TotpAuthenticated:
    user: UserView
    totp_id: str
    issued: IssuedSession


async def _unlocked_user(call: Call, user_id: str) -> User:
    """The user (by id or external id), unless missing or locked."""
    user = await existing_user(call.db, call.project_id, user_id)
    await refuse_if_locked(call.db, call.project_id, user.user_id, call.now)
    return user


def _account_name(view: UserView) -> str:
    """What the authenticator app shows beside the issuer: the user's email, phone number or id."""
    if view.emails:
        return view.emails[0].email
    if view.phones:
        return view.phones[0].phone_number
    return view.user.user_id


async def create(call: Call, *, user_id: str, expiration_minutes: int | None) -> CreatedTotp:
    """A new pending registration, replacing any other pending one; refused while the user has a
    verified one. The secret and recovery codes are shown only in this answer."""
    db, project_id, now = call.db, call.project_id, call.now
    minutes = authenticator.registration_minutes(expiration_minutes, default=DEFAULT_EXPIRATION_MINUTES)
    users = UserRepository(db, project_id)
    user = await users.get_for_update(user_id)
    if user is None:
        raise KeystileError("user_not_found")
    totps = TotpRepository(db, project_id)
    if any(totp.verified for totp in await totps.of_user(user.user_id, now)):
        raise KeystileError("active_totp_exists")
    await totps.discard_pending(user.user_id)
    secret = authenticator.new_secret()
    totp = Totp(
        totp_id=new_id("totp"),
        project_id=project_id,
        user_id=user.user_id,
        secret_encrypted=call.keys.cipher.encrypt(secret.encode()).decode("ascii"),
        verified=False,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    recovery_codes = [authenticator.new_recovery_code() for _ in range(authenticator.RECOVERY_CODE_COUNT)]
    db.add(totp)
    db.add_all(
        TotpRecoveryCode(
            recovery_code_id=new_id("totp-recovery-code"),
            project_id=project_id,
            user_id=user.user_id,
            totp_id=totp.totp_id,
            code_digest=authenticator.recovery_code_digest(
                secret, authenticator.canonical_recovery_code(code)
            ),
            created_at=now,
        )
        for code in recovery_codes
    )
    await db.flush()
    view = (await users.views([user], now))[0]
    issuer = (await get_project(db, project_id)).name
    return CreatedTotp(
        totp_id=totp.totp_id,
        secret=secret,
        qr_code=authenticator.provisioning_qr_code(secret, account=_account_name(view), issuer=issuer),
        recovery_codes=recovery_codes,
        user=view,
    )


async def authenticate(
    call: Call, *, user_id: str, totp_code: str, session_request: SessionRequest
) -> TotpAuthenticated:
    """Accept a code of the user's registration (verifying a pending one) within ±1 step of now, at
    most once: the step is recorded by a conditional UPDATE, so that code and every earlier one are
    refused afterwards, even when two requests race. Every attempt counts towards the user lock before
    the code is checked (`claim_attempt`); a right code is taken back."""
    code = authenticator.check_code(totp_code)
    db, project_id, now = call.db, call.project_id, call.now
    user = await _unlocked_user(call, user_id)
    registrations = await TotpRepository(db, project_id).of_user(user.user_id, now)
    if not registrations:
        raise KeystileError("totp_not_found")
    totp = registrations[0]
    await authenticator_attempts.check_code(call, totp, code, subject_id=user.user_id)
    factor = authentication_factor(
        "totp", "authenticator_app", now, authenticator_app_factor={"totp_id": totp.totp_id}
    )
    view, issued = await session_for(call, user, factor, session_request)
    return TotpAuthenticated(user=view, totp_id=totp.totp_id, issued=issued)


async def recovery_codes(call: Call, *, user_id: str) -> tuple[str, list[Totp]]:
    """The user's id and registrations. Their recovery codes are stored as digests only, so they
    were shown once, at creation, and cannot be listed again."""
    user = await existing_user(call.db, call.project_id, user_id)
    return user.user_id, await TotpRepository(call.db, call.project_id).of_user(user.user_id, call.now)


async def recover(
    call: Call, *, user_id: str, recovery_code: str, session_request: SessionRequest
) -> TotpAuthenticated:
    """Authenticate with one of the recovery codes of the user's verified registration, consuming it
    by a conditional UPDATE (one winner). Every attempt counts towards the user lock before the code
    is checked (`claim_attempt`); a right code is taken back."""
    canonical = authenticator.canonical_recovery_code(recovery_code)
    db, project_id, now = call.db, call.project_id, call.now
    user = await _unlocked_user(call, user_id)
    totps = TotpRepository(db, project_id)
    verified = [totp for totp in await totps.of_user(user.user_id, now) if totp.verified]
    if not verified:
        raise KeystileError("totp_not_found")
    totp = verified[0]

    async def redeem(digest: str) -> TotpRecoveryCode | None:
        row = await totps.unused_recovery_code(totp.totp_id, digest)
        return row if row is not None and await single_use.redeem(db, row, now) else None

    row = await authenticator_attempts.recover(call, totp, canonical, subject_id=user.user_id, redeem=redeem)
    factor = authentication_factor(
        "recovery_codes",
        "recovery_code",
        now,
        recovery_code_factor={"totp_recovery_code_id": row.recovery_code_id},
    )
    view, issued = await session_for(call, user, factor, session_request)
    return TotpAuthenticated(user=view, totp_id=totp.totp_id, issued=issued)
