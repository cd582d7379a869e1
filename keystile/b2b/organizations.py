"""Use cases for organizations: create (also from an email address alone), read, update, delete, search."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy.exc import IntegrityError

from keystile.b2b import erasure, policy, search
from keystile.b2b.models import Organization
from keystile.b2b.organization_rows import ALLOWED, CLAIMED
from keystile.b2b.organizations_repository import OrganizationRepository
from keystile.b2b.permissions import DELETE, organization_actions
from keystile.b2b.sessions import acting_member
from keystile.b2b.views import OrganizationView
from keystile.calls import Call
from keystile.db.uow import violated_constraint
from keystile.errors import KeystileError
from keystile.identity.contact import check_external_id
from keystile.ids import new_id
from keystile.metadata import check_metadata
from keystile.rbac.defaults import ORGANIZATION
from keystile.rbac.model import WILDCARD
from keystile.rbac.repository import PolicyRepository
from keystile.search_operands import check_limit, decode_cursor, encode_cursor, parse_search
from keystile.sessions.types import MemberCredentials


@dataclass(frozen=True)
class OrganizationFields:
    """What a caller may set on an organization; None leaves a field as it is (or at its default)."""

    organization_name: str | None = None
    organization_slug: str | None = None
    organization_logo_url: str | None = None
    organization_external_id: str | None = None
    trusted_metadata: dict[str, Any] | None = None
    sso_jit_provisioning: str | None = None
    sso_jit_provisioning_allowed_connections: list[str] | None = None
    email_allowed_domains: list[str] | None = None
    email_jit_provisioning: str | None = None
    email_invites: str | None = None
    auth_methods: str | None = None
    allowed_auth_methods: list[str] | None = None
    mfa_policy: str | None = None
    rbac_email_implicit_role_assignments: list[dict[str, str]] | None = None
    mfa_methods: str | None = None
    allowed_mfa_methods: list[str] | None = None
    oauth_tenant_jit_provisioning: str | None = None
    allowed_oauth_tenants: dict[str, Any] | None = None
    claimed_email_domains: list[str] | None = None
    first_party_connected_apps_allowed_type: str | None = None
    allowed_first_party_connected_apps: list[str] | None = None
    third_party_connected_apps_allowed_type: str | None = None
    allowed_third_party_connected_apps: list[str] | None = None
    sso_default_connection_id: str | None = None

    def any_auth_setting(self) -> bool:
        """Whether any authentication setting was given (Stytch's `email_invites` default hangs on it)."""
        names = [
            *policy.SETTING_VALUES,
            "email_allowed_domains",
            "allowed_auth_methods",
            "allowed_mfa_methods",
        ]
        return any(getattr(self, name) is not None for name in names)

    def given(self) -> list[str]:
        """The names of the fields this change sets."""
        return [field.name for field in fields(self) if getattr(self, field.name) is not None]


FIELD_NAMES = frozenset(field.name for field in fields(OrganizationFields))


@dataclass(frozen=True)
class OrganizationPage:
    organizations: list[OrganizationView]
    total: int
    next_cursor: str | None


def _apply(organization: Organization, given: OrganizationFields) -> None:
    """Check and set every given field but the name, the slug, the external id and the domains."""
    if given.organization_logo_url is not None:
        organization.organization_logo_url = policy.check_logo_url(given.organization_logo_url)
    if given.trusted_metadata is not None:
        organization.trusted_metadata = check_metadata(given.trusted_metadata)
    for name in policy.SETTING_VALUES:
        value = getattr(given, name)
        if value is not None:
            setattr(organization, name, policy.check_setting(name, value))
    if given.allowed_auth_methods is not None:
        organization.allowed_auth_methods = policy.check_choices(
            given.allowed_auth_methods, policy.AUTH_METHODS, field="allowed_auth_methods"
        )
    if given.allowed_mfa_methods is not None:
        organization.allowed_mfa_methods = policy.check_choices(
            given.allowed_mfa_methods, policy.MFA_METHODS, field="allowed_mfa_methods"
        )
    if given.rbac_email_implicit_role_assignments is not None:
        organization.rbac_email_implicit_role_assignments = policy.check_role_assignments(
            given.rbac_email_implicit_role_assignments
        )
    if given.allowed_oauth_tenants is not None:
        organization.allowed_oauth_tenants = check_metadata(given.allowed_oauth_tenants)
    for name in (
        "sso_jit_provisioning_allowed_connections",
        "allowed_first_party_connected_apps",
        "allowed_third_party_connected_apps",
    ):
        value = getattr(given, name)
        if value is not None:
            setattr(organization, name, policy.check_ids(value, field=name))


async def _set_identity(
    repo: OrganizationRepository, organization: Organization, given: OrganizationFields
) -> None:
    """Name, slug and external id, each checked and free in the project."""
    if given.organization_name is not None:
        organization.organization_name = policy.check_organization_name(given.organization_name)
    slug = given.organization_slug
    if slug is not None and slug != organization.organization_slug:
        if await repo.slug_owner(policy.check_slug(slug)) is not None:
            raise KeystileError("organization_slug_already_used")
        organization.organization_slug = slug
    external_id = given.organization_external_id
    if external_id is not None and external_id != organization.organization_external_id:
        if await repo.external_id_owner(check_external_id(external_id)) is not None:
            raise _duplicate_external_id()
        organization.organization_external_id = external_id


async def _set_default_connection(
    repo: OrganizationRepository, organization: Organization, connection_id: str | None
) -> None:
    """A connection of this organization ("" clears the setting)."""
    if connection_id is None:
        return
    if connection_id and not await repo.owns_connection(organization.organization_id, connection_id):
        raise KeystileError("sso_connection_not_found")
    organization.sso_default_connection_id = connection_id or None


async def _set_domains(repo: OrganizationRepository, organization_id: str, given: OrganizationFields) -> None:
    if given.email_allowed_domains is not None:
        await repo.set_domains(organization_id, ALLOWED, policy.check_domains(given.email_allowed_domains))
    if given.claimed_email_domains is not None:
        await repo.set_domains(organization_id, CLAIMED, policy.check_domains(given.claimed_email_domains))


def _duplicate_external_id() -> KeystileError:
    return KeystileError("organization_external_id_already_used")


async def _flush(repo: OrganizationRepository) -> None:
    try:
        await repo.db.flush()
    except IntegrityError as error:
        # Another request took the same slug or external id between check and write.
        if "external_id" in violated_constraint(error):
            raise _duplicate_external_id() from error
        raise KeystileError("organization_slug_already_used") from error


async def _free_slug(repo: OrganizationRepository, base: str) -> str:
    """`base`, or `base` with a random suffix when it is too short or already taken."""
    if len(base) >= policy.SLUG_MIN and await repo.slug_owner(base) is None:
        return base
    return f"{base[: policy.SLUG_MAX - 7]}-{secrets.token_hex(3)}"


async def create_organization(
    call: Call, given: OrganizationFields, *, creator_email: str | None = None
) -> OrganizationView:
    """Create an organization; with `creator_email` (discovery) a missing name or slug is derived from
    that address, otherwise both are required."""
    repo = OrganizationRepository(call.db, call.project_id)
    name, slug = given.organization_name, given.organization_slug
    if creator_email is not None:
        derived_name, derived_slug = policy.derived_name_and_slug(creator_email)
        name = name if name is not None else derived_name
        slug = slug if slug is not None else await _free_slug(repo, derived_slug)
    if name is None:
        raise KeystileError("invalid_organization_name")
    if slug is None:
        slug = await _free_slug(repo, policy.slugify(name))
    settings = dict(policy.SETTING_DEFAULTS)
    if not given.any_auth_setting():
        settings["email_invites"] = policy.ALL_ALLOWED
    organization = Organization.blank(new_id("organization"), call.project_id, settings, call.now)
    _apply(organization, given)
    named = OrganizationFields(
        organization_name=name,
        organization_slug=slug,
        organization_external_id=given.organization_external_id,
    )
    await _set_identity(repo, organization, named)
    call.db.add(organization)
    await _set_domains(repo, organization.organization_id, given)
    await _flush(repo)
    return (await repo.views([organization]))[0]


async def organization_view(call: Call, ref: str, *, for_update: bool = False) -> OrganizationView:
    """The organization whose id, slug or external id is `ref`, or `organization_not_found`."""
    repo = OrganizationRepository(call.db, call.project_id)
    organization = await repo.resolve(ref, for_update=for_update)
    if organization is None:
        raise KeystileError("organization_not_found")
    return (await repo.views([organization]))[0]


async def administered_organization(
    call: Call,
    ref: str,
    acting: MemberCredentials | None,
    resource_id: str,
    actions: Iterable[str | None],
    *,
    what: str,
    for_update: bool = False,
) -> OrganizationView:
    """The organization `ref`, once the acting member session (if any) is found to belong to it and
    may take each of `actions` on the resource there."""
    organization = await organization_view(call, ref, for_update=for_update)
    actor = await acting_member(call, acting, organization.organization_id)
    if actor is not None:
        actor.require(resource_id, actions, what=what)
    return organization


async def update_organization(
    call: Call, ref: str, given: OrganizationFields, *, acting: MemberCredentials | None
) -> OrganizationView:
    repo = OrganizationRepository(call.db, call.project_id)
    administered = await administered_organization(
        call,
        ref,
        acting,
        ORGANIZATION,
        organization_actions(given.given()),
        what="Updating the organization",
        for_update=True,
    )
    organization = administered.organization
    _apply(organization, given)
    await _set_default_connection(repo, organization, given.sso_default_connection_id)
    await _set_identity(repo, organization, given)
    await _set_domains(repo, organization.organization_id, given)
    organization.updated_at = call.now
    await _flush(repo)
    return (await repo.views([organization]))[0]


async def delete_organization(call: Call, ref: str, *, acting: MemberCredentials | None) -> str:
    """Delete the organization with its members and their sessions (and what other packages keep of
    them: Connected Apps grants and tokens); returns its id."""
    administered = await administered_organization(
        call, ref, acting, ORGANIZATION, [DELETE], what="Deleting the organization", for_update=True
    )
    organization = administered.organization
    await OrganizationRepository(call.db, call.project_id).delete(organization.organization_id)
    await PolicyRepository(call.db, call.project_id).delete_organization(organization.organization_id)
    await erasure.erase_organization(call.db, call.project_id, organization.organization_id)
    return organization.organization_id


async def delete_organization_external_id(
    call: Call, ref: str, *, acting: MemberCredentials | None
) -> OrganizationView:
    """Clear the organization's external id (the organization is named by its id or slug then)."""
    administered = await administered_organization(
        call, ref, acting, ORGANIZATION, [WILDCARD], what="Deleting the external id", for_update=True
    )
    administered.organization.organization_external_id = None
    administered.organization.updated_at = call.now
    return administered


async def organization_member_count(call: Call, ref: str) -> int:
    """How many members the organization has (deleted ones not counted): Stytch's organization metrics."""
    organization = await organization_view(call, ref)
    return await OrganizationRepository(call.db, call.project_id).member_count(organization.organization_id)


async def search_organizations(
    call: Call, *, query: dict[str, Any] | None, cursor: str | None, limit: int | None
) -> OrganizationPage:
    repo = OrganizationRepository(call.db, call.project_id)
    page_size = check_limit(limit)
    found, total = await repo.search(
        parse_search(query, search.ORGANIZATION_FILTERS),
        after=decode_cursor(cursor),
        limit=page_size + 1,
    )
    last = found[page_size - 1] if len(found) > page_size else None
    next_cursor = encode_cursor(last.created_at, last.organization_id) if last is not None else None
    return OrganizationPage(await repo.views(found[:page_size]), total, next_cursor)
