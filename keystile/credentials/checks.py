"""What consumer and B2B passwords both do with a password: judge a new one by the project's rules, hash
it, and check a guess under the lockout (an unknown address costs a decoy check, as slow as a wrong one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from keystile.calls import Call
from keystile.credentials import strength
from keystile.credentials.breaches import is_breached
from keystile.credentials.hashes import (
    Argon2Parameters,
    check_password,
    decoy_hash,
    hash_password,
    off_the_loop,
    verify_password,
)
from keystile.credentials.imported import StoredHash
from keystile.credentials.policy import PasswordRules, project_rules
from keystile.errors import CommittedRefusal, KeystileError
from keystile.identity import lockout
from keystile.identity.contact import normalize_email
from keystile.identity.models import UserLock

# A session may set a new password only if one of its factors was authenticated this recently.
SESSION_RESET_WINDOW: Final = timedelta(minutes=5)


@dataclass(frozen=True)
class StrengthCheck:
    report: strength.StrengthReport
    breached: bool
    rules: PasswordRules

    @property
    def valid(self) -> bool:
        return self.report.valid and not self.breached


def user_inputs(address: str | None) -> list[str]:
    """What a password must not be built from: the address and its local part."""
    return [address, address.split("@", 1)[0]] if address else []


def check_new_password(password: str, rules: PasswordRules, address: str | None) -> None:
    """Refuse a breached password, then one too weak for the project's policy (with feedback)."""
    if rules.breach_detection_on_create and is_breached(password):
        raise KeystileError("breached_password")
    report = strength.evaluate(password, rules, user_inputs(address))
    if not report.valid:
        raise KeystileError("weak_password", report.explanation())


def strength_check(password: str, rules: PasswordRules, address: str | None) -> StrengthCheck:
    """How the password fares under the project's policy, and whether it is known to be breached."""
    report = strength.evaluate(password, rules, user_inputs(address))
    return StrengthCheck(report, rules.breach_detection_on_create and is_breached(password), rules)


async def project_strength_check(call: Call, *, password: str, email: object | None) -> StrengthCheck:
    """`strength_check`, consumer and B2B: the password under the project's policy, judged against the
    address it would belong to."""
    rules = await project_rules(call.db, call.project_id)
    return strength_check(password, rules, normalize_email(email) if email else None)


async def hash_new(password: str, parameters: Argon2Parameters) -> StoredHash:
    return await off_the_loop(hash_password, password, parameters)


async def decoy_check(password: str, parameters: Argon2Parameters) -> None:
    """Spend the time checking a password takes, against no one's hash."""
    await off_the_loop(verify_password, await off_the_loop(decoy_hash, parameters), password)


async def check_guess(
    call: Call,
    *,
    subject_id: str,
    lock: UserLock | None,
    stored: StoredHash,
    password: str,
    parameters: Argon2Parameters,
) -> None:
    """Refuse `password` unless it matches `stored`. Every guess is counted towards a lock of
    `subject_id` before it is checked (`lockout.claim_attempt`); a right one is taken back."""
    db, project_id, now = call.db, call.project_id, call.now
    if lock is not None and lockout.is_locked(lock, now):
        raise KeystileError("user_lock_limit_reached")
    await lockout.claim_attempt(db, project_id, subject_id, now)
    if not await check_password(project_id, stored, password, parameters):
        await lockout.lock_when_reached(db, project_id, subject_id, now)
        raise CommittedRefusal("unauthorized_credentials")
    await lockout.clear_failures(db, project_id, subject_id)


def recently_authenticated(factors: list[dict[str, Any]], now: datetime) -> bool:
    """Whether one of a session's `factors` was authenticated in the last five minutes (the freshness
    a password reset by session needs)."""
    for factor in factors:
        stamp = factor.get("last_authenticated_at")
        if isinstance(stamp, str):
            try:
                if now - datetime.fromisoformat(stamp) <= SESSION_RESET_WINDOW:
                    return True
            except (ValueError, TypeError):
                continue
    return False
