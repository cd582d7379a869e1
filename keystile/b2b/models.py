"""Tables for organizations (with their email domains), members (with their retired addresses and OAuth
registrations), member sessions, intermediate sessions and B2B magic-link and OAuth tokens; tokens of
every kind are stored as SHA-256 digests only."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type
from keystile.db.single_use import SingleUse, SingleUseToken
from keystile.sessions.models import SessionColumns


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = (
        UniqueConstraint("project_id", "organization_slug"),
        UniqueConstraint("project_id", "organization_external_id"),
        Index(None, "project_id", "created_at", "organization_id"),
    )

    organization_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    organization_name: Mapped[str] = mapped_column(String(128))
    organization_slug: Mapped[str] = mapped_column(String(128))
    organization_logo_url: Mapped[str] = mapped_column(String(2048))
    organization_external_id: Mapped[str | None] = mapped_column(String(128))
    trusted_metadata: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # The authentication settings: each one of the values `policy.SETTING_VALUES` allows.
    sso_jit_provisioning: Mapped[str] = mapped_column(String(16))
    email_jit_provisioning: Mapped[str] = mapped_column(String(16))
    email_invites: Mapped[str] = mapped_column(String(16))
    auth_methods: Mapped[str] = mapped_column(String(16))
    mfa_policy: Mapped[str] = mapped_column(String(16))
    mfa_methods: Mapped[str] = mapped_column(String(16))
    oauth_tenant_jit_provisioning: Mapped[str] = mapped_column(String(16))
    first_party_connected_apps_allowed_type: Mapped[str] = mapped_column(String(16))
    third_party_connected_apps_allowed_type: Mapped[str] = mapped_column(String(16))
    allowed_auth_methods: Mapped[list[str]] = mapped_column(JSONDocument)
    allowed_mfa_methods: Mapped[list[str]] = mapped_column(JSONDocument)
    # [{"domain": ..., "role_id": ...}]: members of that email domain hold the role.
    rbac_email_implicit_role_assignments: Mapped[list[dict[str, str]]] = mapped_column(JSONDocument)
    sso_jit_provisioning_allowed_connections: Mapped[list[str]] = mapped_column(JSONDocument)
    allowed_oauth_tenants: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    allowed_first_party_connected_apps: Mapped[list[str]] = mapped_column(JSONDocument)
    allowed_third_party_connected_apps: Mapped[list[str]] = mapped_column(JSONDocument)
    # The SSO connection a login by organization uses: the first one created, unless set otherwise.
    sso_default_connection_id: Mapped[str | None] = mapped_column(id_column_type(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @classmethod
    def blank(
        cls,
        organization_id: str,
        project_id: str,
        settings: Mapping[str, str],
        now: datetime,
        *,
        name: str = "",
        slug: str = "",
    ) -> Organization:
        """An organization with its authentication `settings` and nothing else yet: no logo, external id,
        metadata or lists."""
        return cls(
            organization_id=organization_id,
            project_id=project_id,
            organization_name=name,
            organization_slug=slug,
            organization_logo_url="",
            organization_external_id=None,
            sso_default_connection_id=None,
            trusted_metadata={},
            allowed_auth_methods=[],
            allowed_mfa_methods=[],
            rbac_email_implicit_role_assignments=[],
            sso_jit_provisioning_allowed_connections=[],
            allowed_oauth_tenants={},
            allowed_first_party_connected_apps=[],
            allowed_third_party_connected_apps=[],
            created_at=now,
            updated_at=now,
            **settings,
        )


class OrganizationDomain(Base):
    """An email domain of an organization: `allowed` (invites, JIT provisioning) or `claimed`. A table
    rather than a JSON list, so that discovery finds the organizations of a domain by an index."""

    __tablename__ = "organization_domains"
    __table_args__ = (Index(None, "project_id", "kind", "domain"),)

    organization_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    domain: Mapped[str] = mapped_column(String(253), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("project_id", "organization_id", "email_address"),
        UniqueConstraint("project_id", "organization_id", "external_id"),
        Index(None, "project_id", "email_address"),
        Index(None, "project_id", "organization_id", "created_at", "member_id"),
    )

    member_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str] = mapped_column(id_column_type())
    # The id of the member's email address, the `method_id` of magic links sent to it.
    email_id: Mapped[str] = mapped_column(id_column_type())
    email_address: Mapped[str] = mapped_column(String(320))
    email_address_verified: Mapped[bool] = mapped_column(Boolean)
    # active, pending, invited or deleted
    status: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(256))
    is_breakglass: Mapped[bool] = mapped_column(Boolean)
    mfa_enrolled: Mapped[bool] = mapped_column(Boolean)
    mfa_phone_number: Mapped[str] = mapped_column(String(32))
    mfa_phone_number_verified: Mapped[bool] = mapped_column(Boolean)
    default_mfa_method: Mapped[str] = mapped_column(String(16))
    # The member's verified TOTP registration ("" for none), kept here for the Member object.
    totp_registration_id: Mapped[str] = mapped_column(String(96), default="", server_default="")
    external_id: Mapped[str | None] = mapped_column(String(128))
    # The member's password (its own, or its address's cross-organization one), kept by b2b.passwords.
    member_password_id: Mapped[str | None] = mapped_column(id_column_type())
    # Roles assigned explicitly; `stytch_member` and email-domain roles are implicit.
    roles: Mapped[list[str]] = mapped_column(JSONDocument)
    # Roles from SAML connections and their IdP groups as of the member's latest SSO login through
    # each, and from the SCIM groups the member is in: [{"role_id", "type" (sso_connection,
    # sso_connection_group or scim_connection_group), "details" (with the connection_id)}]; None for none.
    sso_role_sources: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDocument, nullable=True)
    trusted_metadata: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    untrusted_metadata: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RetiredMemberEmail(Base):
    """An address a member used before its current one (Stytch's retired email): kept, and unusable by
    the organization's other members, until it is unlinked."""

    __tablename__ = "member_retired_emails"
    __table_args__ = (
        UniqueConstraint("project_id", "organization_id", "email_address"),
        Index(None, "project_id", "member_id"),
    )

    # The id the address had while it was the member's (`Member.email_id`).
    email_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str] = mapped_column(id_column_type())
    member_id: Mapped[str] = mapped_column(id_column_type())
    email_address: Mapped[str] = mapped_column(String(320))
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MemberSession(SessionColumns, Base):
    """A member's session in one organization."""

    __tablename__ = "member_sessions"
    __table_args__ = (Index(None, "project_id", "member_id"),)

    member_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str] = mapped_column(id_column_type())

    @property
    def subject_id(self) -> str:
        """Whom the session's JWTs are about (their `sub`)."""
        return self.member_id


class IntermediateSession(SingleUse, Base):
    """Proof that someone controls `email_address`, not yet tied to an organization (or, when an
    organization asked for more factors, tied to one): single use, ten minutes."""

    __tablename__ = "intermediate_sessions"

    intermediate_session_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    email_address: Mapped[str] = mapped_column(String(320))
    organization_id: Mapped[str | None] = mapped_column(id_column_type())
    member_id: Mapped[str | None] = mapped_column(id_column_type())
    # The factors authenticated so far (AuthenticationFactor objects), carried into the member session.
    authentication_factors: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDocument)


class B2BMagicLinkToken(SingleUseToken, Base):
    __tablename__ = "b2b_magic_link_tokens"
    __table_args__ = (Index(None, "project_id", "member_id"),)

    # discovery, login, signup, invite or email_update (to `email_address`, the member's new address)
    kind: Mapped[str] = mapped_column(String(16))
    email_address: Mapped[str] = mapped_column(String(320))
    # Null for discovery links, which belong to an address rather than a member.
    organization_id: Mapped[str | None] = mapped_column(id_column_type())
    member_id: Mapped[str | None] = mapped_column(id_column_type())


class VouchedAccount:
    """The columns of a B2B OAuth token: the account a provider vouched for (its verified address,
    tenant, name, picture and locale), kept for the member registration its login records."""

    email_address: Mapped[str] = mapped_column(String(320))
    provider: Mapped[str] = mapped_column(String(32))
    provider_subject: Mapped[str] = mapped_column(String(255))
    provider_tenant_id: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(512))
    profile_picture_url: Mapped[str] = mapped_column(String(2048), default="", server_default="")
    locale: Mapped[str] = mapped_column(String(64), default="", server_default="")


class B2BDiscoveryOAuthToken(VouchedAccount, SingleUseToken, Base):
    """The token of `?stytch_token_type=discovery_oauth&token=…`: the address a provider vouched for,
    redeemed once by `oauth.discovery.authenticate` for an intermediate session; the provider's tokens
    (encrypted; NULL in tokens issued before they were kept) go to the registration of the member the
    intermediate session enters."""

    __tablename__ = "b2b_oauth_discovery_tokens"

    provider_tokens_encrypted: Mapped[str | None] = mapped_column(Text)


class B2BOAuthToken(VouchedAccount, SingleUseToken, Base):
    """The token of an organization OAuth login's `?stytch_token_type=oauth&token=…`: the account a
    provider vouched for and its tokens (encrypted), redeemed once by `b2b.oauth.authenticate`."""

    __tablename__ = "b2b_oauth_tokens"

    organization_id: Mapped[str] = mapped_column(id_column_type())
    provider_tokens_encrypted: Mapped[str] = mapped_column(Text)


class MemberOAuthRegistration(Base):
    """A member's account at an OAuth provider (Stytch's `oauth_registrations` entry), one per provider
    subject, with the tenant and the provider's tokens (encrypted) of its latest login."""

    __tablename__ = "member_oauth_registrations"
    __table_args__ = (
        # Named: the convention's name would pass MySQL's 64 characters.
        UniqueConstraint(
            "project_id",
            "member_id",
            "provider",
            "provider_subject",
            name="uq_member_oauth_registrations_account",
        ),
        Index(None, "project_id", "organization_id"),
    )

    registration_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str] = mapped_column(id_column_type())
    member_id: Mapped[str] = mapped_column(id_column_type())
    provider: Mapped[str] = mapped_column(String(32))
    provider_subject: Mapped[str] = mapped_column(String(255))
    provider_tenant_id: Mapped[str] = mapped_column(String(255))
    profile_picture_url: Mapped[str] = mapped_column(String(2048))
    locale: Mapped[str] = mapped_column(String(64))
    # NULL when the login's tokens were not kept (a discovery token issued before they were).
    provider_tokens_encrypted: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
