"""Member sessions: start or extend one when a member enters an organization, authenticate by token or
JWT, list, revoke, and check the member session a caller acts with (tenancy and role). A thin adapter
over the session engine (`keystile.sessions.lifecycle`, `engine`, `store`) for member subjects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from keystile.b2b import policy as b2b_policy
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.models import Member, MemberSession, Organization
from keystile.b2b.organizations_repository import OrganizationRepository
from keystile.b2b.permissions import Actor
from keystile.b2b.repository import MemberSessionRepository
from keystile.b2b.session_rows import MEMBER_SESSIONS
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.clock import rfc3339
from keystile.errors import KeystileError
from keystile.ids import new_id
from keystile.rbac.checks import AuthorizationCheck, Verdict, authorize_roles
from keystile.sessions import lifecycle, policy
from keystile.sessions.engine import name_session, named, signed_jwt
from keystile.sessions.repository import update_session
from keystile.sessions.store import read_active
from keystile.sessions.tokens import new_session_token, token_digest
from keystile.sessions.types import MemberCredentials, SessionName, SessionRequest, SessionSubject

ORGANIZATION_CLAIM = "https://stytch.com/organization"
# B2B authentication always starts a session: of this length unless the caller asks for another.
DEFAULT_DURATION_MINUTES = 60
REVOKE_SESSIONS = "revoke-sessions"


@dataclass
class IssuedMemberSession:
    session: MemberSession
    session_token: str  # "" when a JWT authenticated it (tokens are stored only as digests)
    session_jwt: str
    roles: list[str]
    organization_slug: str


@dataclass
class AuthenticatedMember:
    issued: IssuedMemberSession
    member: MemberView
    roles: list[dict[str, Any]]  # the member's, with their sources (computed once: its JWT has their ids)
    verdict: Verdict | None = None  # when an authorization check was asked for (and passed)


def email_factor(member: Member, now: datetime, factor_type: str = "magic_link") -> dict[str, Any]:
    """The AuthenticationFactor of an email magic link (or passcode: `factor_type` "otp") to `member`."""
    stamp = rfc3339(now)
    return {
        "type": factor_type,
        "delivery_method": "email",
        "last_authenticated_at": stamp,
        "created_at": stamp,
        "updated_at": stamp,
        "email_factor": {"email_id": member.email_id, "email_address": member.email_address},
    }


def member_subject(member: MemberView, roles: list[dict[str, Any]]) -> SessionSubject:
    """A member with `roles` (`MemberView.roles`) as the subject of its sessions' JWTs, with its
    organization claim."""
    organization = member.organization.organization
    claim = {"organization_id": organization.organization_id, "slug": organization.organization_slug}
    return SessionSubject(member.member.member_id, b2b_policy.role_ids(roles), {ORGANIZATION_CLAIM: claim})


async def _issued(
    call: Call, session: MemberSession, member: MemberView, roles: list[dict[str, Any]], session_token: str
) -> IssuedMemberSession:
    subject = member_subject(member, b2b_policy.session_roles(roles, session.authentication_factors))
    session_jwt = await signed_jwt(call.db, call.keys, session, subject, now=call.now)
    slug = member.organization.organization.organization_slug
    return IssuedMemberSession(session, session_token, session_jwt, subject.roles, slug)


async def _name(call: Call, credentials: MemberCredentials) -> SessionName:
    """The member session named by exactly one of the credentials' token and JWT."""
    token, jwt = credentials.session_token, credentials.session_jwt
    return await name_session(
        call.db, call.keys, project_id=call.project_id, session_token=token, session_jwt=jwt, now=call.now
    )


async def _current_rows(
    call: Call, credentials: MemberCredentials
) -> tuple[MemberSession, Member, Organization]:
    """The active session named by exactly one of a token and a JWT, with its member and organization
    rows, in this unit of work (unchanged)."""
    name = await _name(call, credentials)
    found = await MemberSessionRepository(call.db, call.project_id).active(
        token_digest=name.token_digest, session_id=name.session_id, now=call.now
    )
    if found is None or not named(name, found[0]):
        raise KeystileError("session_not_found")
    return found


async def current(call: Call, credentials: MemberCredentials) -> tuple[MemberSession, MemberView]:
    """The active session named by exactly one of a token and a JWT, with its member, in this unit of
    work (unchanged)."""
    session, member, organization = await _current_rows(call, credentials)
    view = (await OrganizationRepository(call.db, call.project_id).views([organization]))[0]
    return session, MemberView(member, view)


async def start_or_extend(
    call: Call, *, member: MemberView, factors: list[dict[str, Any]], request: SessionRequest
) -> IssuedMemberSession:
    """After `factors` authenticated `member`: add them to the member's session named in `request` (with
    a new token, so that a planted token is worthless afterwards), or start a session."""
    db, now = call.db, call.now
    project_id = member.member.project_id
    minutes = DEFAULT_DURATION_MINUTES if request.duration_minutes is None else request.duration_minutes
    lifetime = policy.session_lifetime(minutes)
    if request.session_token or request.session_jwt:
        credentials = MemberCredentials(request.session_token, request.session_jwt)
        # The organization's view of the session's member is not needed: only whose session it is.
        session, owner, _ = await _current_rows(call, credentials)
        if owner.member_id != member.member.member_id:
            raise KeystileError("user_id_mismatch", "The session belongs to a different member.")
        extended = lifetime if request.duration_minutes is not None else None
        lifecycle.extend(session, factors, request.custom_claims, extended, now)
    else:
        opening = lifecycle.opening(factors, request.custom_claims, None, lifetime, now)
        session = MemberSession(
            session_id=new_id("member-session"),
            project_id=project_id,
            member_id=member.member.member_id,
            organization_id=member.member.organization_id,
            **opening,
        )
        db.add(session)
    token = new_session_token()
    session.token_digest = token_digest(token)
    await db.flush()
    return await _issued(call, session, member, member.roles, token)


async def authenticate(
    call: Call,
    *,
    credentials: MemberCredentials,
    duration_minutes: int | None,
    custom_claims: dict[str, Any] | None,
    authorization_check: AuthorizationCheck | None,
) -> AuthenticatedMember:
    """The active session named by a token or a JWT (an expired JWT refreshes), with its member and a
    fresh JWT; a duration extends it from now, custom claims merge into it. One read from the session
    store, then an UPDATE only when the session changes.

    An authorization check must name the session's organization, and one of the member's roles must
    grant the action (the policy from memory), else nothing changes."""
    db, project_id, now = call.db, call.project_id, call.now
    lifetime = policy.session_lifetime(duration_minutes) if duration_minutes is not None else None
    name = await _name(call, credentials)
    found = await read_active(db, MEMBER_SESSIONS, project_id=project_id, name=name, now=now)
    if found is None or not named(name, found[0]):
        raise KeystileError("session_not_found")
    session, member = found
    roles = member.roles
    verdict = None
    if authorization_check is not None:
        if authorization_check.organization_id != session.organization_id:
            raise KeystileError("session_authorization_tenancy_error")
        verdict = await authorize_roles(
            db,
            call.policies,
            project_id=project_id,
            vertical="b2b",
            roles=b2b_policy.role_ids(b2b_policy.session_roles(roles, session.authentication_factors)),
            check=authorization_check,
        )
    changes = lifecycle.changes_on_authenticate(session, custom_claims, lifetime, now)
    if changes:
        await update_session(db, MemberSession, project_id, session.session_id, changes)
        lifecycle.apply(session, changes)
    token = credentials.session_token or ""
    issued = await _issued(call, session, member, roles, token)
    return AuthenticatedMember(issued, member, roles, verdict)


async def list_sessions(call: Call, *, organization_ref: str, member_ref: str) -> list[IssuedMemberSession]:
    """The member's active sessions, oldest first (without tokens or JWTs)."""
    db, project_id = call.db, call.project_id
    organizations = OrganizationRepository(db, project_id)
    organization = await organizations.resolve(organization_ref)
    if organization is None:
        raise KeystileError("organization_not_found")
    member = await MemberRepository(db, project_id).get(organization.organization_id, member_ref)
    if member is None or member.status == "deleted":
        raise KeystileError("member_not_found")
    view = MemberView(member, (await organizations.views([organization]))[0])
    sessions = await MemberSessionRepository(db, project_id).of_member(
        organization.organization_id, member.member_id, now=call.now
    )
    return [IssuedMemberSession(s, "", "", view.role_ids, organization.organization_slug) for s in sessions]


async def revoke(
    call: Call,
    *,
    member_session_id: str | None,
    credentials: MemberCredentials,
    member_id: str | None,
    acting: MemberCredentials | None,
) -> None:
    """Delete the session named by exactly one of its id, a token or a JWT, or every session of
    `member_id`; `acting` is the member session the request is made with, if any."""
    lifecycle.check_one_revoke_name(
        member_session_id, credentials.session_token, credentials.session_jwt, member_id
    )
    repo = MemberSessionRepository(call.db, call.project_id)
    if member_id:
        member = await MemberRepository(call.db, call.project_id).get_anywhere(member_id)
        if member is None:
            raise KeystileError("member_not_found")
        await _check_revoke(call, acting, member.organization_id, member_id)
        await repo.delete_for_member(member_id)
        return
    if member_session_id:
        found = await repo.active(session_id=member_session_id, now=call.now)
        if found is None:
            raise KeystileError("session_not_found")
        session = found[0]
    else:
        session, _ = await current(call, credentials)
    await _check_revoke(call, acting, session.organization_id, session.member_id)
    if not await repo.delete(session_id=session.session_id):
        raise KeystileError("session_not_found")


async def acting_member(
    call: Call, credentials: MemberCredentials | None, organization_id: str
) -> Actor | None:
    """When a request is made with a member session (`credentials`): its member, who must belong to the
    organization acted on, with the policy in force there (from memory). None when the backend acts."""
    if credentials is None:
        return None
    session, member = await current(call, credentials)
    if session.organization_id != organization_id:
        raise KeystileError("session_authorization_tenancy_error")
    in_force = await call.policies.policy(call.db, call.project_id, "b2b", organization_id)
    held = b2b_policy.role_ids(b2b_policy.session_roles(member.roles, session.authentication_factors))
    return Actor(member, in_force, held)


async def _check_revoke(
    call: Call, acting: MemberCredentials | None, organization_id: str, member_id: str
) -> None:
    actor = await acting_member(call, acting, organization_id)
    if actor is not None:
        actor.require_on_member(member_id, [REVOKE_SESSIONS], what="Revoking the member's sessions")
