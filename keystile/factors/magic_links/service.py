"""Use cases for email magic links: send (login/signup), login_or_create, invite, revoke an invite,
create an embeddable token, and authenticate a token into a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.delivery.outbox import enqueue_email
from keystile.errors import KeystileError
from keystile.factors import sandbox
from keystile.factors.magic_links import tokens
from keystile.factors.magic_links.models import MagicLinkToken
from keystile.factors.passwords.prehijack import end_sessions_before_proof
from keystile.factors.records import authentication_factor
from keystile.identity import service as users
from keystile.identity.contact import normalize_email
from keystile.identity.models import User, UserEmail
from keystile.identity.repository import UserRepository
from keystile.identity.views import UserView
from keystile.ids import new_id
from keystile.limits.send_slots import claim_send_slot, slot_key
from keystile.projects.service import resolve_redirect_url
from keystile.sessions.keys import KeyRing
from keystile.sessions.service import IssuedSession, SessionRequest, start_or_extend_session

SEND_INTERVAL = timedelta(seconds=1)


@dataclass(frozen=True)
class LinkOptions:
    """Where links point and how long they live; None means the project default."""

    login_url: str | None = None
    signup_url: str | None = None
    invite_url: str | None = None
    login_expiration_minutes: int | None = None
    signup_expiration_minutes: int | None = None
    invite_expiration_minutes: int | None = None
    code_challenge: str | None = None


@dataclass(frozen=True)
class SentLink:
    user_id: str
    email_id: str
    user_created: bool


@dataclass(frozen=True)
class Authenticated:
    user: UserView
    method_id: str
    issued: IssuedSession


async def _issue_link(
    db: AsyncSession,
    *,
    project_id: str,
    email: UserEmail,
    kind: str,
    redirect_url: str,
    lifetime_minutes: int,
    code_challenge: str | None,
    now: datetime,
) -> None:
    """Throttle, store the token's digest, and queue the email, all in the caller's transaction."""
    await claim_send_slot(
        db,
        project_id=project_id,
        key=slot_key("magic_link_email", email.email),
        interval=SEND_INTERVAL,
        now=now,
    )
    token = tokens.new_token()
    db.add(
        MagicLinkToken(
            token_id=new_id("magic-link"),
            project_id=project_id,
            token_digest=tokens.token_digest(token),
            user_id=email.user_id,
            email_id=email.email_id,
            email=email.email,
            kind=kind,
            code_challenge=code_challenge,
            created_at=now,
            expires_at=now + timedelta(minutes=lifetime_minutes),
        )
    )
    await enqueue_email(
        db,
        project_id=project_id,
        to=email.email,
        template=kind,
        context={
            "link": tokens.magic_link(redirect_url, token),
            "expiration_minutes": lifetime_minutes,
        },
        now=now,
    )


async def _user_by_email(db: AsyncSession, project_id: str, email: str) -> tuple[User, UserEmail] | None:
    repo = UserRepository(db, project_id)
    owner = await repo.email_owner(email)
    if owner is None:
        return None
    user = await repo.get(owner.user_id)
    return (user, owner) if user is not None else None


async def _ensure_user(
    db: AsyncSession,
    project_id: str,
    email: str,
    *,
    new_user: users.NewUser,
    now: datetime,
) -> tuple[User, UserEmail, bool]:
    found = await _user_by_email(db, project_id, email)
    if found is not None:
        return found[0], found[1], False
    view = await users.create_user(db, project_id, new_user, now=now)
    return view.user, view.emails[0], True


@dataclass(frozen=True)
class _LoginOrSignup:
    """A checked request for a login-or-signup link: where each kind points and how long it lives."""

    challenge: str | None
    login_url: str
    signup_url: str
    login_minutes: int
    signup_minutes: int

    async def issue(
        self, db: AsyncSession, *, project_id: str, email: UserEmail, signup: bool, now: datetime
    ) -> None:
        await _issue_link(
            db,
            project_id=project_id,
            email=email,
            kind="signup" if signup else "login",
            redirect_url=self.signup_url if signup else self.login_url,
            lifetime_minutes=self.signup_minutes if signup else self.login_minutes,
            code_challenge=self.challenge,
            now=now,
        )


async def _login_or_signup(db: AsyncSession, project_id: str, options: LinkOptions) -> _LoginOrSignup:
    return _LoginOrSignup(
        challenge=tokens.check_code_challenge(options.code_challenge),
        login_minutes=tokens.expiration_minutes(
            options.login_expiration_minutes, tokens.LOGIN_EXPIRATION_MINUTES
        ),
        signup_minutes=tokens.expiration_minutes(
            options.signup_expiration_minutes, tokens.SIGNUP_EXPIRATION_MINUTES
        ),
        login_url=await resolve_redirect_url(db, project_id, "login", options.login_url),
        signup_url=await resolve_redirect_url(db, project_id, "signup", options.signup_url),
    )


def _sandbox_link() -> SentLink:
    """The canned answer to a send to the sandbox address in a test project: nothing is sent or stored."""
    return SentLink(sandbox.SANDBOX_USER_ID, sandbox.SANDBOX_EMAIL_ID, False)


async def login_or_create(
    db: AsyncSession,
    *,
    project_id: str,
    test_project: bool,
    email: object,
    create_user_as_pending: bool,
    options: LinkOptions,
    now: datetime,
) -> SentLink:
    """Send a login link to an existing user, or create the user and send a signup link.

    Both paths validate the same inputs and do the same work in one transaction, so the answer
    does not depend on whether the address was known beyond the documented `user_created` flag.
    """
    address = normalize_email(email)
    plan = await _login_or_signup(db, project_id, options)
    if test_project and address == sandbox.SANDBOX_EMAIL:
        return _sandbox_link()
    user, email_row, created = await _ensure_user(
        db,
        project_id,
        address,
        new_user=users.NewUser(email=address, create_user_as_pending=create_user_as_pending),
        now=now,
    )
    signup = created or user.status == "pending"
    await plan.issue(db, project_id=project_id, email=email_row, signup=signup, now=now)
    return SentLink(user.user_id, email_row.email_id, created)


async def send(
    db: AsyncSession,
    *,
    project_id: str,
    test_project: bool,
    email: object,
    options: LinkOptions,
    now: datetime,
) -> SentLink:
    """Send a login (or, for a pending user, signup) link to an existing user's address."""
    address = normalize_email(email)
    plan = await _login_or_signup(db, project_id, options)
    if test_project and address == sandbox.SANDBOX_EMAIL:
        return _sandbox_link()
    found = await _user_by_email(db, project_id, address)
    if found is None:
        raise KeystileError("email_not_found")
    user, email_row = found
    await plan.issue(db, project_id=project_id, email=email_row, signup=user.status == "pending", now=now)
    return SentLink(user.user_id, email_row.email_id, False)


async def invite(
    db: AsyncSession,
    *,
    project_id: str,
    test_project: bool,
    email: object,
    new_user: users.NewUser,
    options: LinkOptions,
    now: datetime,
) -> SentLink:
    """Create a pending user (or reuse a pending one) and send an invite link."""
    address = normalize_email(email)
    minutes = tokens.expiration_minutes(options.invite_expiration_minutes, tokens.INVITE_EXPIRATION_MINUTES)
    invite_url = await resolve_redirect_url(db, project_id, "invite", options.invite_url)
    if test_project and address == sandbox.SANDBOX_EMAIL:
        return _sandbox_link()
    pending_user = users.NewUser(
        email=address,
        name=new_user.name,
        create_user_as_pending=True,
        trusted_metadata=new_user.trusted_metadata,
        untrusted_metadata=new_user.untrusted_metadata,
        roles=new_user.roles,
    )
    user, email_row, created = await _ensure_user(db, project_id, address, new_user=pending_user, now=now)
    if user.status != "pending":
        raise KeystileError("duplicate_email", "This email already belongs to an active user.")
    await _issue_link(
        db,
        project_id=project_id,
        email=email_row,
        kind="invite",
        redirect_url=invite_url,
        lifetime_minutes=minutes,
        code_challenge=None,
        now=now,
    )
    return SentLink(user.user_id, email_row.email_id, created)


async def revoke_invite(db: AsyncSession, *, project_id: str, email: object, now: datetime) -> None:
    """Make every outstanding invite link to `email` unusable."""
    address = normalize_email(email)
    found = await _user_by_email(db, project_id, address)
    if found is None:
        raise KeystileError("email_not_found")
    await db.execute(
        update(MagicLinkToken)
        .where(
            MagicLinkToken.project_id == project_id,
            MagicLinkToken.email == address,
            MagicLinkToken.kind == "invite",
            MagicLinkToken.consumed_at.is_(None),
        )
        .values(consumed_at=now)
        .execution_options(synchronize_session=False)
    )


async def create_embeddable(
    db: AsyncSession,
    *,
    project_id: str,
    user_id: str,
    expiration_minutes: int | None,
    now: datetime,
) -> str:
    """An embeddable magic-link token for a user, returned instead of emailed."""
    minutes = tokens.expiration_minutes(expiration_minutes, tokens.EMBEDDED_EXPIRATION_MINUTES)
    user = await UserRepository(db, project_id).get(user_id)
    if user is None:
        raise KeystileError("user_not_found")
    token = tokens.new_token()
    db.add(
        MagicLinkToken(
            token_id=new_id("magic-link"),
            project_id=project_id,
            token_digest=tokens.token_digest(token),
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


async def _consume(
    db: AsyncSession, *, project_id: str, token: str, code_verifier: str | None, now: datetime
) -> MagicLinkToken:
    """Redeem a token exactly once: a conditional UPDATE lets one concurrent caller win."""
    digest = tokens.token_digest(token)
    row = await db.scalar(
        select(MagicLinkToken).where(
            MagicLinkToken.project_id == project_id, MagicLinkToken.token_digest == digest
        )
    )
    if row is None:
        raise KeystileError("magic_link_not_found")
    if row.consumed_at is not None or row.expires_at <= now:
        raise KeystileError("unable_to_auth_magic_link")
    # A wrong verifier leaves the token usable, so a bystander cannot burn a user's link.
    if row.code_challenge is not None and not tokens.verifier_matches(row.code_challenge, code_verifier):
        raise KeystileError("pkce_mismatch")
    if row.code_challenge is None and code_verifier:
        raise KeystileError("pkce_mismatch", "A code_verifier was given for a link sent without PKCE.")
    won = await db.execute(
        update(MagicLinkToken)
        .where(
            MagicLinkToken.token_id == row.token_id,
            MagicLinkToken.consumed_at.is_(None),
            MagicLinkToken.expires_at > now,
        )
        .values(consumed_at=now)
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        raise KeystileError("unable_to_auth_magic_link")
    return row


def _sandbox_token(
    project_id: str, token: str, session_request: SessionRequest, now: datetime
) -> Authenticated:
    """The canned answers to Stytch's sandbox tokens in a test project."""
    if token == sandbox.UNABLE_TO_AUTH_TOKEN:
        raise KeystileError("unable_to_auth_magic_link")
    if token != sandbox.SUCCESS_TOKEN:
        raise KeystileError("magic_link_not_found")
    user = sandbox.sandbox_user(project_id)
    factor = _factor(user.emails[0], now)
    issued = sandbox.sandbox_session(project_id, factor, session_request.duration_minutes, now)
    return Authenticated(user=user, method_id=sandbox.SANDBOX_EMAIL_ID, issued=issued)


def _factor(email: UserEmail | None, now: datetime) -> dict[str, Any]:
    if email is None:
        return authentication_factor("magic_link", "embedded", now)
    details = {"email_id": email.email_id, "email_address": email.email}
    return authentication_factor("magic_link", "email", now, email_factor=details)


async def authenticate(
    db: AsyncSession,
    keys: KeyRing,
    *,
    project_id: str,
    test_project: bool,
    token: str,
    code_verifier: str | None,
    session_request: SessionRequest,
    now: datetime,
) -> Authenticated:
    """Redeem a magic-link token: verify the email, activate a pending user, start or extend a session.
    The email's first proof ends every other session of the user (no pre-hijacked account)."""
    if test_project and token in sandbox.MAGIC_LINK_TOKENS:
        return _sandbox_token(project_id, token, session_request, now)
    email: UserEmail | None = None
    first_proof = False
    row = await _consume(db, project_id=project_id, token=token, code_verifier=code_verifier, now=now)
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
    view = (await repo.views([user]))[0]
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
        await end_sessions_before_proof(db, project_id, view.user.user_id, issued)
    return Authenticated(user=view, method_id=email.email_id if email is not None else "", issued=issued)
