"""Checking a TOTP code or a recovery code, for every product that registers authenticator apps: every
attempt counts towards the subject's lock before the code is checked (`claim_attempt`), a right code
clears the failures, a right TOTP code used already is taken back (a double submit is no guess)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from keystile.calls import Call
from keystile.db.authenticator_rows import AuthenticatorColumns, accept_step
from keystile.errors import CommittedRefusal
from keystile.factors import authenticator
from keystile.identity.lockout import claim_attempt, clear_failures, lock_when_reached, release_attempt

Redeemed = TypeVar("Redeemed")


def secret_of(call: Call, registration: AuthenticatorColumns) -> str:
    return call.keys.cipher.decrypt(registration.secret_encrypted.encode()).decode()


async def check_code(call: Call, registration: AuthenticatorColumns, code: str, *, subject_id: str) -> None:
    """Accept `code` (six digits, checked) for `registration` within ±1 step of now, at most once: the
    step is recorded by a conditional UPDATE, so that code and every earlier one are refused afterwards."""
    db, project_id, now = call.db, call.project_id, call.now
    await claim_attempt(db, project_id, subject_id, now)
    step = authenticator.matching_step(secret_of(call, registration), code, now)
    if step is None:
        await lock_when_reached(db, project_id, subject_id, now)
        raise CommittedRefusal("unable_to_authenticate_totp")
    if not await accept_step(db, registration, step):
        await release_attempt(db, project_id, subject_id)
        raise CommittedRefusal("totp_code_already_authenticated")
    await clear_failures(db, project_id, subject_id)


async def recover(
    call: Call,
    registration: AuthenticatorColumns,
    canonical_code: str,
    *,
    subject_id: str,
    redeem: Callable[[str], Awaitable[Redeemed | None]],
) -> Redeemed:
    """Use up the recovery code `canonical_code` of `registration`: `redeem(digest)` consumes the unused
    code of that digest by a conditional UPDATE (one winner) and returns it, or None."""
    db, project_id, now = call.db, call.project_id, call.now
    await claim_attempt(db, project_id, subject_id, now)
    digest = authenticator.recovery_code_digest(secret_of(call, registration), canonical_code)
    redeemed = await redeem(digest)
    if redeemed is None:
        await lock_when_reached(db, project_id, subject_id, now)
        raise CommittedRefusal("unable_to_authenticate_recovery_code")
    await clear_failures(db, project_id, subject_id)
    return redeemed
