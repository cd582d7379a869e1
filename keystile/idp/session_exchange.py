"""`sessions.exchange_access_token` (consumer and B2B): a first-party Connected App's access token with
the `full_access` scope, at most five minutes old, exchanged once for a session of its user or member."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Final

from keystile.b2b import members
from keystile.b2b.sessions import AuthenticatedMember, start_or_extend
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors.common import authentication_factor, session_for
from keystile.identity.repository import UserRepository
from keystile.identity.views import UserView
from keystile.idp.clients import FULL_ACCESS
from keystile.idp.repository import ProviderRepository
from keystile.idp.resources import ACCESS_TOKEN, PresentedToken, presented_token
from keystile.sessions.service import IssuedSession
from keystile.sessions.types import SessionRequest

# Stytch's window: an access token older than this no longer exchanges.
EXCHANGE_WINDOW: Final = timedelta(minutes=5)


async def _exchanged(call: Call, access_token: str) -> PresentedToken:
    """The live access token, recorded as exchanged (refused when it was already)."""
    token = await presented_token(call, access_token)
    if token is None or token.token_type != ACCESS_TOKEN or token.is_revoked():
        raise KeystileError("invalid_access_token")
    if FULL_ACCESS not in token.scope.split():
        raise KeystileError("access_token_missing_full_access")
    if call.now.timestamp() - token.issued_at > EXCHANGE_WINDOW.total_seconds():
        raise KeystileError("invalid_access_token", "The access token is more than 5 minutes old.")
    expires_at = datetime.fromtimestamp(token.expires_at, UTC)
    recorded = await ProviderRepository(call.db, call.project_id).record_exchange(
        str(token.claims["jti"]), expires_at
    )
    if not recorded:
        raise KeystileError("invalid_access_token", "The access token was exchanged already.")
    return token


def _factor(call: Call) -> dict[str, Any]:
    return authentication_factor("oauth", "oauth_access_token_exchange", call.now)


async def user_session(
    call: Call, *, access_token: str, session_request: SessionRequest
) -> tuple[UserView, IssuedSession]:
    """The token's user, with the session the request asks for (none without a duration)."""
    token = await _exchanged(call, access_token)
    user = await UserRepository(call.db, call.project_id).get(token.family.subject_id)
    if token.family.organization_id is not None or user is None:
        raise KeystileError("invalid_access_token", "The access token's user no longer exists.")
    return await session_for(call, user, _factor(call), session_request)


async def member_session(call: Call, *, access_token: str, request: SessionRequest) -> AuthenticatedMember:
    """A member session (60 minutes unless asked otherwise) for the token's member."""
    token = await _exchanged(call, access_token)
    organization_id = token.family.organization_id
    if organization_id is None:
        raise KeystileError("invalid_access_token", "The access token is not a member's.")
    member = await members.get_member(call, organization_id, member_ref=token.family.subject_id, email=None)
    issued = await start_or_extend(call, member=member, factors=[_factor(call)], request=request)
    return AuthenticatedMember(issued, member, member.roles)
