"""Member factors in process: a package that holds members' passwords or TOTPs registers them, and
b2b deletes them by id through the registry, only within the organization named."""

from __future__ import annotations

from collections.abc import Awaitable

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b import member_factors
from keystile.b2b.member_factors import MemberFactor, delete_member_factor
from keystile.b2b.views import MemberView
from keystile.sessions.keys import KeyRing
from tests.b2b.test_services import new_member, new_organization
from tests.support.services import Sessions, call_for, refusal, within


class FactorStore:
    """Members' factors as a factor package would hold them: (organization, ref) -> member id."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], str] = {}

    async def owner(self, db: AsyncSession, project_id: str, organization_id: str, ref: str) -> str | None:
        return self.rows.get((organization_id, ref))

    async def delete(self, db: AsyncSession, project_id: str, organization_id: str, ref: str) -> None:
        del self.rows[(organization_id, ref)]


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> FactorStore:
    found = FactorStore()
    monkeypatch.setattr(member_factors, "_REGISTERED", {})
    member_factors.register_member_factor("password", MemberFactor(found.owner, found.delete))
    member_factors.register_member_factor("totp", MemberFactor(found.owner, found.delete))
    return found


async def test_a_registered_factor_is_deleted_once_and_only_in_its_organization(
    db_sessions: Sessions, keys: KeyRing, b2b_project_id: str, store: FactorStore
) -> None:
    acme = await new_organization(db_sessions, b2b_project_id, "Acme")
    globex = await new_organization(db_sessions, b2b_project_id, "Globex")
    ada = await new_member(db_sessions, keys, b2b_project_id, acme.organization_id)
    store.rows[(acme.organization_id, "member-password-1")] = ada.member.member_id
    store.rows[(acme.organization_id, ada.member.member_id)] = ada.member.member_id

    def delete(organization_id: str, kind: member_factors.FactorKind, ref: str) -> Awaitable[MemberView]:
        return within(
            db_sessions,
            lambda db: delete_member_factor(
                call_for(db, b2b_project_id, keys), organization_id, kind, ref, acting=None
            ),
        )

    assert await refusal(delete(globex.organization_id, "password", "member-password-1")) == (
        "member_password_not_found"
    )
    deleted = await delete(acme.organization_id, "password", "member-password-1")
    assert deleted.member.member_id == ada.member.member_id
    assert await refusal(delete(acme.organization_id, "password", "member-password-1")) == (
        "member_password_not_found"
    )
    assert await refusal(delete(globex.organization_id, "totp", ada.member.member_id)) == "member_not_found"
    await delete(acme.organization_id, "totp", ada.member.member_id)
    assert store.rows == {}
    assert await refusal(delete(acme.organization_id, "totp", ada.member.member_id)) == "totp_not_found"
