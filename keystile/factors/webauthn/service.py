"""Use cases for WebAuthn: start and finish a registration, start and finish an authentication (a
second factor for a named user, or a passkey login naming none), list credentials, rename."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from keystile.calls import Call
from keystile.db import single_use
from keystile.errors import CommittedRefusal, ErrorType, KeystileError
from keystile.factors.common import authentication_factor, session_for
from keystile.factors.webauthn import ceremonies
from keystile.factors.webauthn.ceremonies import RelyingParty
from keystile.factors.webauthn.models import (
    AUTHENTICATION,
    REGISTRATION,
    WebAuthnChallenge,
    WebAuthnRegistration,
)
from keystile.factors.webauthn.profile import RegistrationSummary, summary
from keystile.factors.webauthn.repository import WebAuthnRepository
from keystile.identity.lockout import refuse_if_locked
from keystile.identity.models import User
from keystile.identity.repository import UserRepository
from keystile.identity.service import existing_user
from keystile.identity.views import UserView
from keystile.ids import new_id
from keystile.projects.service import get_project, webauthn_origins
from keystile.sessions.service import IssuedSession
from keystile.sessions.types import SessionRequest

CHALLENGE_LIFETIME = timedelta(milliseconds=ceremonies.TIMEOUT_MS)
MAX_USER_AGENT = 512


@dataclass(frozen=True)
class Started:
    user_id: str
    options: str


@dataclass(frozen=True)
class WebAuthnAuthenticated:
    user: UserView
    webauthn_registration_id: str
    issued: IssuedSession


@dataclass(frozen=True)
class Credential:
    credential_id: str
    webauthn_registration_id: str
    public_key: str


async def _relying_party(call: Call, domain: str) -> RelyingParty:
    origins = await webauthn_origins(call.db, call.project_id, domain, test_project=call.test_project)
    return RelyingParty(domain.strip().lower(), origins)


def _new_challenge(call: Call, challenge: bytes, ceremony: str, **fields: str | None) -> WebAuthnChallenge:
    return WebAuthnChallenge(
        challenge_id=new_id("webauthn-challenge"),
        project_id=call.project_id,
        challenge_digest=ceremonies.challenge_digest(challenge),
        ceremony=ceremony,
        created_at=call.now,
        expires_at=call.now + CHALLENGE_LIFETIME,
        **fields,
    )


def _new_user(
    user: User, view: UserView, *, handle: str | None, name: str | None, display: str | None
) -> ceremonies.NewUser:
    """Who the authenticator shows the credential is for: the user's email, phone number or id,
    unless the caller overrides the user handle or names."""
    contact = (
        view.emails[0].email if view.emails else view.phones[0].phone_number if view.phones else user.user_id
    )
    full_name = " ".join(part for part in (user.first_name, user.last_name) if part)
    return ceremonies.NewUser(
        handle=(handle or user.user_id).encode(),
        name=name or contact,
        display_name=display or full_name or contact,
    )


async def register_start(
    call: Call,
    *,
    user_id: str,
    domain: str,
    user_agent: str | None,
    authenticator_type: str | None,
    passkey: bool,
    override_id: str | None,
    override_name: str | None,
    override_display_name: str | None,
    base64url: bool,
) -> Started:
    """Creation options for a new credential of the user on `domain`, excluding those it has there;
    their challenge is stored (as a digest) for `register`."""
    kind = ceremonies.check_authenticator_type(authenticator_type)
    user = await existing_user(call.db, call.project_id, user_id)
    rp = await _relying_party(call, domain)
    view = (await UserRepository(call.db, call.project_id).views([user], call.now))[0]
    existing = await WebAuthnRepository(call.db, call.project_id).of_user(user.user_id, rp.rp_id)
    options = ceremonies.creation_options(
        rp,
        (await get_project(call.db, call.project_id)).name,
        _new_user(user, view, handle=override_id, name=override_name, display=override_display_name),
        authenticator_type=kind,
        passkey=passkey,
        existing=[registration.credential_id for registration in existing],
        base64url=base64url,
    )
    call.db.add(
        _new_challenge(
            call,
            options.challenge,
            REGISTRATION,
            user_id=user.user_id,
            domain=rp.rp_id,
            user_agent=(user_agent or "")[:MAX_USER_AGENT],
            authenticator_type=kind,
        )
    )
    return Started(user.user_id, options.json)


async def _redeemed(call: Call, challenge: bytes, ceremony: str, refusal: ErrorType) -> WebAuthnChallenge:
    """The pending challenge of `ceremony`, consumed now (one conditional UPDATE: of two uses, one
    wins); `refusal` when it is unknown, used or expired."""
    row = await WebAuthnRepository(call.db, call.project_id).challenge(
        ceremonies.challenge_digest(challenge), ceremony
    )
    if row is None or not await single_use.redeem(call.db, row, call.now):
        raise KeystileError(refusal)
    return row


def _factor(registration: WebAuthnRegistration, call: Call) -> dict[str, object]:
    # The SDK's AuthenticationFactor names the type `webauthn`, the delivery `webauthn_registration`.
    return authentication_factor(
        "webauthn",
        "webauthn_registration",
        call.now,
        webauthn_factor={
            "webauthn_registration_id": registration.webauthn_registration_id,
            "domain": registration.domain,
            "user_agent": registration.user_agent,
        },
    )


async def register(
    call: Call, *, user_id: str, public_key_credential: str, session_request: SessionRequest
) -> WebAuthnAuthenticated:
    """Verify the `navigator.credentials.create()` response against the user's pending registration
    challenge (consumed whatever the outcome), on an origin still allowed for its domain, and store
    the credential."""
    credential, challenge = ceremonies.registration_credential(public_key_credential)
    user = await existing_user(call.db, call.project_id, user_id)
    pending = await _redeemed(call, challenge, REGISTRATION, "unable_to_register_webauthn_registration")
    if pending.user_id != user.user_id:
        raise CommittedRefusal("unable_to_register_webauthn_registration")
    try:
        rp = await _relying_party(call, pending.domain)
        verified = ceremonies.verify_registration(
            credential, challenge, rp, "unable_to_register_webauthn_registration"
        )
    except KeystileError as refused:
        raise CommittedRefusal(refused.error_type) from refused
    repository = WebAuthnRepository(call.db, call.project_id)
    digest = ceremonies.credential_digest(verified.credential_id)
    if await repository.by_credential(digest) is not None:
        raise CommittedRefusal("duplicate_webauthn_registration")
    registration = WebAuthnRegistration(
        webauthn_registration_id=new_id("webauthn-registration"),
        project_id=call.project_id,
        user_id=user.user_id,
        domain=pending.domain,
        user_agent=pending.user_agent,
        authenticator_type=pending.authenticator_type,
        name="",
        credential_id=ceremonies.encode(verified.credential_id),
        credential_digest=digest,
        public_key=ceremonies.encode(verified.public_key),
        sign_count=verified.sign_count,
        verified=True,
        created_at=call.now,
    )
    call.db.add(registration)
    await call.db.flush()
    view, issued = await session_for(call, user, _factor(registration, call), session_request)
    return WebAuthnAuthenticated(view, registration.webauthn_registration_id, issued)


async def authenticate_start(
    call: Call, *, domain: str, user_id: str | None, passkey: bool, base64url: bool
) -> Started:
    """Request options on `domain`: for a named user, its credentials there (a second factor); for
    none, any discoverable credential (a passkey login)."""
    rp = await _relying_party(call, domain)
    allowed: list[str] = []
    owner: str | None = None
    if user_id:
        owner = (await existing_user(call.db, call.project_id, user_id)).user_id
        registrations = await WebAuthnRepository(call.db, call.project_id).of_user(owner, rp.rp_id)
        if not registrations:
            raise KeystileError("no_active_webauthn_registrations")
        allowed = [registration.credential_id for registration in registrations]
    options = ceremonies.request_options(rp, allowed=allowed, passkey=passkey, base64url=base64url)
    call.db.add(
        _new_challenge(
            call,
            options.challenge,
            AUTHENTICATION,
            user_id=owner,
            domain=rp.rp_id,
            user_agent="",
            authenticator_type="",
        )
    )
    return Started(owner or "", options.json)


async def authenticate(
    call: Call, *, public_key_credential: str, session_request: SessionRequest
) -> WebAuthnAuthenticated:
    """Verify the `navigator.credentials.get()` response: its challenge is pending (and consumed
    whatever the outcome), its credential registered on the challenge's domain (to the named user,
    if one was named), the signature valid and the counter raised; then start or extend a session."""
    credential, challenge = ceremonies.authentication_credential(public_key_credential)
    pending = await _redeemed(call, challenge, AUTHENTICATION, "unable_to_auth_webauthn_registration")
    repository = WebAuthnRepository(call.db, call.project_id)
    registration = await repository.by_credential(ceremonies.credential_digest(credential.raw_id))
    if registration is None:
        raise CommittedRefusal("webauthn_registration_not_found")
    if registration.domain != pending.domain or pending.user_id not in (None, registration.user_id):
        raise CommittedRefusal("unable_to_auth_webauthn_registration")
    try:
        rp = await _relying_party(call, pending.domain)
        seen = ceremonies.verify_assertion(
            credential, challenge, rp, public_key=registration.public_key, sign_count=registration.sign_count
        )
        await refuse_if_locked(call.db, call.project_id, registration.user_id, call.now)
    except KeystileError as refused:
        raise CommittedRefusal(refused.error_type) from refused
    if not await repository.advance_sign_count(registration, seen):
        raise CommittedRefusal("unable_to_auth_webauthn_registration")
    user = await existing_user(call.db, call.project_id, registration.user_id)
    view, issued = await session_for(call, user, _factor(registration, call), session_request)
    return WebAuthnAuthenticated(view, registration.webauthn_registration_id, issued)


async def list_credentials(call: Call, *, user_id: str, domain: str) -> list[Credential]:
    """The user's credentials on the relying-party id `domain`: ids and COSE public keys."""
    user = await existing_user(call.db, call.project_id, user_id)
    registrations = await WebAuthnRepository(call.db, call.project_id).of_user(
        user.user_id, domain.strip().lower()
    )
    return [
        Credential(registration.credential_id, registration.webauthn_registration_id, registration.public_key)
        for registration in registrations
    ]


async def update(call: Call, *, webauthn_registration_id: str, name: str) -> RegistrationSummary:
    """Rename a registration."""
    if not name.strip():
        raise KeystileError("empty_webauthn_registration_name")
    repository = WebAuthnRepository(call.db, call.project_id)
    registration = await repository.by_id(webauthn_registration_id)
    if registration is None:
        raise KeystileError("webauthn_registration_not_found")
    await repository.rename(registration, name)
    return summary(registration)
