"""Use cases for mobile biometrics: a signed-in user's device registers its public key by signing a
challenge, and later signs in (or adds the factor to a session) by signing another. Each challenge is
single use, short-lived, and consumed whatever the signature's outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from keystile.calls import Call
from keystile.db import single_use
from keystile.errors import CommittedRefusal, ErrorType, KeystileError
from keystile.factors.biometrics import signatures
from keystile.factors.biometrics.models import (
    AUTHENTICATION,
    REGISTRATION,
    BiometricChallenge,
    BiometricRegistration,
)
from keystile.factors.biometrics.repository import BiometricRepository
from keystile.factors.common import authentication_factor, caller_session, session_for
from keystile.identity.lockout import refuse_if_locked
from keystile.identity.service import existing_user
from keystile.identity.views import UserView
from keystile.ids import new_id
from keystile.sessions.service import IssuedSession
from keystile.sessions.types import SessionRequest

CHALLENGE_LIFETIME: Final = timedelta(minutes=5)


@dataclass(frozen=True)
class Started:
    biometric_registration_id: str
    challenge: str


@dataclass(frozen=True)
class BiometricAuthenticated:
    user: UserView
    biometric_registration_id: str
    issued: IssuedSession


def _challenge(call: Call, ceremony: str, registration_id: str, user_id: str, public_key: str) -> Started:
    started = Started(registration_id, signatures.new_challenge())
    call.db.add(
        BiometricChallenge(
            challenge_id=new_id("biometric-challenge"),
            project_id=call.project_id,
            ceremony=ceremony,
            biometric_registration_id=registration_id,
            user_id=user_id,
            public_key=public_key,
            challenge=started.challenge,
            created_at=call.now,
            expires_at=call.now + CHALLENGE_LIFETIME,
        )
    )
    return started


async def _session_user_id(call: Call, session_token: str) -> str:
    """The user of the caller's active session (`session_not_found` otherwise)."""
    found = await caller_session(call, session_token, None)
    return found.user.user.user_id


async def _redeemed(
    call: Call, pending: BiometricChallenge | None, signature: bytes, refusal: ErrorType
) -> BiometricChallenge:
    """`pending`, consumed now (one conditional UPDATE: of two uses, one wins) and signed by its key;
    `refusal` when it is missing, used or expired, or the signature does not verify (the challenge
    stays used)."""
    if pending is None or not await single_use.redeem(call.db, pending, call.now):
        raise KeystileError(refusal)
    if not signatures.verifies(pending.public_key, pending.challenge, signature):
        raise CommittedRefusal(refusal)
    return pending


def _factor(registration_id: str, call: Call) -> dict[str, Any]:
    # The SDK's AuthenticationFactor: type `signature_challenge`, delivery `biometric`.
    return authentication_factor(
        "signature_challenge",
        "biometric",
        call.now,
        biometric_factor={"biometric_registration_id": registration_id},
    )


async def register_start(call: Call, *, session_token: str, public_key: str) -> Started:
    """A challenge for the device key `public_key` of the user of the caller's session, reserving the
    registration's id; a key registered already is refused."""
    key = signatures.canonical_public_key(public_key)
    user_id = await _session_user_id(call, session_token)
    if await BiometricRepository(call.db, call.project_id).by_public_key(key) is not None:
        raise KeystileError("duplicate_biometric_registration")
    return _challenge(call, REGISTRATION, new_id("biometric-registration"), user_id, key)


async def register(
    call: Call, *, biometric_registration_id: str, signature: str, session_request: SessionRequest
) -> BiometricAuthenticated:
    """Store the registration once its key signed the challenge `register_start` gave, for the user of
    the caller's session (named in `session_request`), whose session gets the biometric factor."""
    signed = signatures.decoded_signature(signature)
    if not session_request.session_token:
        raise KeystileError("session_not_found")
    user_id = await _session_user_id(call, session_request.session_token)
    repository = BiometricRepository(call.db, call.project_id)
    pending = await repository.latest_challenge(biometric_registration_id, REGISTRATION)
    if pending is None or pending.user_id != user_id:
        raise KeystileError("biometric_registration_not_found")
    await _redeemed(call, pending, signed, "unable_to_register_biometric_registration")
    if await repository.by_public_key(pending.public_key) is not None:
        raise CommittedRefusal("duplicate_biometric_registration")
    call.db.add(
        BiometricRegistration(
            biometric_registration_id=biometric_registration_id,
            project_id=call.project_id,
            user_id=user_id,
            public_key=pending.public_key,
            verified=True,
            created_at=call.now,
        )
    )
    await call.db.flush()
    user = await existing_user(call.db, call.project_id, user_id)
    view, issued = await session_for(call, user, _factor(biometric_registration_id, call), session_request)
    return BiometricAuthenticated(view, biometric_registration_id, issued)


async def authenticate_start(call: Call, *, public_key: str) -> Started:
    """A challenge for the registration of the device key `public_key`; earlier unsigned ones are
    retired."""
    key = signatures.canonical_public_key(public_key)
    repository = BiometricRepository(call.db, call.project_id)
    registration = await repository.by_public_key(key)
    if registration is None:
        raise KeystileError("biometric_registration_not_found")
    await repository.retire_challenges(registration.biometric_registration_id, call.now)
    return _challenge(call, AUTHENTICATION, registration.biometric_registration_id, registration.user_id, key)


async def authenticate(
    call: Call, *, biometric_registration_id: str, signature: str, session_request: SessionRequest
) -> BiometricAuthenticated:
    """Check the registration's signature of its pending challenge, then start a session or add the
    biometric factor to the caller's (as `session_request` asks)."""
    signed = signatures.decoded_signature(signature)
    repository = BiometricRepository(call.db, call.project_id)
    registration = await repository.by_id(biometric_registration_id)
    if registration is None:
        raise KeystileError("biometric_registration_not_found")
    pending = await repository.latest_challenge(biometric_registration_id, AUTHENTICATION)
    await _redeemed(call, pending, signed, "unable_to_auth_biometric_registration")
    try:
        await refuse_if_locked(call.db, call.project_id, registration.user_id, call.now)
    except KeystileError as refused:
        raise CommittedRefusal(refused.error_type) from refused
    user = await existing_user(call.db, call.project_id, registration.user_id)
    view, issued = await session_for(call, user, _factor(biometric_registration_id, call), session_request)
    return BiometricAuthenticated(view, biometric_registration_id, issued)
