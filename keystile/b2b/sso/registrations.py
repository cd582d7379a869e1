"""Members' SSO registrations: the IdP's subject for a member at each connection it signed in through,
with the attributes of its latest login, shown as the Member object's `sso_registrations`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, or_, select

from keystile.b2b.members_repository import rows_by_member
from keystile.b2b.sso.models import ExternalConnection, SSORegistration
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.db.project_rows import ProjectScoped
from keystile.ids import new_id


class RegistrationRepository(ProjectScoped):
    async def forget_connection(self, connection_id: str) -> None:
        """Delete the registrations at a connection and at the external connections through it."""
        through = select(ExternalConnection.connection_id).where(
            ExternalConnection.project_id == self.project_id,
            ExternalConnection.external_connection_id == connection_id,
        )
        await self.db.execute(
            delete(SSORegistration).where(
                SSORegistration.project_id == self.project_id,
                or_(
                    SSORegistration.connection_id == connection_id, SSORegistration.connection_id.in_(through)
                ),
            )
        )


async def record(
    call: Call, member_id: str, connection_id: str, external_id: str, attributes: dict[str, Any]
) -> None:
    """Remember the member's identity at the connection (the caller holds the member's row lock)."""
    repo = RegistrationRepository(call.db, call.project_id)
    found = await repo.find_by(SSORegistration, member_id=member_id, connection_id=connection_id)
    if found is None:
        call.db.add(
            SSORegistration(
                registration_id=new_id("member-sso-registration"),
                project_id=call.project_id,
                member_id=member_id,
                connection_id=connection_id,
                external_id=external_id[:512],
                sso_attributes=attributes,
                created_at=call.now,
                updated_at=call.now,
            )
        )
        return
    found.external_id, found.sso_attributes, found.updated_at = external_id[:512], attributes, call.now


async def with_sso_registrations(call: Call, views: Sequence[MemberView]) -> None:
    """Set each view's `sso_registrations` as the SDK's `SSORegistration` objects (one query)."""
    rows = await rows_by_member(call, SSORegistration, views, "created_at")
    for view in views:
        view.sso_registrations = [
            {
                "connection_id": row.connection_id,
                "external_id": row.external_id,
                "registration_id": row.registration_id,
                "sso_attributes": row.sso_attributes,
            }
            for row in rows[view.member.member_id]
        ]
