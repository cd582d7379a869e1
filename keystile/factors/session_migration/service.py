"""`sessions.migrate`: the existing user whose email the project's former provider names for a token
gets a keystile session (the `imported` factor)."""

from __future__ import annotations

from typing import Any

from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors.common import Authenticated, authentication_factor, session_for_email
from keystile.factors.session_migration.configuration import userinfo_config
from keystile.factors.session_migration.userinfo import email_of
from keystile.sessions.types import SessionRequest


def imported_factor(call: Call) -> dict[str, Any]:
    """The AuthenticationFactor of a migrated session. The SDKs know one delivery method for an
    `imported` factor, `imported_auth0`, whichever provider the session came from."""
    return authentication_factor("imported", "imported_auth0", call.now)


async def migrated_email(call: Call, token: str) -> str:
    """The email address the project's former provider names for `token`."""
    config = await userinfo_config(call.db, call.project_id)
    if config is None:
        raise KeystileError("session_migration_not_configured")
    return await email_of(config.userinfo_url, token)


async def migrate(call: Call, *, session_token: str, session_request: SessionRequest) -> Authenticated:
    """A session (when a duration is given) for the existing user the former provider's token names."""
    email = await migrated_email(call, session_token)
    return await session_for_email(call, email, imported_factor(call), session_request)
