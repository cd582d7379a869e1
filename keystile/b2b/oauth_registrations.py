"""Members' OAuth registrations: a member's account at each provider it logged in with (organization
login, or discovery into the organization), with the tenant and tokens of its latest login, shown as
the Member object's `oauth_registrations`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from keystile.b2b.members_repository import rows_by_member
from keystile.b2b.models import B2BDiscoveryOAuthToken, Member, MemberOAuthRegistration, VouchedAccount
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.db.project_rows import ProjectScoped
from keystile.ids import new_id


class OAuthRegistrationRepository(ProjectScoped):
    async def with_tokens(self, member_id: str, provider: str) -> list[MemberOAuthRegistration]:
        """The member's registrations at `provider` whose tokens were kept, latest login first."""
        query = select(MemberOAuthRegistration).where(
            MemberOAuthRegistration.project_id == self.project_id,
            MemberOAuthRegistration.member_id == member_id,
            MemberOAuthRegistration.provider == provider,
            MemberOAuthRegistration.provider_tokens_encrypted.is_not(None),
        )
        order = (MemberOAuthRegistration.updated_at.desc(), MemberOAuthRegistration.registration_id.desc())
        return list(await self.db.scalars(query.order_by(*order)))

    async def discovery_logins(self, token_ids: Sequence[str]) -> list[B2BDiscoveryOAuthToken]:
        if not token_ids:
            return []
        query = select(B2BDiscoveryOAuthToken).where(
            B2BDiscoveryOAuthToken.project_id == self.project_id,
            B2BDiscoveryOAuthToken.token_id.in_(token_ids),
        )
        return list(await self.db.scalars(query.order_by(B2BDiscoveryOAuthToken.created_at)))


async def record(call: Call, member: Member, login: VouchedAccount, provider_tokens: str | None) -> None:
    """Remember the member's account at the login's provider, with the login's tenant, picture, locale
    and tokens (encrypted; the caller holds the member's row lock)."""
    repo = OAuthRegistrationRepository(call.db, call.project_id)
    found = await repo.find_by(
        MemberOAuthRegistration,
        member_id=member.member_id,
        provider=login.provider,
        provider_subject=login.provider_subject,
    )
    if found is None:
        found = MemberOAuthRegistration(
            registration_id=new_id("member-oauth-registration"),
            project_id=call.project_id,
            organization_id=member.organization_id,
            member_id=member.member_id,
            provider=login.provider,
            provider_subject=login.provider_subject,
            created_at=call.now,
        )
        call.db.add(found)
    found.provider_tenant_id, found.updated_at = login.provider_tenant_id, call.now
    found.profile_picture_url, found.locale = login.profile_picture_url, login.locale
    found.provider_tokens_encrypted = provider_tokens or found.provider_tokens_encrypted


def _oauth_factor_ids(factors: Sequence[dict[str, Any]]) -> list[str]:
    """The ids of the OAuth tokens behind `factors`' OAuth factors (`{"<provider>_oauth_factor": {"id"}}`)."""
    return [
        str(details["id"])
        for factor in factors
        if factor.get("type") == "oauth"
        for key, details in factor.items()
        if key.endswith("_oauth_factor") and isinstance(details, dict) and "id" in details
    ]


async def record_discovered(call: Call, member: Member, factors: Sequence[dict[str, Any]]) -> None:
    """Remember the accounts of the OAuth discovery logins among a discovery intermediate session's
    `factors`, for the member it enters."""
    repo = OAuthRegistrationRepository(call.db, call.project_id)
    for login in await repo.discovery_logins(_oauth_factor_ids(factors)):
        await record(call, member, login, login.provider_tokens_encrypted)


async def forget_member(call: Call, member_id: str) -> None:
    await OAuthRegistrationRepository(call.db, call.project_id).delete_by(
        MemberOAuthRegistration, member_id=member_id
    )


async def with_oauth_registrations(call: Call, views: Sequence[MemberView]) -> None:
    """Set each view's `oauth_registrations` as the SDK's `OAuthRegistration` objects (one query)."""
    rows = await rows_by_member(call, MemberOAuthRegistration, views, "created_at", "registration_id")
    for view in views:
        view.oauth_registrations = [
            {
                "provider_type": row.provider,
                "provider_subject": row.provider_subject,
                "member_oauth_registration_id": row.registration_id,
                "profile_picture_url": row.profile_picture_url,
                "locale": row.locale,
            }
            for row in rows[view.member.member_id]
        ]
