"""Stytch's organization rules as pure functions: settings and defaults, who may join or be invited by
email, the factors an organization demands, members' roles, names and slugs derived from an address."""

from __future__ import annotations

import re
from typing import Any, Final

from keystile.errors import KeystileError
from keystile.text import has_control_characters

ALL_ALLOWED, RESTRICTED, NOT_ALLOWED = "ALL_ALLOWED", "RESTRICTED", "NOT_ALLOWED"
SETTING_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "sso_jit_provisioning": (ALL_ALLOWED, RESTRICTED, NOT_ALLOWED),
    "email_jit_provisioning": (RESTRICTED, NOT_ALLOWED),
    "email_invites": (ALL_ALLOWED, RESTRICTED, NOT_ALLOWED),
    "auth_methods": (ALL_ALLOWED, RESTRICTED),
    "mfa_policy": ("REQUIRED_FOR_ALL", "OPTIONAL"),
    "mfa_methods": (ALL_ALLOWED, RESTRICTED),
    "oauth_tenant_jit_provisioning": (RESTRICTED, NOT_ALLOWED),
    "first_party_connected_apps_allowed_type": (ALL_ALLOWED, RESTRICTED, NOT_ALLOWED),
    "third_party_connected_apps_allowed_type": (ALL_ALLOWED, RESTRICTED, NOT_ALLOWED),
}
# Stytch's defaults; `email_invites` is ALL_ALLOWED only when no setting at all was given.
SETTING_DEFAULTS: Final[dict[str, str]] = {
    "sso_jit_provisioning": ALL_ALLOWED,
    "email_jit_provisioning": NOT_ALLOWED,
    "email_invites": NOT_ALLOWED,
    "auth_methods": ALL_ALLOWED,
    "mfa_policy": "OPTIONAL",
    "mfa_methods": ALL_ALLOWED,
    "oauth_tenant_jit_provisioning": NOT_ALLOWED,
    "first_party_connected_apps_allowed_type": ALL_ALLOWED,
    "third_party_connected_apps_allowed_type": ALL_ALLOWED,
}
AUTH_METHODS: Final = (
    "sso",
    "magic_link",
    "email_otp",
    "password",
    "google_oauth",
    "microsoft_oauth",
    "slack_oauth",
    "github_oauth",
    "hubspot_oauth",
)
MFA_METHODS: Final = ("sms_otp", "totp")
MEMBER_STATUSES: Final = ("active", "pending", "invited", "deleted")
MEMBER_ROLE: Final = "stytch_member"
ADMIN_ROLE: Final = "stytch_admin"
# Free mail providers: never an organization's domain (Stytch refuses them as allowed domains, and
# names an organization created from such an address after the person instead).
COMMON_EMAIL_DOMAINS: Final = frozenset(
    {
        "aol.com",
        "gmail.com",
        "gmx.com",
        "gmx.de",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "yahoo.com",
        "yandex.com",
        "zoho.com",
    }
)
NAME_MAX, SLUG_MIN, SLUG_MAX, URL_MAX, LIST_MAX = 128, 2, 128, 2048, 100
SLUG = re.compile(r"^[A-Za-z0-9._~-]+$")
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
ROLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def check_organization_name(name: str) -> str:
    if not 0 < len(name) <= NAME_MAX or has_control_characters(name) or not name.strip():
        raise KeystileError("invalid_organization_name")
    return name


def check_slug(slug: str) -> str:
    if not SLUG_MIN <= len(slug) <= SLUG_MAX or not SLUG.match(slug):
        raise KeystileError("invalid_organization_slug")
    return slug


def check_logo_url(url: str) -> str:
    """An http(s) URL, or "" for none."""
    if url and (not re.match(r"^https?://[^\s]+$", url) or len(url) > URL_MAX):
        raise KeystileError("invalid_argument", "organization_logo_url must be an http(s) URL.")
    return url


def check_setting(name: str, value: str) -> str:
    allowed = SETTING_VALUES[name]
    if value not in allowed:
        raise KeystileError("invalid_argument", f"{name} must be one of {', '.join(allowed)}.")
    return value


def check_choices(values: list[str], allowed: tuple[str, ...], *, field: str) -> list[str]:
    unknown = [value for value in values if value not in allowed]
    if unknown or len(values) > LIST_MAX:
        raise KeystileError("invalid_argument", f"{field} may contain only {', '.join(allowed)}.")
    return list(dict.fromkeys(values))


def check_ids(values: list[str], *, field: str) -> list[str]:
    """Identifiers of things keystile does not manage yet (SSO connections, connected apps)."""
    if len(values) > LIST_MAX or not all(ROLE_ID.match(value) for value in values):
        raise KeystileError("invalid_argument", f"{field} must be a list of identifiers.")
    return list(dict.fromkeys(values))


def normalize_domain(raw: str) -> str:
    """A lower-case ASCII (IDNA) domain name, or `invalid_email_domain`."""
    try:
        domain = raw.strip().lower().encode("idna").decode("ascii")
    except UnicodeError as error:
        raise KeystileError("invalid_email_domain") from error
    if not DOMAIN.match(domain):
        raise KeystileError("invalid_email_domain", f"{raw[:64]!r} is not a domain name.")
    return domain


def check_domains(domains: list[str], *, allow_common: bool = False) -> list[str]:
    if len(domains) > LIST_MAX:
        raise KeystileError("invalid_email_domain", f"At most {LIST_MAX} domains.")
    checked = [normalize_domain(domain) for domain in domains]
    common = [domain for domain in checked if domain in COMMON_EMAIL_DOMAINS]
    if common and not allow_common:
        raise KeystileError("invalid_email_domain", f"Common email domains are not allowed: {common[0]}.")
    return list(dict.fromkeys(checked))


def check_role_id(role_id: str) -> str:
    if not ROLE_ID.match(role_id):
        raise KeystileError(
            "invalid_argument", "Role ids are 1 to 128 letters, digits, '.', '_', ':' or '-'."
        )
    return role_id


def check_role_assignments(assignments: list[dict[str, str]]) -> list[dict[str, str]]:
    if len(assignments) > LIST_MAX:
        raise KeystileError("invalid_argument", "Too many rbac_email_implicit_role_assignments.")
    return [
        {"domain": normalize_domain(item["domain"]), "role_id": check_role_id(item["role_id"])}
        for item in assignments
    ]


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[1]


def may_join_by_email_domain(email_jit_provisioning: str, allowed_domains: list[str], email: str) -> bool:
    """JIT provisioning: a new member with a verified `email` may join."""
    return email_jit_provisioning == RESTRICTED and email_domain(email) in allowed_domains


def may_be_invited(email_invites: str, allowed_domains: list[str], email: str) -> bool:
    if email_invites == ALL_ALLOWED:
        return True
    return email_invites == RESTRICTED and email_domain(email) in allowed_domains


def primary_auth_allowed(
    auth_methods: str, allowed_auth_methods: list[str], *, is_breakglass: bool, method: str
) -> bool:
    """Whether the primary `method` (`magic_link`, `email_otp`, ...) satisfies the organization's
    primary authentication rules."""
    return auth_methods == ALL_ALLOWED or method in allowed_auth_methods or is_breakglass


# Stytch's auth method of a primary AuthenticationFactor, by (type, delivery_method).
_FACTOR_METHODS: Final = {
    ("magic_link", "email"): "magic_link",
    ("otp", "email"): "email_otp",
    ("password", "knowledge"): "password",
    ("password", "email"): "password",
    ("sso", "sso_saml"): "sso",
    ("sso", "sso_oidc"): "sso",
    **{
        ("oauth", f"oauth_{name}"): f"{name}_oauth"
        for name in ("google", "microsoft", "slack", "github", "hubspot")
    },
}


def primary_methods(factors: list[dict[str, Any]]) -> list[str]:
    """The organization auth methods (`AUTH_METHODS`) that `factors` include."""
    found = (_FACTOR_METHODS.get((str(f.get("type")), str(f.get("delivery_method")))) for f in factors)
    return [method for method in found if method is not None]


def mfa_method_allowed(
    mfa_methods: str, allowed_mfa_methods: list[str], *, is_breakglass: bool, method: str
) -> bool:
    """Whether the second factor `method` (`sms_otp` or `totp`) is one the organization allows."""
    return mfa_methods == ALL_ALLOWED or method in allowed_mfa_methods or is_breakglass


def mfa_required(mfa_policy: str, *, mfa_enrolled: bool) -> bool:
    return mfa_policy == "REQUIRED_FOR_ALL" or mfa_enrolled


def member_roles(
    explicit: list[str],
    email: str,
    implicit_assignments: list[dict[str, str]],
    sso_sources: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The SDK's `MemberRole` list: `stytch_member` for everyone, the explicit roles, the roles the
    member's email domain grants, then those its SSO logins granted, each with where it comes from."""
    sources: dict[str, list[dict[str, Any]]] = {MEMBER_ROLE: [{"type": "direct_assignment", "details": {}}]}
    for role_id in explicit:
        sources.setdefault(role_id, [])
        if role_id != MEMBER_ROLE:
            sources[role_id].append({"type": "direct_assignment", "details": {}})
    domain = email_domain(email)
    for assignment in implicit_assignments:
        if assignment["domain"] == domain:
            details = {"email_domain": domain}
            sources.setdefault(assignment["role_id"], []).append(
                {"type": "email_assignment", "details": details}
            )
    for source in sso_sources or []:
        sources.setdefault(source["role_id"], []).append(
            {"type": source["type"], "details": source["details"]}
        )
    return [{"role_id": role_id, "sources": found} for role_id, found in sources.items()]


def _other_connections(previous: list[dict[str, Any]] | None, connection_id: str) -> list[dict[str, Any]]:
    """A member's role sources less those of the connection `connection_id`."""
    return [source for source in previous or [] if source["details"]["connection_id"] != connection_id]


def sso_role_sources(
    previous: list[dict[str, Any]] | None,
    connection_id: str,
    connection_roles: list[dict[str, str]],
    group_roles: list[dict[str, str]],
    idp_groups: list[str],
) -> list[dict[str, Any]]:
    """A member's SSO role sources after a login through `connection_id` asserting `idp_groups`: that
    connection's earlier ones replaced by its roles for everyone and for the groups the member is in."""
    kept = _other_connections(previous, connection_id)
    details = {"connection_id": connection_id}
    granted = [
        {"role_id": item["role_id"], "type": "sso_connection", "details": details}
        for item in connection_roles
    ]
    granted += [
        {
            "role_id": item["role_id"],
            "type": "sso_connection_group",
            "details": {**details, "group": item["group"]},
        }
        for item in group_roles
        if item["group"] in idp_groups
    ]
    return kept + granted


def scim_role_sources(
    previous: list[dict[str, Any]] | None,
    connection_id: str,
    group_roles: list[dict[str, str]],
    group_ids: list[str],
) -> list[dict[str, Any]]:
    """A member's role sources once it is in the SCIM connection's groups `group_ids`: that
    connection's earlier ones replaced by the roles its assignments grant those groups."""
    details = {"connection_id": connection_id}
    granted = [
        {
            "role_id": item["role_id"],
            "type": "scim_connection_group",
            "details": {**details, "group_id": item["group_id"]},
        }
        for item in group_roles
        if item["group_id"] in group_ids
    ]
    return _other_connections(previous, connection_id) + granted


def sso_connections(factors: list[dict[str, Any]]) -> set[str]:
    """The SSO connections that factors logged in through."""
    return {f["saml_sso_factor"]["provider_id"] for f in factors if f.get("saml_sso_factor")}


def session_roles(roles: list[dict[str, Any]], factors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The roles a session holds: an SSO connection's roles only when one of its factors is a login
    through that connection, as Stytch grants them for JWTs and authorization checks."""
    connections = sso_connections(factors)
    held = []
    for role in roles:
        kept = [
            source
            for source in role["sources"]
            if not source["type"].startswith("sso_connection")
            or source["details"]["connection_id"] in connections
        ]
        if kept:
            held.append({"role_id": role["role_id"], "sources": kept})
    return held


def role_ids(roles: list[dict[str, Any]]) -> list[str]:
    return [str(role["role_id"]) for role in roles]


def derived_name_and_slug(email: str) -> tuple[str, str]:
    """What Stytch names an organization created from `email` alone: after the domain
    (`ada@acme.co` -> "acme.co"), or, for free mail providers and .edu addresses, after the person."""
    local, domain = email.rsplit("@", 1)
    personal = domain in COMMON_EMAIL_DOMAINS or domain.endswith(".edu")
    base = local if personal else domain
    return base[:NAME_MAX], slugify(base)


def slugify(text: str) -> str:
    """A slug for `text` ("Acme Co" -> "acme-co"); it may still be too short or taken."""
    return re.sub(r"[^a-z0-9._~-]+", "-", text.lower()).strip("-.")[:SLUG_MAX] or "organization"
