"""Tables for SAML and OIDC connections (secrets encrypted at rest), the AuthnRequests and OIDC flows
keystile started, the assertion ids it accepted (against replay), the single-use SSO tokens it hands
the app, and members' SSO registrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, JSONDocument, UTCDateTime, id_column_type
from keystile.db.single_use import SingleUse, SingleUseToken


class SAMLConnection(Base):
    __tablename__ = "saml_connections"
    __table_args__ = (Index(None, "project_id", "organization_id"),)

    connection_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str] = mapped_column(id_column_type())
    # pending until the IdP's entity id, SSO URL, a certificate and the attribute mapping are set
    status: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(256))
    identity_provider: Mapped[str] = mapped_column(String(32))
    idp_entity_id: Mapped[str] = mapped_column(String(2048))
    idp_sso_url: Mapped[str] = mapped_column(String(2048))
    nameid_format: Mapped[str] = mapped_column(String(256))
    alternative_audience_uri: Mapped[str] = mapped_column(String(2048))
    alternative_acs_url: Mapped[str] = mapped_column(String(2048))
    idp_initiated_auth_disabled: Mapped[bool] = mapped_column(Boolean)
    allow_gateway_callback: Mapped[bool] = mapped_column(Boolean)
    attribute_mapping: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # [{"role_id"}] and [{"role_id", "group"}]
    connection_role_assignments: Mapped[list[dict[str, str]]] = mapped_column(JSONDocument)
    group_role_assignments: Mapped[list[dict[str, str]]] = mapped_column(JSONDocument)
    # The IdP's certificates: [{"certificate_id", "certificate" (PEM), "issuer", "created_at", "expires_at"}]
    verification_certificates: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    # Keys the IdP encrypts assertions to, each Fernet-encrypted under the at-rest key:
    # [{"private_key_id", "private_key_encrypted", "created_at"}]
    encryption_private_keys: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    # keystile's key for signing AuthnRequests (Fernet-encrypted) and its certificate, as the SDK's
    # X509Certificate plus "private_key_encrypted"; None on connections made before signing existed.
    signing_key: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SAMLRequest(SingleUse, Base):
    """An AuthnRequest keystile sent to an IdP; its `relay_state_digest` finds it when the IdP answers,
    whose `InResponseTo` must then be `request_id`."""

    __tablename__ = "saml_requests"

    relay_state_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(128))
    connection_id: Mapped[str] = mapped_column(id_column_type())
    login_redirect_url: Mapped[str] = mapped_column(String(2048))
    signup_redirect_url: Mapped[str] = mapped_column(String(2048))
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    # The external connection of another organization this login is for (None: the connection's own).
    external_connection_id: Mapped[str | None] = mapped_column(id_column_type(), nullable=True)


class SAMLAssertionSeen(Base):
    """An assertion keystile accepted: the same id again is a replay until the assertion expires."""

    __tablename__ = "saml_assertions_seen"

    project_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    connection_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    assertion_id: Mapped[str] = mapped_column(String(256), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OIDCConnection(Base):
    __tablename__ = "oidc_connections"
    __table_args__ = (Index(None, "project_id", "organization_id"),)

    connection_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str] = mapped_column(id_column_type())
    # pending until the issuer, client id and secret and the five endpoints are set
    status: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(256))
    identity_provider: Mapped[str] = mapped_column(String(32))
    issuer: Mapped[str] = mapped_column(String(2048))
    client_id: Mapped[str] = mapped_column(String(512))
    # Fernet-encrypted under the at-rest key; "" until set
    client_secret_encrypted: Mapped[str] = mapped_column(Text)
    authorization_url: Mapped[str] = mapped_column(String(2048))
    token_url: Mapped[str] = mapped_column(String(2048))
    userinfo_url: Mapped[str] = mapped_column(String(2048))
    jwks_url: Mapped[str] = mapped_column(String(2048))
    custom_scopes: Mapped[str] = mapped_column(String(2048))
    attribute_mapping: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OIDCRequest(SingleUse, Base):
    """An OIDC login keystile sent to a provider, found by its `state` when the provider redirects back;
    the ID token must carry `nonce`, and the code is redeemed with keystile's PKCE verifier."""

    __tablename__ = "oidc_requests"

    state_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    connection_id: Mapped[str] = mapped_column(id_column_type())
    nonce: Mapped[str] = mapped_column(String(128))
    provider_verifier_encrypted: Mapped[str] = mapped_column(Text)
    login_redirect_url: Mapped[str] = mapped_column(String(2048))
    signup_redirect_url: Mapped[str] = mapped_column(String(2048))
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    # The external connection of another organization this login is for (None: the connection's own).
    external_connection_id: Mapped[str | None] = mapped_column(id_column_type(), nullable=True)


class SSOToken(SingleUseToken, Base):
    """What an IdP asserted, for `sso.authenticate` to turn into a member session (exactly once)."""

    __tablename__ = "sso_tokens"

    organization_id: Mapped[str] = mapped_column(id_column_type())
    connection_id: Mapped[str] = mapped_column(id_column_type())
    email_address: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(256))
    # The IdP's NameID (SAML) or subject (OIDC) of the person.
    provider_subject: Mapped[str] = mapped_column(String(512))
    idp_groups: Mapped[list[str]] = mapped_column(JSONDocument)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDocument)


class ExternalConnection(Base):
    """An organization's use of another organization's SAML or OIDC connection (of the same project)."""

    __tablename__ = "external_sso_connections"
    __table_args__ = (Index(None, "project_id", "organization_id"), Index(None, "external_connection_id"))

    connection_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    organization_id: Mapped[str] = mapped_column(id_column_type())
    external_organization_id: Mapped[str] = mapped_column(id_column_type())
    external_connection_id: Mapped[str] = mapped_column(id_column_type())
    display_name: Mapped[str] = mapped_column(String(256))
    # [{"role_id"}] and [{"role_id", "group"}]
    connection_role_assignments: Mapped[list[dict[str, str]]] = mapped_column(JSONDocument)
    group_role_assignments: Mapped[list[dict[str, str]]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SSORegistration(Base):
    """A member's identity at one connection (Stytch's `sso_registrations`): the IdP's subject for it and
    the attributes of its latest login."""

    __tablename__ = "member_sso_registrations"
    __table_args__ = (
        UniqueConstraint("project_id", "member_id", "connection_id"),
        Index(None, "project_id", "connection_id"),
    )

    registration_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    project_id: Mapped[str] = mapped_column(id_column_type())
    member_id: Mapped[str] = mapped_column(id_column_type())
    connection_id: Mapped[str] = mapped_column(id_column_type())
    external_id: Mapped[str] = mapped_column(String(512))
    sso_attributes: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
