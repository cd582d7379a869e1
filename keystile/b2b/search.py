"""The Organizations and Members search filters: each reads its operand into an SQL condition (see
`search_operands`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, false, func, select, true

from keystile.b2b import policy
from keystile.b2b.models import Member, Organization, OrganizationDomain
from keystile.b2b.organization_rows import ALLOWED, CLAIMED
from keystile.errors import KeystileError
from keystile.identity.contact import normalize_email, normalize_phone
from keystile.search_operands import Filters, boolean, contains_pattern, string, strings

MIN_FUZZY = 3


def _fuzzy(value: Any, *, field: str) -> str:
    text = string(value, field=field)
    if len(text) < MIN_FUZZY:
        raise KeystileError("invalid_search_query", f"{field} needs at least {MIN_FUZZY} characters.")
    return contains_pattern(text)


def _domain_exists(kind: str, *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(
        select(OrganizationDomain.domain).where(
            OrganizationDomain.project_id == Organization.project_id,
            OrganizationDomain.organization_id == Organization.organization_id,
            OrganizationDomain.kind == kind,
            *conditions,
        )
    )


def _member_exists(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(
        select(Member.member_id).where(
            Member.project_id == Organization.project_id,
            Member.organization_id == Organization.organization_id,
            Member.status != "deleted",
            *conditions,
        )
    )


def _domains(value: Any, *, field: str) -> list[str]:
    return [policy.normalize_domain(domain) for domain in strings(value, field=field)]


def _no_sso(value: Any) -> ColumnElement[bool]:
    """keystile has no SSO connections yet: no organization has an active one."""
    return false() if boolean(value, field="has_active_sso_connection") else true()


def _no_sso_connection(value: Any) -> ColumnElement[bool]:
    string(value, field="sso_connection_id")
    return false()


ORGANIZATION_FILTERS: Filters = {
    "organization_ids": lambda v: Organization.organization_id.in_(strings(v, field="organization_ids")),
    "organization_slugs": lambda v: Organization.organization_slug.in_(
        strings(v, field="organization_slugs")
    ),
    "organization_slug_fuzzy": lambda v: func.lower(Organization.organization_slug).like(
        _fuzzy(v, field="organization_slug_fuzzy"), escape="\\"
    ),
    "organization_name_fuzzy": lambda v: func.lower(Organization.organization_name).like(
        _fuzzy(v, field="organization_name_fuzzy"), escape="\\"
    ),
    "member_emails": lambda v: _member_exists(
        Member.email_address.in_([normalize_email(e) for e in strings(v, field="member_emails")])
    ),
    "member_email_fuzzy": lambda v: _member_exists(
        Member.email_address.like(_fuzzy(v, field="member_email_fuzzy"), escape="\\")
    ),
    "allowed_domains": lambda v: _domain_exists(
        ALLOWED, OrganizationDomain.domain.in_(_domains(v, field="allowed_domains"))
    ),
    "allowed_domain_fuzzy": lambda v: _domain_exists(
        ALLOWED, OrganizationDomain.domain.like(_fuzzy(v, field="allowed_domain_fuzzy"), escape="\\")
    ),
    "claimed_email_domains": lambda v: _domain_exists(
        CLAIMED, OrganizationDomain.domain.in_(_domains(v, field="claimed_email_domains"))
    ),
    "has_active_sso_connection": _no_sso,
    "sso_connection_id": _no_sso_connection,
}


def _statuses(value: Any) -> ColumnElement[bool]:
    statuses = strings(value, field="statuses")
    if not set(statuses) <= set(policy.MEMBER_STATUSES):
        raise KeystileError("invalid_search_query", f"statuses are {', '.join(policy.MEMBER_STATUSES)}.")
    return Member.status.in_(statuses)


MEMBER_FILTERS: Filters = {
    "member_ids": lambda v: Member.member_id.in_(strings(v, field="member_ids")),
    "member_emails": lambda v: Member.email_address.in_(
        [normalize_email(e) for e in strings(v, field="member_emails")]
    ),
    "member_email_fuzzy": lambda v: Member.email_address.like(
        _fuzzy(v, field="member_email_fuzzy"), escape="\\"
    ),
    "member_is_breakglass": lambda v: Member.is_breakglass.is_(boolean(v, field="member_is_breakglass")),
    "statuses": _statuses,
    "member_mfa_phone_numbers": lambda v: Member.mfa_phone_number.in_(
        [normalize_phone(p) for p in strings(v, field="member_mfa_phone_numbers")]
    ),
    "member_mfa_phone_number_fuzzy": lambda v: Member.mfa_phone_number.like(
        _fuzzy(v, field="member_mfa_phone_number_fuzzy"), escape="\\"
    ),
    "member_password_exists": lambda v: false() if boolean(v, field="member_password_exists") else true(),
}


def filters_statuses(query: dict[str, Any] | None) -> bool:
    """Whether a members query names statuses itself (otherwise deleted members are left out)."""
    operands = (query or {}).get("operands") or []
    return any(isinstance(o, dict) and o.get("filter_name") == "statuses" for o in operands)
