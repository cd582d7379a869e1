"""Use cases for email magic links: send (login/signup), login_or_create, invite, revoke an invite,
create an embeddable token, and authenticate a token into a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from keystile import tokens
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors import links, sandbox
from keystile.factors.common import Authenticated, authentication_factor, end_other_sessions
from keystile.factors.links import LinkOptions
from keystile.factors.magic_links.models import MagicLinkToken
from keystile.factors.magic_links.repository import MagicLinkRepository
from keystile.identity import service as users
from keystile.identity.contact import normalize_email
from keystile.identity.models import User, UserEmail
from keystile.identity.repository import UserRepository
from keystile.ids import new_id
from keystile.projects import sandbox as sandbox_values
from keystile.projects.service import resolve_redirect_url
from keystile.sessions.service import start_or_extend_session
from keystile.sessions.types import SessionRequest

EMBEDDED_EXPIRATION_MINUTES = 60


@dataclass(frozen=True)
class SentLink:
    user_id: str
    email_id: str
    user_created: bool


async def _issue_link(
    call: Call,
    *,
    email: UserEmail,
    kind: str,
    redirect_url: str,
    lifetime_minutes: int,
    code_challenge: str | None,
) -> None:
    """Throttle, store the token's digest, and queue the email, all in the caller's transaction."""

    def stored_as(token_digest: str, expires_at: datetime) -> MagicLinkToken:
        return MagicLinkToken(
            token_id=new_id("magic-link"),
            project_id=call.project_id,
            token_digest=token_digest,
            user_id=email.user_id,
            email_id=email.email_id,
            email=email.email,
            kind=kind,
            code_challenge=code_challenge,
            created_at=call.now,
            expires_at=expires_at,
        )

    emailed = links.EmailedLink(kind, email.email, redirect_url, lifetime_minutes)
    await links.send(call.db, project_id=call.project_id, link_to=emailed, stored_as=stored_as, now=call.now)


async def _user_by_email(call: Call, email: str) -> tuple[User, UserEmail] | None:
    repo = UserRepository(call.db, call.project_id)
    owner = await repo.email_owner(email)
    if owner is None:
        return None
    user = await repo.get(owner.user_id)
    return (user, owner) if user is not None else None


async def _ensure_user(call: Call, email: str, new_user: users.NewUser) -> tuple[User, UserEmail, bool]:
    found = await _user_by_email(call, email)
    if found is not None:
        return found[0], found[1], False
    view = await users.create_user(call.db, call.project_id, new_user, now=call.now)
    return view.user, view.emails[0], True


@dataclass(frozen=True)
class _LoginOrSignup:
    """A checked request for a login-or-signup link: where each kind points and how long it lives."""

    challenge: str | None
    login_url: str
    signup_url: str
    login_minutes: int
    signup_minutes: int

    async def issue(self, call: Call, email: UserEmail, *, signup: bool) -> None:
        await _issue_link(
            call,
            email=email,
            kind="signup" if signup else "login",
            redirect_url=self.signup_url if signup else self.login_url,
            lifetime_minutes=self.signup_minutes if signup else self.login_minutes,
            code_challenge=self.challenge,
        )


async def _login_or_signup(call: Call, options: LinkOptions) -> _LoginOrSignup:
    return _LoginOrSignup(
        challenge=tokens.check_challenge(options.code_challenge),
        login_minutes=links.expiration_minutes(
            options.login_expiration_minutes, links.LOGIN_EXPIRATION_MINUTES
        ),
        signup_minutes=links.expiration_minutes(
            options.signup_expiration_minutes, links.SIGNUP_EXPIRATION_MINUTES
        ),
        login_url=await resolve_redirect_url(call.db, call.project_id, "login", options.login_url),
        signup_url=await resolve_redirect_url(call.db, call.project_id, "signup", options.signup_url),
    )


def _sandbox_link(*redirect_urls: str | None) -> SentLink:
    """The canned answer to a send to the sandbox address in a test project, whatever well-formed
    redirect URLs it names: nothing is sent or stored."""
    sandbox_values.check_redirect_urls(*redirect_urls)
    return SentLink(sandbox_values.SANDBOX_USER_ID, sandbox_values.SANDBOX_EMAIL_ID, False)


async def login_or_create(
    call: Call, *, email: object, create_user_as_pending: bool, options: LinkOptions
) -> SentLink:
    """Send a login link to an existing user, or create the user and send a signup link.

    Both paths validate the same inputs and do the same work in one transaction, so the answer
    does not depend on whether the address was known beyond the documented `user_created` flag.
    """
    address = normalize_email(email)
    if call.test_project and address == sandbox_values.SANDBOX_EMAIL:
        return _sandbox_link(options.login_url, options.signup_url)
    plan = await _login_or_signup(call, options)
    new_user = users.NewUser(email=address, create_user_as_pending=create_user_as_pending)
    user, email_row, created = await _ensure_user(call, address, new_user)
    await plan.issue(call, email_row, signup=created or user.status == "pending")
    return SentLink(user.user_id, email_row.email_id, created)


async def send(call: Call, *, email: object, options: LinkOptions) -> SentLink:
    """Send a login (or, for a pending user, signup) link to an existing user's address."""
    address = normalize_email(email)
    if call.test_project and address == sandbox_values.SANDBOX_EMAIL:
        return _sandbox_link(options.login_url, options.signup_url)
    plan = await _login_or_signup(call, options)
    found = await _user_by_email(call, address)
    if found is None:
        raise KeystileError("email_not_found")
    user, email_row = found
    await plan.issue(call, email_row, signup=user.status == "pending")
    return SentLink(user.user_id, email_row.email_id, False)


async def invite(call: Call, *, email: object, new_user: users.NewUser, options: LinkOptions) -> SentLink:
    """Create a pending user (or reuse a pending one) and send an invite link."""
    address = normalize_email(email)
    minutes = links.expiration_minutes(options.invite_expiration_minutes, links.INVITE_EXPIRATION_MINUTES)
    if call.test_project and address == sandbox_values.SANDBOX_EMAIL:
        return _sandbox_link(options.invite_url)
    invite_url = await resolve_redirect_url(call.db, call.project_id, "invite", options.invite_url)
    pending_user = users.NewUser(
        email=address,
        name=new_user.name,
        create_user_as_pending=True,
        trusted_metadata=new_user.trusted_metadata,
        untrusted_metadata=new_user.untrusted_metadata,
        roles=new_user.roles,
    )
    user, email_row, created = await _ensure_user(call, address, pending_user)
    if user.status != "pending":
        raise KeystileError("duplicate_email", "This email already belongs to an active user.")
    await _issue_link(
        call,
        email=email_row,
        kind="invite",
        redirect_url=invite_url,
        lifetime_minutes=minutes,
        code_challenge=None,
    )
    return SentLink(user.user_id, email_row.email_id, created)


async def revoke_invite(call: Call, *, email: object) -> None:
    """Make every outstanding invite link to `email` unusable."""
    address = normalize_email(email)
    found = await _user_by_email(call, address)
    if found is None:
        raise KeystileError("email_not_found")
    await MagicLinkRepository(call.db, call.project_id).revoke_invites(address, call.now)


async def create_embeddable(call: Call, *, user_id: str, expiration_minutes: int | None) -> str:
    """An embeddable magic-link token for a user, returned instead of emailed."""
    minutes = links.expiration_minutes(expiration_minutes, EMBEDDED_EXPIRATION_MINUTES)
    user = await UserRepository(call.db, call.project_id).get(user_id)
    if user is None:
        raise KeystileError("user_not_found")
    token = tokens.new_token()
    now = call.now
    call.db.add(
        MagicLinkToken(
            token_id=new_id("magic-link"),
            project_id=call.project_id,
            token_digest=tokens.digest(token),
            # The resolved id, not the reference: an external id may name another user by redemption.
            user_id=user.user_id,
            email_id=None,
            email=None,
            kind="embedded",
            code_challenge=None,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    return token


async def _consume(call: Call, token: str, code_verifier: str | None) -> MagicLinkToken:
    """Redeem a token exactly once: a conditional UPDATE lets one concurrent caller win."""
    row = await MagicLinkRepository(call.db, call.project_id).by_token(token)
    if row is None:
        raise KeystileError("magic_link_not_found")
    await links.redeem(call.db, row, code_verifier, call.now)
    return row


def _sandbox_token(call: Call, token: str, session_request: SessionRequest) -> Authenticated:
    """The canned answers to Stytch's sandbox tokens in a test project."""
    if token == sandbox_values.UNABLE_TO_AUTH_TOKEN:
        raise KeystileError("unable_to_auth_magic_link")
    if token != sandbox_values.SUCCESS_TOKEN:
        raise KeystileError("magic_link_not_found")
    user = sandbox.sandbox_user(call.project_id)
    factor = _factor(user.emails[0], call.now)
    issued = sandbox.sandbox_session(call.project_id, factor, session_request.duration_minutes, call.now)
    return Authenticated(user=user, method_id=sandbox_values.SANDBOX_EMAIL_ID, issued=issued)


def _factor(email: UserEmail | None, now: datetime) -> dict[str, Any]:
    if email is None:
        return authentication_factor("magic_link", "embedded", now)
    details = {"email_id": email.email_id, "email_address": email.email}
    return authentication_factor("magic_link", "email", now, email_factor=details)


async def authenticate(
    call: Call, *, token: str, code_verifier: str | None, session_request: SessionRequest
) -> Authenticated:
    """Redeem a magic-link token: verify the email, activate a pending user, start or extend a session.
    The email's first proof ends every other session of the user (no pre-hijacked account)."""
    if call.test_project and token in sandbox_values.MAGIC_LINK_TOKENS:
        return _sandbox_token(call, token, session_request)
    db, keys, project_id, now = call.db, call.keys, call.project_id, call.now
    email: UserEmail | None = None
    first_proof = False
    row = await _consume(call, token, code_verifier)
    repo = UserRepository(db, project_id)
    user = await repo.get_for_update(row.user_id)
    if user is None:
        raise KeystileError("unable_to_auth_magic_link", "The user of this link no longer exists.")
    if row.email_id is not None:
        email = await repo.get_email(row.email_id)
        if email is None:
            raise KeystileError("unable_to_auth_magic_link", "The email of this link was removed.")
        first_proof = not email.verified
        email.verified = True
    user.status = "active"
    await db.flush()
    view = (await repo.views([user], now))[0]
    issued = await start_or_extend_session(
        db,
        keys,
        project_id=project_id,
        user_id=view.user.user_id,
        factor=_factor(email, now),
        duration_minutes=session_request.duration_minutes,
        existing_token=session_request.session_token,
        existing_jwt=session_request.session_jwt,
        custom_claims=session_request.custom_claims,
        now=now,
    )
    if first_proof:
        await end_other_sessions(db, project_id, view.user.user_id, issued, now)
    return Authenticated(user=view, method_id=email.email_id if email is not None else "", issued=issued)
