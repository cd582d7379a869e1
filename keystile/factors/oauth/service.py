"""`oauth.authenticate` (the app redeems the token of the redirect once, PKCE checked, into a session,
with the provider's tokens) and `oauth.attach` (a token that makes the next flow at a provider join an
existing user)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from keystile import tokens
from keystile.calls import Call
from keystile.db import single_use
from keystile.errors import KeystileError
from keystile.factors.common import authentication_factor, caller_session, end_other_sessions
from keystile.factors.oauth.client import ProviderTokens
from keystile.factors.oauth.flow import stored_tokens
from keystile.factors.oauth.models import OAuthAttachToken, OAuthRegistration
from keystile.factors.oauth.providers import provider
from keystile.factors.oauth.repository import OAuthRepository
from keystile.identity.repository import UserRepository
from keystile.identity.service import existing_user
from keystile.identity.views import UserView
from keystile.ids import new_id
from keystile.sessions.service import IssuedSession, start_or_extend_session
from keystile.sessions.types import SessionRequest

ATTACH_TOKEN_LIFETIME: Final = timedelta(minutes=10)
# The SDK's AuthenticationFactor names some providers' `*_oauth_factor` apart from Stytch's provider name.
FACTOR_NAMES: Final = {"gitlab": "git_lab", "linkedin": "linked_in", "tiktok": "tik_tok"}


@dataclass(frozen=True)
class OAuthAuthenticated:
    user: UserView
    registration: OAuthRegistration
    provider_tokens: ProviderTokens
    issued: IssuedSession
    user_created: bool
    reset_sessions: bool


def oauth_factor(registration: OAuthRegistration, now: datetime) -> dict[str, Any]:
    """The session's record of a sign-in with this registration (`oauth`, `oauth_<provider>`)."""
    name = registration.provider
    details = {"id": registration.registration_id, "provider_subject": registration.provider_subject}
    if registration.email_id is not None:
        details["email_id"] = registration.email_id
    return authentication_factor(
        "oauth", f"oauth_{name}", now, **{f"{FACTOR_NAMES.get(name, name)}_oauth_factor": details}
    )


async def authenticate(
    call: Call, *, token: str, code_verifier: str | None, session_request: SessionRequest
) -> OAuthAuthenticated:
    """Redeem the token of an OAuth redirect: start or extend a session with the OAuth factor. When the
    provider proved the user's email for the first time, every other session of the user ends."""
    repo = OAuthRepository(call.db, call.project_id)
    row = await repo.token(token)
    if row is None or not tokens.usable(row, call.now):
        raise KeystileError("oauth_token_not_found")
    tokens.check_pkce(row, code_verifier, issued_as="an OAuth flow started")
    if not await single_use.redeem(call.db, row, call.now):
        raise KeystileError("oauth_token_not_found")
    registration = await repo.registration_by_id(row.registration_id)
    users = UserRepository(call.db, call.project_id)
    user = await users.get(row.user_id)
    if registration is None or user is None:
        raise KeystileError("oauth_token_not_found", "The user of this OAuth token no longer exists.")
    issued = await start_or_extend_session(
        call.db,
        call.keys,
        project_id=call.project_id,
        user_id=user.user_id,
        factor=oauth_factor(registration, call.now),
        duration_minutes=session_request.duration_minutes,
        existing_token=session_request.session_token,
        existing_jwt=session_request.session_jwt,
        custom_claims=session_request.custom_claims,
        now=call.now,
    )
    if row.email_first_proof:
        await end_other_sessions(call.db, call.project_id, user.user_id, issued, call.now)
    return OAuthAuthenticated(
        user=(await users.views([user], call.now))[0],
        registration=registration,
        provider_tokens=stored_tokens(row.provider_tokens_encrypted, call),
        issued=issued,
        user_created=row.user_created,
        reset_sessions=row.email_first_proof,
    )


async def _attach_target(
    call: Call, user_id: str | None, session_token: str | None, session_jwt: str | None
) -> str:
    given = [value for value in (user_id, session_token, session_jwt) if value]
    if len(given) != 1:
        raise KeystileError(
            "bad_request", "Exactly one of user_id, session_token or session_jwt must be given."
        )
    if user_id:
        return (await existing_user(call.db, call.project_id, user_id)).user_id
    found = await caller_session(call, session_token, session_jwt)
    return found.user.user.user_id


async def attach(
    call: Call,
    *,
    provider_name: str,
    user_id: str | None,
    session_token: str | None,
    session_jwt: str | None,
) -> str:
    """An `oauth_attach_token`: the next flow at the provider started with it signs in (and links the
    provider's account to) the user named by id or by one of its sessions."""
    spec = provider(provider_name)
    target = await _attach_target(call, user_id, session_token, session_jwt)
    token = tokens.new_token()
    call.db.add(
        OAuthAttachToken(
            token_id=new_id("oauth-attach"),
            project_id=call.project_id,
            token_digest=tokens.digest(token),
            code_challenge=None,
            user_id=target,
            provider=spec.name,
            created_at=call.now,
            expires_at=call.now + ATTACH_TOKEN_LIFETIME,
        )
    )
    return token
