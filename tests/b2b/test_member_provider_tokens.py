"""A member's provider tokens in process: the newest login of each provider account first, and only the
logins made while the address was the member's (not those of a former holder of a recycled address)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from keystile import tokens
from keystile.b2b.member_provider_tokens import registrations
from keystile.b2b.models import B2BOAuthToken, RetiredMemberEmail
from keystile.calls import Call
from keystile.factors.oauth.client import ProviderTokens
from keystile.factors.oauth.flow import encrypted_tokens
from keystile.ids import new_id
from keystile.sessions.keys import KeyRing
from tests.b2b.test_services import ADDRESS, new_member, new_organization
from tests.support.services import NOW, Sessions, call_for, within


async def _log_in(call: Call, organization_id: str, logins: list[tuple[str, str, datetime]]) -> None:
    """Redeemed Google logins into the organization of ADDRESS: (subject, access token, when)."""
    for subject, access_token, at in logins:
        issued = ProviderTokens(access_token, "", "", ["openid"], None)
        call.db.add(
            B2BOAuthToken(
                token_id=new_id("oauth-token"),
                project_id=call.project_id,
                token_digest=tokens.digest(access_token),
                organization_id=organization_id,
                email_address=ADDRESS,
                provider="google",
                provider_subject=subject,
                provider_tenant_id="",
                full_name="",
                provider_tokens_encrypted=encrypted_tokens(call, issued),
                created_at=at,
                expires_at=at,
                consumed_at=at,
            )
        )


async def _retire_old_address(
    db: AsyncSession, project_id: str, organization_id: str, member_id: str
) -> None:
    db.add(
        RetiredMemberEmail(
            email_id=new_id("member-email"),
            project_id=project_id,
            organization_id=organization_id,
            member_id=member_id,
            email_address="ada.old@acme.example.com",
            retired_at=NOW + timedelta(seconds=150),
        )
    )


async def test_only_logins_while_the_address_was_the_members(
    db_sessions: Sessions, keys: KeyRing, b2b_project_id: str
) -> None:
    acme = await new_organization(db_sessions, b2b_project_id, "Acme")
    ada = await new_member(db_sessions, keys, b2b_project_id, acme.organization_id)  # at NOW
    organization_id, member_id = acme.organization_id, ada.member.member_id
    logins = [
        ("former-holder", "before", NOW - timedelta(days=1)),
        ("ada", "first", NOW + timedelta(minutes=1)),
        ("ada", "second", NOW + timedelta(minutes=2)),
        ("ada-work", "third", NOW + timedelta(minutes=3)),
    ]
    await within(db_sessions, lambda db: _log_in(call_for(db, b2b_project_id, keys), organization_id, logins))

    async def held() -> list[tuple[str, str]]:
        found = await within(
            db_sessions,
            lambda db: registrations(
                call_for(db, b2b_project_id, keys), organization_id, member_id, "google"
            ),
        )
        return [(one.provider_subject, one.tokens.access_token) for one in found]

    assert await held() == [("ada-work", "third"), ("ada", "second")]
    # Ada took the address over from her old one after its first logins: those are not hers.
    await within(db_sessions, lambda db: _retire_old_address(db, b2b_project_id, organization_id, member_id))
    assert await held() == [("ada-work", "third")]
