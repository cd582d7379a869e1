"""The canned answers Stytch's sandbox values get in test projects: Stytch's fixed sandbox user and
session, made up for the response and never stored. A sandbox answer names no user of the project and
its session token opens no session of the project."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from keystile.clock import rfc3339
from keystile.delivery.models import EMAIL
from keystile.identity.models import User, UserEmail, UserPhone
from keystile.identity.views import UserView
from keystile.projects.sandbox import (
    SANDBOX_EMAIL,
    SANDBOX_EMAIL_ID,
    SANDBOX_PHONE,
    SANDBOX_PHONE_ID,
    SANDBOX_SESSION_ID,
    SANDBOX_SESSION_TOKEN,
    SANDBOX_STARTED_AT,
    SANDBOX_USER_ID,
)
from keystile.sessions import policy
from keystile.sessions.models import Session
from keystile.sessions.service import AuthenticatedSession, IssuedSession

# How long the sandbox session lasts from a check that names no duration (Stytch's default).
SESSION_MINUTES: Final = 60


def method_id(channel: str) -> str:
    """The sandbox contact's id on a channel: its email, or its phone number for SMS and WhatsApp."""
    return SANDBOX_EMAIL_ID if channel == EMAIL else SANDBOX_PHONE_ID


def sandbox_user(project_id: str) -> UserView:
    """The sandbox user, with the sandbox email and phone number."""
    common: dict[str, Any] = {
        "project_id": project_id,
        "user_id": SANDBOX_USER_ID,
        "verified": True,
        "created_at": SANDBOX_STARTED_AT,
    }
    user = User(
        user_id=SANDBOX_USER_ID,
        project_id=project_id,
        status="active",
        first_name=None,
        middle_name=None,
        last_name=None,
        external_id=None,
        trusted_metadata={},
        untrusted_metadata={},
        roles=[],
        created_at=SANDBOX_STARTED_AT,
    )
    return UserView(
        user,
        emails=[UserEmail(email_id=SANDBOX_EMAIL_ID, email=SANDBOX_EMAIL, **common)],
        phones=[UserPhone(phone_id=SANDBOX_PHONE_ID, phone_number=SANDBOX_PHONE, **common)],
    )


def sandbox_session(
    project_id: str, factor: dict[str, Any], duration_minutes: int | None, now: datetime
) -> IssuedSession:
    """The sandbox session when a duration is asked for (no session otherwise), with the sandbox
    session token and no JWT: nothing the project could verify as one of its own sessions."""
    if duration_minutes is None:
        return IssuedSession(None, "", "")
    session = Session(
        session_id=SANDBOX_SESSION_ID,
        project_id=project_id,
        user_id=SANDBOX_USER_ID,
        token_digest="",
        started_at=SANDBOX_STARTED_AT,
        last_accessed_at=now,
        expires_at=now + policy.session_lifetime(duration_minutes),
        authentication_factors=[factor],
        custom_claims={},
        attributes={"ip_address": "", "user_agent": ""},
    )
    return IssuedSession(session, SANDBOX_SESSION_TOKEN, "", policy.session_roles([]))


def authenticated_session(
    project_id: str, duration_minutes: int | None, now: datetime
) -> AuthenticatedSession:
    """What sessions.authenticate answers for Stytch's sandbox session token: the sandbox user's session,
    started by an email magic link on Stytch's fixed date, lasting `duration_minutes` (60) from now."""
    user = sandbox_user(project_id)
    email = user.emails[0]
    started = rfc3339(SANDBOX_STARTED_AT)
    factor = {
        "type": "magic_link",
        "delivery_method": "email",
        "last_authenticated_at": started,
        "created_at": started,
        "updated_at": started,
        "email_factor": {"email_id": email.email_id, "email_address": email.email},
    }
    issued = sandbox_session(project_id, factor, duration_minutes or SESSION_MINUTES, now)
    assert issued.session is not None  # a duration was given
    return AuthenticatedSession(issued.session, user, issued.roles, issued.session_token, issued.session_jwt)
