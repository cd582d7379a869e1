"""A member's provider tokens in process: its OAuth registrations, the latest login of each provider
account first; they are the member's own, so a member that takes over a recycled address never reads
its former holder's tokens, and a deleted member's go with it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from keystile import tokens
from keystile.b2b.email_updates import unlink_retired_email
from keystile.b2b.member_provider_tokens import registrations
from keystile.b2b.members import MemberChanges, delete_member, update_member
from keystile.b2b.models import B2BOAuthToken, Member, MemberOAuthRegistration
from keystile.b2b.oauth_registrations import record
from keystile.calls import Call
from keystile.factors.oauth.client import ProviderTokens
from keystile.factors.oauth.flow import encrypted_tokens
from keystile.ids import new_id
from keystile.sessions.keys import KeyRing
from tests.b2b.test_services import ADDRESS, new_member, new_organization
from tests.support.services import NOW, Sessions, call_for, within

Login = tuple[str, str, datetime]  # (subject, access token, when)


async def _record_login(
    db: AsyncSession, keys: KeyRing, project_id: str, member_id: str, login: Login
) -> None:
    """A Google login of the member, recorded as `b2b.oauth.authenticate` records it."""
    subject, access_token, at = login
    call = call_for(db, project_id, keys, now=at)
    member = await db.get(Member, member_id)
    assert member is not None
    encrypted = encrypted_tokens(call, ProviderTokens(access_token, "", "", ["openid"], None))
    redeemed = B2BOAuthToken(
        token_id=new_id("oauth-token"),
        project_id=project_id,
        token_digest=tokens.digest(access_token),
        organization_id=member.organization_id,
        email_address=member.email_address,
        provider="google",
        provider_subject=subject,
        provider_tenant_id="",
        full_name="",
        profile_picture_url="",
        locale="",
        provider_tokens_encrypted=encrypted,
        created_at=at,
        expires_at=at,
    )
    await record(call, member, redeemed, encrypted)


async def test_registrations_are_the_members_own(
    db_sessions: Sessions, keys: KeyRing, b2b_project_id: str
) -> None:
    acme = await new_organization(db_sessions, b2b_project_id, "Acme")
    organization_id = acme.organization_id
    ada = (await new_member(db_sessions, keys, b2b_project_id, organization_id)).member.member_id
    logins = [
        ("ada", "first", NOW + timedelta(minutes=1)),
        ("ada", "second", NOW + timedelta(minutes=2)),
        ("ada-work", "third", NOW + timedelta(minutes=3)),
    ]
    for login in logins:
        await within(db_sessions, lambda db, login=login: _record_login(db, keys, b2b_project_id, ada, login))

    def call(db: AsyncSession) -> Call:
        return call_for(db, b2b_project_id, keys)

    async def held(member_id: str) -> list[tuple[str, str]]:
        found = await within(
            db_sessions, lambda db: registrations(call(db), organization_id, member_id, "google")
        )
        return [(one.provider_subject, one.tokens.access_token) for one in found]

    assert await held(ada) == [("ada-work", "third"), ("ada", "second")]
    # Ada moves to another address and lets the old one go; Bo takes it over and reads none of her tokens.
    moved = MemberChanges(email_address="ada.new@acme.example.com")
    await within(db_sessions, lambda db: update_member(call(db), organization_id, ada, moved, acting=None))
    await within(
        db_sessions,
        lambda db: unlink_retired_email(
            call(db), organization_id, ada, email_id=None, email=ADDRESS, acting=None
        ),
    )
    bo = (await new_member(db_sessions, keys, b2b_project_id, organization_id, ADDRESS)).member.member_id
    assert await held(bo) == []
    assert await held(ada) == [("ada-work", "third"), ("ada", "second")]

    async def kept(db: AsyncSession) -> int:
        query = select(func.count()).where(MemberOAuthRegistration.member_id == ada)
        return int(await db.scalar(query.select_from(MemberOAuthRegistration)) or 0)

    assert await within(db_sessions, kept) == 2
    await within(db_sessions, lambda db: delete_member(call(db), organization_id, ada, acting=None))
    assert await within(db_sessions, kept) == 0
