"""The rows of an organization's view in one UNION ALL (issue #25): its email domains, active SAML and
OIDC connections and custom roles, each part a branch of the same statement (`identity.profile_rows`
lays the parts' columns out), read for a batch of organizations (`parts_statement`) or beside a head
that names an organization by reference (`with_parts`: a login's one read); and the
`OrganizationView`s those rows make."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    Table,
    and_,
    bindparam,
    literal_column,
    null,
    or_,
    select,
    union_all,
)

from keystile.b2b.models import Organization, OrganizationDomain
from keystile.b2b.sso.models import OIDCConnection, SAMLConnection
from keystile.b2b.views import OrganizationView
from keystile.db.base import Base, detached
from keystile.db.dialects import TypedNull
from keystile.identity.profile_rows import PartRows
from keystile.rbac.models import RbacPolicy
from keystile.rbac.service import custom_role_documents
from keystile.sessions.active_query import table_of

ALLOWED, CLAIMED = "allowed", "claimed"
ACTIVE = "active"  # an SSO connection's status once complete
ORGANIZATIONS = table_of(Organization)
ORGANIZATION_KEYS = tuple(str(column.key) for column in ORGANIZATIONS.c)
Row = tuple[Any, ...]


@dataclass(frozen=True, eq=False)
class OrganizationPart:
    """One part of the organization's view: its rows of `model` (of `status` when given), as tuples of
    `columns`."""

    model: type[Base]
    columns: tuple[str, ...]
    status: str | None = None

    @property
    def table(self) -> Table:
        return table_of(self.model)

    def wanted(self) -> list[ColumnElement[bool]]:
        return [] if self.status is None else [self.table.c.status == literal_column(f"'{self.status}'")]


CONNECTION_COLUMNS = ("created_at", "connection_id", "display_name", "identity_provider")
DOMAINS = OrganizationPart(OrganizationDomain, ("kind", "domain"))
SAML = OrganizationPart(SAMLConnection, CONNECTION_COLUMNS, ACTIVE)
OIDC = OrganizationPart(OIDCConnection, CONNECTION_COLUMNS, ACTIVE)
ROLES = OrganizationPart(RbacPolicy, ("document",))
PARTS = (DOMAINS, SAML, OIDC, ROLES)
LAYOUT = PartRows(PARTS)


def _organization_id() -> TypedNull:
    return TypedNull(ORGANIZATIONS.c.organization_id.type)


@cache
def parts_statement() -> CompoundSelect[Any]:
    """The parts' rows of a batch of organizations (parameters `project_id`, `organization_ids`), each
    row its organization's id, then the layout's columns."""
    ids: BindParameter[list[str]] = bindparam("organization_ids", expanding=True)
    return union_all(
        *(
            select(part.table.c.organization_id, *LAYOUT.selected(kind)).where(
                part.table.c.project_id == bindparam("project_id"),
                part.table.c.organization_id.in_(ids),
                *part.wanted(),
            )
            for kind, part in enumerate(PARTS)
        )
    )


def named_by_reference() -> ColumnElement[bool]:
    """The project's organizations whose id, slug or external id is the parameter `ref` (Stytch takes
    all three), with the parameter `project_id`."""
    ref = bindparam("ref", type_=String())
    return and_(
        ORGANIZATIONS.c.project_id == bindparam("project_id"),
        or_(
            ORGANIZATIONS.c.organization_id == ref,
            ORGANIZATIONS.c.organization_slug == ref,
            ORGANIZATIONS.c.organization_external_id == ref,
        ),
    )


def with_parts(head: Select[Any]) -> CompoundSelect[Any]:
    """`head` (a read of ORGANIZATIONS' columns first, `named_by_reference`, with whatever it joins),
    then the parts' rows of the organizations it names, in one statement; `HeadAndParts` decodes it."""
    width = len(head.selected_columns)

    def branch(kind: int, part: OrganizationPart) -> Any:
        table = part.table
        same = and_(
            table.c.project_id == ORGANIZATIONS.c.project_id,
            table.c.organization_id == ORGANIZATIONS.c.organization_id,
        )
        return (
            select(*[null()] * width, table.c.organization_id, *LAYOUT.selected(kind))
            .select_from(ORGANIZATIONS.join(table, same))
            .where(named_by_reference(), *part.wanted())
        )

    return union_all(
        head.add_columns(_organization_id(), *LAYOUT.empty()),
        *(branch(kind, part) for kind, part in enumerate(PARTS)),
    )


@dataclass(frozen=True)
class HeadAndParts:
    """The rows of a `with_parts` statement for one reference: the head row of the organization it
    names (an id wins over a slug or external id that happens to spell it) and its view."""

    head: Row
    view: OrganizationView

    @staticmethod
    def decode(rows: Sequence[Row], ref: str, width: int) -> HeadAndParts | None:
        """The rows' organization named by `ref` (`width`: the head's own columns), or None when none is."""
        heads = [row for row in rows if row[width + 1] is None]
        if not heads:
            return None
        at = ORGANIZATION_KEYS.index("organization_id")
        head = next((row for row in heads if row[at] == ref), heads[0])
        values = zip(ORGANIZATION_KEYS, head[: len(ORGANIZATION_KEYS)], strict=True)
        organization = detached(Organization, dict(values))
        parts = [row[width:] for row in rows if row[width + 1] is not None and row[width] == head[at]]
        return HeadAndParts(head, views([organization], parts)[0])


def views(organizations: Sequence[Organization], rows: Iterable[Row]) -> list[OrganizationView]:
    """Each organization's view from `rows` (`parts_statement`'s: the organization's id, then the
    layout's columns): its email domains in order, its active connections oldest first (SAML before
    OIDC at the same instant), its custom roles."""
    found: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        found[row[0]].append(row)
    made = []
    for organization in organizations:
        domains, saml, oidc, roles = LAYOUT.split(found[organization.organization_id], 1)
        listed = sorted(domains, key=lambda row: row[1])
        made.append(
            OrganizationView(
                organization,
                [domain for kind, domain in listed if kind == ALLOWED],
                [domain for kind, domain in listed if kind == CLAIMED],
                [
                    {"connection_id": c, "display_name": d, "identity_provider": i}
                    for _, c, d, i in sorted(saml + oidc, key=lambda row: row[0])
                ],
                custom_role_documents(roles[0][0]) if roles else [],
            )
        )
    return made
