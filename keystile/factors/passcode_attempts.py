"""Redeeming a sent passcode, for every product that sends them: each try is counted by a conditional
UPDATE before the comparison (so concurrent guesses cannot exceed MAX_ATTEMPTS), a wrong code counts
towards the subject's lock, and the right one is consumed by a second conditional UPDATE (one winner)."""

from __future__ import annotations

from typing import cast

from keystile import tokens
from keystile.calls import Call
from keystile.db import single_use
from keystile.db.base import Base
from keystile.db.single_use import Passcode
from keystile.errors import CommittedRefusal, KeystileError
from keystile.factors.passcodes import MAX_ATTEMPTS, matches
from keystile.identity.lockout import clear_failures, record_failure, refuse_if_locked


async def redeem(call: Call, row: Passcode, code: str, *, subject_id: str) -> None:
    """Use up `row` when `code` is its code; `subject_id` (a user or member id) is whom a wrong
    code counts against."""
    db, project_id, now = call.db, call.project_id, call.now
    if not tokens.usable(row, now):
        raise KeystileError("unable_to_auth_otp_code")
    await refuse_if_locked(db, project_id, subject_id, now)
    if not await single_use.count_attempt(db, row, MAX_ATTEMPTS, now):
        raise KeystileError("unable_to_auth_otp_code")
    if not matches(
        call.keys.cipher, code_key_encrypted=row.code_key_encrypted, code_digest=row.code_digest, code=code
    ):
        await record_failure(db, project_id, subject_id, now)
        raise CommittedRefusal("otp_code_not_found")
    if not await single_use.redeem(db, cast(Base, row), now):
        raise KeystileError("unable_to_auth_otp_code")
    await clear_failures(db, project_id, subject_id)
