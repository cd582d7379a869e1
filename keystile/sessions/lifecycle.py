"""The life of any session, a user's or a member's, as pure functions over `jwts.SessionRecord`: what
starting, extending and authenticating change, and which of its names a revocation uses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from keystile.errors import KeystileError
from keystile.sessions import policy
from keystile.sessions.jwts import SessionRecord
from keystile.sessions.types import LAST_ACCESS_PRECISION


def opening(
    factors: list[dict[str, Any]],
    custom_claims: dict[str, Any] | None,
    attributes: dict[str, str] | None,
    lifetime: timedelta,
    now: datetime,
) -> dict[str, Any]:
    """The columns every new session starts with (its id, owner and token come from the caller)."""
    return {
        "started_at": now,
        "last_accessed_at": now,
        "expires_at": now + lifetime,
        "authentication_factors": factors,
        "custom_claims": policy.merge_custom_claims({}, custom_claims),
        "attributes": {
            "ip_address": (attributes or {}).get("ip_address", ""),
            "user_agent": (attributes or {}).get("user_agent", ""),
        },
    }


def extend(
    record: SessionRecord,
    factors: list[dict[str, Any]],
    custom_claims: dict[str, Any] | None,
    lifetime: timedelta | None,
    now: datetime,
) -> None:
    """Add `factors` to a session that more factors authenticated, merge `custom_claims` into it, and
    restart its lifetime from now when one is given (refused for an impersonated session, whichever
    factor authenticated: nothing changes)."""
    _refuse_extending_impersonated(record, lifetime)
    for factor in factors:
        record.authentication_factors = policy.add_factor(record.authentication_factors, factor)
    record.custom_claims = policy.merge_custom_claims(record.custom_claims, custom_claims)
    record.last_accessed_at = now
    if lifetime is not None:
        record.expires_at = now + lifetime


def changes_on_authenticate(
    record: SessionRecord, custom_claims: dict[str, Any] | None, lifetime: timedelta | None, now: datetime
) -> dict[str, Any]:
    """The columns an authenticate call changes (column name to value): merged custom claims, a new
    expiry (refused for an impersonated session), and `last_accessed_at` at most once per
    `LAST_ACCESS_PRECISION`. Empty: nothing to write."""
    _refuse_extending_impersonated(record, lifetime)
    changes: dict[str, Any] = {}
    if custom_claims is not None:
        merged = policy.merge_custom_claims(record.custom_claims, custom_claims)
        if merged != record.custom_claims:
            changes["custom_claims"] = merged
    if lifetime is not None:
        changes["expires_at"] = now + lifetime
    if now - record.last_accessed_at >= LAST_ACCESS_PRECISION:
        changes["last_accessed_at"] = now
    return changes


def _refuse_extending_impersonated(record: SessionRecord, lifetime: timedelta | None) -> None:
    if lifetime is not None and impersonated(record):
        raise KeystileError("impersonated_session_cannot_be_extended")


def impersonated(record: SessionRecord) -> bool:
    """Whether an impersonation started the session (Stytch: such sessions cannot be extended)."""
    return any(factor.get("type") == "impersonated" for factor in record.authentication_factors)


def apply(record: SessionRecord, changes: dict[str, Any]) -> None:
    """`changes` (from `changes_on_authenticate`) made to the record in hand, once written."""
    for column, value in changes.items():
        setattr(record, column, value)


def check_one_revoke_name(*names: str | None) -> None:
    """A revocation names its sessions in exactly one way."""
    given = [name for name in names if name]
    if not given:
        raise KeystileError("no_session_revoke_arguments")
    if len(given) > 1:
        raise KeystileError("too_many_session_revoke_arguments")
