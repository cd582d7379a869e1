"""Use cases for consumer passwords: create, authenticate, strength check, migrate an imported hash, the
three resets (by emailed token, by existing password, by session), and what kind of account an address
has (the pre-built UI's first question)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final, Literal

from keystile import tokens
from keystile.calls import Call
from keystile.credentials.breaches import is_breached
from keystile.credentials.checks import (
    check_guess,
    check_new_password,
    decoy_check,
    hash_new,
    recently_authenticated,
)
from keystile.credentials.hashes import Argon2Parameters, needs_rehash
from keystile.credentials.imported import validate_import
from keystile.credentials.policy import project_rules
from keystile.db import single_use
from keystile.errors import CommittedRefusal, KeystileError
from keystile.factors import links, sandbox
from keystile.factors.common import authentication_factor, end_other_sessions
from keystile.factors.passwords.models import PasswordResetToken, UserPassword
from keystile.factors.passwords.profile import requires_reset
from keystile.factors.passwords.repository import Credentials, PasswordRepository, stored_hash
from keystile.identity import lockout
from keystile.identity import service as users
from keystile.identity.contact import normalize_email
from keystile.identity.models import User, UserEmail
from keystile.identity.repository import UserRepository
from keystile.identity.views import UserView
from keystile.ids import new_id
from keystile.projects import sandbox as sandbox_values
from keystile.projects.service import resolve_redirect_url
from keystile.sessions.service import IssuedSession, authenticate_session, start_or_extend_session
from keystile.sessions.types import SessionRequest

RESET_EXPIRATION_MINUTES: Final = 30
RESET_TOKEN_TYPE: Final = "reset_password"  # noqa: S105

# Stytch's SDK `users/search` answer: no user has the address, its user has a password, or not.
AccountKind = Literal["new", "password", "passwordless"]


@dataclass(frozen=True)
class PasswordSession:
    """A user who just proved (or set) a password, with the session it started or extended."""

    user: UserView
    email_id: str
    issued: IssuedSession


@dataclass(frozen=True)
class Migrated:
    user: UserView
    email_id: str
    user_created: bool


def _factor(delivery_method: str, email: UserEmail | None, now: datetime) -> dict[str, Any]:
    """Stytch's password factor: `knowledge` when the password was typed, `email` after a reset link."""
    if email is None:
        return authentication_factor("password", delivery_method, now)
    details = {"email_id": email.email_id, "email_address": email.email}
    return authentication_factor("password", delivery_method, now, email_factor=details)


async def _view(call: Call, user: User) -> UserView:
    return (await UserRepository(call.db, call.project_id).views([user], call.now))[0]


async def _session(
    call: Call, user_id: str, factor: dict[str, Any], request: SessionRequest
) -> IssuedSession:
    return await start_or_extend_session(
        call.db,
        call.keys,
        project_id=call.project_id,
        user_id=user_id,
        factor=factor,
        duration_minutes=request.duration_minutes,
        existing_token=request.session_token,
        existing_jwt=request.session_jwt,
        custom_claims=request.custom_claims,
        now=call.now,
    )


async def _reset_session(
    call: Call, user: User, email_id: str, factor: dict[str, Any], request: SessionRequest
) -> PasswordSession:
    """After a reset: a session for `user` (the request's, extended, or a new one); every other one ends."""
    issued = await _session(call, user.user_id, factor, request)
    await end_other_sessions(call.db, call.project_id, user.user_id, issued, call.now)
    return PasswordSession(await _view(call, user), email_id, issued)


async def _credentials(call: Call, address: str) -> Credentials:
    found = await PasswordRepository(call.db, call.project_id).credentials(address, call.now)
    if found is None:
        raise KeystileError("email_not_found")
    return found


async def _credentials_with_password(
    call: Call, address: str, password: str, parameters: Argon2Parameters
) -> Credentials:
    """The credentials of an address whose user has a password. An unknown address (Stytch's 404) or a
    user without a password (the wrong password's answer) is refused only after checking `password`
    against a decoy hash, so that neither answers faster than a wrong password."""
    found = await PasswordRepository(call.db, call.project_id).credentials(address, call.now)
    if found is None or found.password is None:
        await decoy_check(password, parameters)
        raise KeystileError("email_not_found" if found is None else "unauthorized_credentials")
    return found


async def _verified_password(
    call: Call, found: Credentials, password: str, parameters: Argon2Parameters
) -> UserPassword:
    """The user's password row if `password` matches it (`check_guess`) and needs no reset."""
    row = found.password
    assert row is not None, "read by _credentials_with_password"
    await check_guess(
        call,
        subject_id=found.user.user_id,
        lock=found.lock,
        stored=stored_hash(row),
        password=password,
        parameters=parameters,
    )
    if requires_reset(row.requires_reset, row.email_verified_when_set, found.email.verified):
        raise CommittedRefusal("reset_password")
    return row


def _sandbox_password(call: Call, request: SessionRequest) -> PasswordSession:
    """Stytch's sandbox answer to a password for sandbox@stytch.com in a test project, whatever the
    password: the sandbox user, and the sandbox session when one is asked for; nothing stored."""
    user = sandbox.sandbox_user(call.project_id)
    factor = _factor("knowledge", None, call.now)
    issued = sandbox.sandbox_session(call.project_id, factor, request.duration_minutes, call.now)
    return PasswordSession(user, sandbox_values.SANDBOX_EMAIL_ID, issued)


async def create(
    call: Call,
    *,
    email: object,
    password: str,
    profile: users.NewUser,
    session_request: SessionRequest,
    parameters: Argon2Parameters,
) -> PasswordSession:
    """A new user with this email and password; the email is unverified until proven."""
    db, project_id, now = call.db, call.project_id, call.now
    address = normalize_email(email)
    if call.test_project and address == sandbox_values.SANDBOX_EMAIL:
        return _sandbox_password(call, session_request)
    check_new_password(password, await project_rules(db, project_id), address)
    if await UserRepository(db, project_id).email_owner(address) is not None:
        raise KeystileError("duplicate_email")
    stored = await hash_new(password, parameters)
    view = await users.create_user(db, project_id, replace(profile, email=address), now=now)
    await PasswordRepository(db, project_id).set(view.user.user_id, stored, email_verified=False, now=now)
    issued = await _session(call, view.user.user_id, _factor("knowledge", None, now), session_request)
    return PasswordSession(await _view(call, view.user), view.emails[0].email_id, issued)


async def authenticate(
    call: Call,
    *,
    email: object,
    password: str,
    session_request: SessionRequest,
    parameters: Argon2Parameters,
) -> PasswordSession:
    """Check the password; an imported or outdated hash is replaced by a fresh argon2id one."""
    address = normalize_email(email)
    if call.test_project and address == sandbox_values.SANDBOX_EMAIL:
        return _sandbox_password(call, session_request)
    found = await _credentials_with_password(call, address, password, parameters)
    user, email_row = found.user, found.email
    row = await _verified_password(call, found, password, parameters)
    if found.rules.breach_detection_on_authenticate and is_breached(password):
        row.requires_reset = True
        raise CommittedRefusal("reset_password", "This password has appeared in a data breach: reset it.")
    if needs_rehash(stored_hash(row), parameters):
        stored = await hash_new(password, parameters)
        PasswordRepository(call.db, call.project_id).store_hash(row, stored, now=call.now)
    issued = await _session(call, user.user_id, _factor("knowledge", None, call.now), session_request)
    return PasswordSession(found.view, email_row.email_id, issued)


async def migrate(
    call: Call,
    *,
    email: object,
    hash_type: object,
    hash_text: object,
    hash_config: dict[str, Any] | None,
    profile: users.NewUser,
    set_email_verified: bool,
    set_phone_number_verified: bool,
) -> Migrated:
    """Give a user (created if the email is new) an imported password hash, verified at login and then
    upgraded to argon2id."""
    db, project_id, now = call.db, call.project_id, call.now
    address = normalize_email(email)
    stored = validate_import(hash_type, hash_text, hash_config)
    repo = PasswordRepository(db, project_id)
    found = await repo.credentials(address, now)
    if found is None:
        view = await users.create_user(db, project_id, replace(profile, email=address), now=now)
        user, email_row = view.user, view.emails[0]
        for phone in view.phones:
            phone.verified = set_phone_number_verified
    elif found.password is not None:
        raise KeystileError("password_already_exists")
    else:
        user, email_row = found.user, found.email
    if set_email_verified:
        email_row.verified = True
    await repo.set(user.user_id, stored, email_verified=email_row.verified, now=now)
    return Migrated(await _view(call, user), email_row.email_id, found is None)


async def account_kind(call: Call, *, email: object) -> AccountKind:
    """What the pre-built UI asks of a typed address before it shows a password form: whether a user has
    it, and whether that user has a password. Nothing else about the user is told."""
    found = await PasswordRepository(call.db, call.project_id).credentials(normalize_email(email), call.now)
    if found is None:
        return "new"
    return "password" if found.password is not None else "passwordless"


async def reset_start(
    call: Call,
    *,
    email: object,
    redirect_url: str | None,
    expiration_minutes: int | None,
    code_challenge: str | None,
) -> tuple[str, str]:
    """Email a single-use reset link (`?stytch_token_type=reset_password&token=…`); the user id and
    email id it went to."""
    db, project_id, now = call.db, call.project_id, call.now
    address = normalize_email(email)
    minutes = links.expiration_minutes(expiration_minutes, RESET_EXPIRATION_MINUTES)
    challenge = tokens.check_challenge(code_challenge)
    url = await resolve_redirect_url(db, project_id, "reset_password", redirect_url)
    found = await _credentials(call, address)
    user, email_row = found.user, found.email

    def stored_as(token_digest: str, expires_at: datetime) -> PasswordResetToken:
        return PasswordResetToken(
            token_id=new_id("password-reset"),
            project_id=project_id,
            token_digest=token_digest,
            user_id=user.user_id,
            email_id=email_row.email_id,
            code_challenge=challenge,
            created_at=now,
            expires_at=expires_at,
        )

    emailed = links.EmailedLink(
        "reset_password", address, url, minutes, token_type=RESET_TOKEN_TYPE, throttle="password_reset_email"
    )
    await links.send(db, project_id=project_id, link_to=emailed, stored_as=stored_as, now=now)
    return user.user_id, email_row.email_id


async def _redeemable_reset_token(call: Call, token: str, code_verifier: str | None) -> PasswordResetToken:
    """The token's row if it can be redeemed; `single_use.redeem` then makes the redemption exclusive."""
    row = await PasswordRepository(call.db, call.project_id).reset_token(token)
    if row is None or not tokens.usable(row, call.now):
        raise KeystileError("unable_to_auth_password_reset_token")
    tokens.check_pkce(row, code_verifier, issued_as="a reset started")
    return row


async def reset_by_email(
    call: Call,
    *,
    token: str,
    password: str,
    code_verifier: str | None,
    session_request: SessionRequest,
    parameters: Argon2Parameters,
) -> PasswordSession:
    """Redeem a reset token: the new password is set, the email verified, any lock lifted, and every
    other session of the user revoked."""
    db, project_id, now = call.db, call.project_id, call.now
    row = await _redeemable_reset_token(call, token, code_verifier)
    repo = UserRepository(db, project_id)
    user = await repo.get_for_update(row.user_id)
    email = await repo.get_email(row.email_id)
    if user is None or email is None:
        raise KeystileError("unable_to_auth_password_reset_token", "The user or email of this token is gone.")
    check_new_password(password, await project_rules(db, project_id), email.email)
    stored = await hash_new(password, parameters)
    if not await single_use.redeem(db, row, now):
        raise KeystileError("unable_to_auth_password_reset_token")
    email.verified = True
    user.status = "active"
    passwords = PasswordRepository(db, project_id)
    await passwords.set(user.user_id, stored, email_verified=True, now=now)
    await lockout.unlock(db, project_id, user.user_id)
    return await _reset_session(call, user, email.email_id, _factor("email", email, now), session_request)


async def reset_existing(
    call: Call,
    *,
    email: object,
    existing_password: str,
    new_password: str,
    session_request: SessionRequest,
    parameters: Argon2Parameters,
) -> PasswordSession:
    """Replace a password by proving the current one (a password that must be reset cannot be)."""
    address = normalize_email(email)
    found = await _credentials_with_password(call, address, existing_password, parameters)
    user, email_row = found.user, found.email
    check_new_password(new_password, found.rules, address)
    await _verified_password(call, found, existing_password, parameters)
    passwords = PasswordRepository(call.db, call.project_id)
    stored = await hash_new(new_password, parameters)
    await passwords.set(user.user_id, stored, email_verified=email_row.verified, now=call.now)
    factor = _factor("knowledge", None, call.now)
    return await _reset_session(call, user, email_row.email_id, factor, session_request)


async def reset_by_session(
    call: Call, *, password: str, session_request: SessionRequest, parameters: Argon2Parameters
) -> PasswordSession:
    """Set a new password for the user of an active session that authenticated in the last five minutes;
    the user's other sessions are revoked."""
    db, project_id, now = call.db, call.project_id, call.now
    current = await authenticate_session(
        db,
        call.keys,
        project_id=project_id,
        session_token=session_request.session_token,
        session_jwt=session_request.session_jwt,
        duration_minutes=session_request.duration_minutes,
        custom_claims=session_request.custom_claims,
        now=now,
    )
    if not recently_authenticated(current.session.authentication_factors, now):
        raise KeystileError("session_too_old_to_reset_password")
    email = current.user.emails[0] if current.user.emails else None
    check_new_password(password, await project_rules(db, project_id), email.email if email else None)
    passwords = PasswordRepository(db, project_id)
    user_id = current.user.user.user_id
    await passwords.set(
        user_id,
        await hash_new(password, parameters),
        email_verified=email is not None and email.verified,
        now=now,
    )
    issued = IssuedSession(current.session, current.session_token, current.session_jwt, current.roles)
    await end_other_sessions(db, project_id, user_id, issued, now)
    return PasswordSession(await _view(call, current.user.user), email.email_id if email else "", issued)
