"""Who signs in to a Connected App: the user (consumer) or member (B2B) named by a session (token or
JWT) or by id, and the OpenID claims the provider may release about them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from keystile.b2b import members
from keystile.b2b import sessions as member_sessions
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors.common import caller_session
from keystile.identity import service as identity
from keystile.identity.views import UserView
from keystile.sessions.types import MemberCredentials


@dataclass(frozen=True)
class SignedIn:
    """The subject of an authorization: a user's view or a member's, and the session that named it."""

    subject_id: str
    claims: dict[str, Any]
    session_id: str | None
    user: UserView | None = None
    member: MemberView | None = None

    @property
    def organization_id(self) -> str | None:
        return self.member.member.organization_id if self.member is not None else None


def _one_of(*values: str | None) -> None:
    if sum(value is not None for value in values) != 1:
        raise KeystileError(
            "invalid_argument", "Pass exactly one of the subject's id, a session_token and a session_jwt."
        )


async def signed_in_user(
    call: Call, *, user_id: str | None, session_token: str | None, session_jwt: str | None
) -> SignedIn:
    """The user exactly one of `user_id`, `session_token` and `session_jwt` names (an active session's)."""
    _one_of(user_id, session_token, session_jwt)
    if user_id is not None:
        view = await identity.get_user(call.db, call.project_id, user_id, now=call.now)
        return SignedIn(view.user.user_id, user_claims(view), None, user=view)
    authenticated = await caller_session(call, session_token, session_jwt)
    view = authenticated.user
    return SignedIn(view.user.user_id, user_claims(view), authenticated.session.session_id, user=view)


async def signed_in_member(
    call: Call,
    *,
    organization_id: str | None,
    member_id: str | None,
    session_token: str | None,
    session_jwt: str | None,
) -> SignedIn:
    """The member a session names, or `member_id` of `organization_id`."""
    _one_of(member_id, session_token, session_jwt)
    if member_id is not None:
        if organization_id is None:
            raise KeystileError("invalid_argument", "Pass the organization_id with a member_id.")
        view = await members.get_member(call, organization_id, member_ref=member_id, email=None)
        return SignedIn(view.member.member_id, member_claims(view), None, member=view)
    session, view = await member_sessions.current(call, MemberCredentials(session_token, session_jwt))
    if organization_id is not None and organization_id != view.member.organization_id:
        raise KeystileError("session_not_found")
    return SignedIn(view.member.member_id, member_claims(view), session.session_id, member=view)


async def session_subject(call: Call, session_token: str, vertical: str) -> SignedIn:
    """The user (consumer) or member (`vertical` "b2b") of an active session."""
    if vertical == "b2b":
        return await signed_in_member(
            call, organization_id=None, member_id=None, session_token=session_token, session_jwt=None
        )
    return await signed_in_user(call, user_id=None, session_token=session_token, session_jwt=None)


async def current_subject(call: Call, subject_id: str, organization_id: str | None) -> SignedIn | None:
    """The subject of earlier tokens as it is now, or None when it is gone."""
    try:
        if organization_id is not None:
            member = await members.get_member(call, organization_id, member_ref=subject_id, email=None)
            return SignedIn(subject_id, member_claims(member), None, member=member)
        view = await identity.get_user(call.db, call.project_id, subject_id, now=call.now)
    except KeystileError:
        return None
    return SignedIn(subject_id, user_claims(view), None, user=view)


def user_claims(view: UserView) -> dict[str, Any]:
    """The user's OpenID Connect standard claims (`UserInfo.filter` releases them by scope)."""
    user = view.user
    names = [name for name in (user.first_name, user.middle_name, user.last_name) if name]
    claims: dict[str, Any] = {"sub": user.user_id}
    if names:
        claims["name"] = " ".join(names)
    for claim, value in (
        ("given_name", user.first_name),
        ("middle_name", user.middle_name),
        ("family_name", user.last_name),
    ):
        if value:
            claims[claim] = value
    if view.emails:
        claims["email"], claims["email_verified"] = view.emails[0].email, bool(view.emails[0].verified)
    if view.phones:
        claims["phone_number"] = view.phones[0].phone_number
        claims["phone_number_verified"] = bool(view.phones[0].verified)
    return claims


def member_claims(view: MemberView) -> dict[str, Any]:
    member = view.member
    claims: dict[str, Any] = {
        "sub": member.member_id,
        "email": member.email_address,
        "email_verified": bool(member.email_address_verified),
    }
    if member.name:
        claims["name"] = member.name
    if member.mfa_phone_number:
        claims["phone_number"] = member.mfa_phone_number
        claims["phone_number_verified"] = bool(member.mfa_phone_number_verified)
    return claims
