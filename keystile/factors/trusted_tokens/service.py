"""Attesting a trusted auth token: verify it against its profile and use up its token id (each token
is exchanged once), then start or extend the session of the user its email names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors.common import Authenticated, authentication_factor, session_for_email
from keystile.factors.trusted_tokens.repository import TrustedTokenRepository
from keystile.factors.trusted_tokens.verification import VerifiedToken, verify
from keystile.identity.contact import normalize_email
from keystile.sessions.types import SessionRequest
from keystile.tokens import digest


@dataclass(frozen=True)
class Attested:
    """A token that has been verified and used up, with the authentication factor it proves."""

    token: VerifiedToken
    email: str
    factor: dict[str, Any]


async def attested(call: Call, *, profile_id: str, token: str) -> Attested:
    """The token verified by the project's profile `profile_id` and recorded as used."""
    repository = TrustedTokenRepository(call.db, call.project_id)
    profile = await repository.profile(profile_id)
    if profile is None:
        raise KeystileError("trusted_auth_token_profile_not_found")
    verified = await verify(profile, token, call.now)
    email = normalize_email(verified.email)
    if not await repository.record_use(profile_id, digest(verified.token_id), verified.expires_at):
        raise KeystileError("invalid_trusted_auth_token", "The trusted auth token has already been used.")
    factor = authentication_factor(
        "trusted_auth_token",
        "trusted_token_exchange",
        call.now,
        trusted_auth_token_factor={"token_id": verified.token_id},
    )
    return Attested(verified, email, factor)


async def attest(
    call: Call, *, profile_id: str, token: str, session_request: SessionRequest
) -> Authenticated:
    """Exchange a trusted auth token for a session of the existing user its email names (or add it as
    a factor to the session named in `session_request`)."""
    proof = await attested(call, profile_id=profile_id, token=token)
    return await session_for_email(call, proof.email, proof.factor, session_request)
