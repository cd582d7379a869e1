"""Queries for organizations, their email domains and active SSO connections; every call is scoped to
one project."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select

from keystile.b2b import organization_rows, policy
from keystile.b2b.models import (
    B2BMagicLinkToken,
    IntermediateSession,
    Member,
    MemberOAuthRegistration,
    MemberSession,
    Organization,
    OrganizationDomain,
)
from keystile.b2b.sso.repository import external_or_own_model
from keystile.b2b.views import OrganizationView
from keystile.db.pages import Position
from keystile.db.project_rows import ProjectScoped, joined_on

# Search pages run in creation order, ties broken by id.
ORGANIZATION_ORDER = (Organization.created_at, Organization.organization_id)


class OrganizationRepository(ProjectScoped):
    """Reads and writes the organizations of one project."""

    async def resolve(self, ref: str, *, for_update: bool = False) -> Organization | None:
        """The organization whose id, slug or external id is `ref` (Stytch accepts all three)."""
        query = select(Organization).where(
            Organization.project_id == self.project_id,
            or_(
                Organization.organization_id == ref,
                Organization.organization_slug == ref,
                Organization.organization_external_id == ref,
            ),
        )
        found = list(await self.db.scalars(query.with_for_update() if for_update else query))
        # An id wins over a slug or external id that happens to spell it.
        return next((org for org in found if org.organization_id == ref), found[0] if found else None)

    async def slug_owner(self, slug: str) -> Organization | None:
        return await self.find_by(Organization, organization_slug=slug)

    async def external_id_owner(self, external_id: str) -> Organization | None:
        return await self.find_by(Organization, organization_external_id=external_id)

    async def views(self, organizations: Sequence[Organization]) -> list[OrganizationView]:
        """Each organization with its email domains, active SSO connections and custom roles, in one
        query for the whole batch (`organization_rows`)."""
        ids = [org.organization_id for org in organizations]
        rows = (
            await self.db.execute(
                organization_rows.parts_statement(), {"project_id": self.project_id, "organization_ids": ids}
            )
            if ids
            else []
        )
        return organization_rows.views(organizations, rows)

    async def owns_connection(self, organization_id: str, connection_id: str) -> bool:
        model = external_or_own_model(connection_id)
        found = await self.find_by(model, organization_id=organization_id, connection_id=connection_id)
        return found is not None

    async def set_domains(self, organization_id: str, kind: str, domains: list[str]) -> None:
        await self.delete_by(OrganizationDomain, organization_id=organization_id, kind=kind)
        self.db.add_all(
            OrganizationDomain(
                organization_id=organization_id, kind=kind, domain=domain, project_id=self.project_id
            )
            for domain in domains
        )

    async def admitting_domain(self, domain: str) -> list[Organization]:
        """The organizations whose JIT provisioning admits new members of `domain` and that already have
        a member with a verified address of that domain: Stytch's guard against phishing, so that an
        organization merely listing someone else's domain is not offered to its people."""
        vouched = (
            select(Member.member_id)
            .where(
                Member.project_id == self.project_id,
                Member.organization_id == Organization.organization_id,
                Member.email_address_verified.is_(True),
                Member.status != "deleted",
                Member.email_address.endswith(f"@{domain}", autoescape=True),
            )
            .exists()
        )
        query = (
            select(Organization)
            .join(OrganizationDomain, joined_on(OrganizationDomain, Organization, "organization_id"))
            .where(
                OrganizationDomain.project_id == self.project_id,
                OrganizationDomain.kind == organization_rows.ALLOWED,
                OrganizationDomain.domain == domain,
                Organization.email_jit_provisioning == policy.RESTRICTED,
                vouched,
            )
            .order_by(Organization.created_at, Organization.organization_id)
        )
        return list(await self.db.scalars(query))

    async def by_ids(self, ids: list[str]) -> list[Organization]:
        if not ids:
            return []
        query = select(Organization).where(
            Organization.project_id == self.project_id, Organization.organization_id.in_(ids)
        )
        return list(
            await self.db.scalars(query.order_by(Organization.created_at, Organization.organization_id))
        )

    async def search(
        self, conditions: list[ColumnElement[bool]], *, after: Position, limit: int
    ) -> tuple[list[Organization], int]:
        """One page of organizations matching all `conditions`, in creation order, and the total."""
        return await self.page(Organization, conditions, ORGANIZATION_ORDER, after, limit)

    async def member_count(self, organization_id: str) -> int:
        """The organization's members that are not deleted."""
        query = select(func.count()).where(
            Member.project_id == self.project_id,
            Member.organization_id == organization_id,
            Member.status != "deleted",
        )
        return int(await self.db.scalar(query) or 0)

    async def delete(self, organization_id: str) -> None:
        """Delete an organization and everything that belongs to it (no foreign keys cascade for us)."""
        owned = (
            OrganizationDomain,
            Member,
            MemberOAuthRegistration,
            MemberSession,
            B2BMagicLinkToken,
            IntermediateSession,
        )
        for model in (*owned, Organization):
            await self.delete_by(model, organization_id=organization_id)
