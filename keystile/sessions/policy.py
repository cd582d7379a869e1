"""Stytch's rules for session lifetimes, custom claims and authentication factors (pure functions)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from keystile.errors import KeystileError

MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 527_040
MAX_CUSTOM_CLAIMS_BYTES = 4096
# `scope` too: session JWTs and M2M tokens share signing keys, issuer and audience, so a session JWT
# carrying a scope claim would pass the SDKs' local M2M check.
RESERVED_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope"})
STYTCH_CLAIM_PREFIX = "https://stytch.com/"
# Every consumer user holds this role (Stytch's default RBAC role for users).
DEFAULT_ROLE = "stytch_user"


def session_lifetime(duration_minutes: int) -> timedelta:
    """The lifetime asked for, within Stytch's 5 minutes to 366 days."""
    if not MIN_DURATION_MINUTES <= duration_minutes <= MAX_DURATION_MINUTES:
        raise KeystileError("invalid_session_duration_minutes")
    return timedelta(minutes=duration_minutes)


def merge_custom_claims(current: dict[str, Any], changes: dict[str, Any] | None) -> dict[str, Any]:
    """`current` updated by `changes` as Stytch does: a value sets a key, null deletes it, and nested
    objects merge the same way. Reserved names are refused; the result is capped at 4 KB."""
    if changes is None:
        return current
    for name in changes:
        if name in RESERVED_CLAIMS:
            raise KeystileError("reserved_claims_in_custom_claims", f"'{name}' is a reserved claim.")
        if name.startswith(STYTCH_CLAIM_PREFIX):
            raise KeystileError("stytch_claims_in_custom_claims", f"'{name}' is reserved for Stytch.")
    merged = _merge(current, changes)
    if len(json.dumps(merged, separators=(",", ":")).encode("utf-8")) > MAX_CUSTOM_CLAIMS_BYTES:
        raise KeystileError("custom_claims_too_large")
    return merged


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for name, value in changes.items():
        if value is None:
            merged.pop(name, None)
        elif isinstance(value, dict):
            below = merged.get(name)
            merged[name] = _merge(below if isinstance(below, dict) else {}, value)
        else:
            merged[name] = value
    return merged


def _factor_identity(factor: dict[str, Any]) -> tuple[str, str, str]:
    """What makes two factors the same: type, delivery method and the `*_factor` details (ids)."""
    details = {name: value for name, value in factor.items() if name.endswith("_factor")}
    return factor["type"], factor["delivery_method"], json.dumps(details, sort_keys=True)


def add_factor(factors: list[dict[str, Any]], factor: dict[str, Any]) -> list[dict[str, Any]]:
    """`factors` with `factor` appended, or, when the same factor is already there, that entry
    refreshed in place (keeping when it was first authenticated)."""
    identity = _factor_identity(factor)
    for position, existing in enumerate(factors):
        if _factor_identity(existing) == identity:
            refreshed = {**existing, **factor}
            if "created_at" in existing:
                refreshed["created_at"] = existing["created_at"]
            return [*factors[:position], refreshed, *factors[position + 1 :]]
    return [*factors, factor]


def session_roles(user_roles: list[str]) -> list[str]:
    """The roles a session carries: the default user role, then the user's own."""
    return list(dict.fromkeys([DEFAULT_ROLE, *user_roles]))
