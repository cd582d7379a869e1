"""Stytch's documented sandbox values, which answer in test projects only, and the canned answers they
get there: Stytch's fixed sandbox user and session, made up for the response and never stored.

The values are public test fixtures from Stytch's docs, not credentials: a sandbox answer names no
user of the project and its session token opens no session of the project.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from keystile.delivery.models import EMAIL
from keystile.identity.models import User, UserEmail, UserPhone
from keystile.identity.views import UserView
from keystile.sessions import policy
from keystile.sessions.models import Session
from keystile.sessions.service import IssuedSession

SANDBOX_EMAIL: Final = "sandbox@stytch.com"
SANDBOX_PHONE: Final = "+10000000000"
SANDBOX_CODE: Final = "000000"
SUCCESS_TOKEN: Final = "DOYoip3rvIMMW5lgItikFK-Ak1CfMsgjuiCyI7uuU94="  # noqa: S105
UNABLE_TO_AUTH_TOKEN: Final = "3pzjQpgksDlGKWEwUq2Up--hCHC_0oamfLHyfspKDFU="  # noqa: S105
NOT_FOUND_TOKEN: Final = "CprTtwhnRNiMBiUS2jSLcWYrfuO2POeBNdo5HhW6qTM="  # noqa: S105
MAGIC_LINK_TOKENS: Final = frozenset({SUCCESS_TOKEN, UNABLE_TO_AUTH_TOKEN, NOT_FOUND_TOKEN})

# The ids and session token Stytch's Test environment answers with.
SANDBOX_USER_ID: Final = "user-test-e3795c81-f849-4167-bfda-e4a6e9c280fd"
SANDBOX_EMAIL_ID: Final = "email-test-23873e89-d4ed-4e92-b3b9-e5c7198fa286"
SANDBOX_PHONE_ID: Final = "phone-number-test-98cfbe19-6c8f-4b8b-b62a-e78a5a7bdff3"
SANDBOX_SESSION_ID: Final = "session-test-fe6c042b-6286-479f-8a4f-b046a6c46509"
SANDBOX_SESSION_TOKEN: Final = "WJtR5BCy38Szd5AfoDpf0iqFKEt4EE5JhjlWUY7l3FtY"  # noqa: S105
SANDBOX_STARTED_AT: Final = datetime(2021, 8, 28, 0, 41, 59, tzinfo=UTC)


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
