"""Request and response bodies of the B2B SSO API (SAML and OIDC connections, sso.authenticate), as the
official SDKs use them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from keystile.api.schemas.b2b_sessions import EntryResponse
from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.ids import OrganizationId, SSOConnectionId
from keystile.api.schemas.sessions import TOKEN_MAX, SessionFields
from keystile.b2b.sso.flow import acs_url
from keystile.b2b.sso.models import ExternalConnection, OIDCConnection, SAMLConnection

Text = Annotated[str, Field(max_length=2048)]
PEM = Annotated[str, Field(max_length=16_384)]


class RoleAssignmentIn(BaseModel):
    role_id: Annotated[str, Field(max_length=128)]


class GroupRoleAssignmentIn(RoleAssignmentIn):
    group: Annotated[str, Field(max_length=512)]


class CreateSAMLRequest(RequestBody):
    display_name: Text | None = None
    identity_provider: Annotated[str, Field(max_length=32)] | None = None


class UpdateSAMLRequest(RequestBody):
    idp_entity_id: Text | None = None
    display_name: Text | None = None
    attribute_mapping: dict[str, Any] | None = Field(default=None, max_length=50)
    x509_certificate: PEM | None = None
    idp_sso_url: Text | None = None
    saml_connection_implicit_role_assignments: list[RoleAssignmentIn] | None = Field(
        default=None, max_length=100
    )
    saml_group_implicit_role_assignments: list[GroupRoleAssignmentIn] | None = Field(
        default=None, max_length=100
    )
    alternative_audience_uri: Text | None = None
    identity_provider: Annotated[str, Field(max_length=32)] | None = None
    signing_private_key: PEM | None = None
    nameid_format: Text | None = None
    alternative_acs_url: Text | None = None
    idp_initiated_auth_disabled: bool | None = None
    saml_encryption_private_key: PEM | None = None
    allow_gateway_callback: bool | None = None


class CreateOIDCRequest(CreateSAMLRequest):
    pass


class UpdateOIDCRequest(RequestBody):
    display_name: Text | None = None
    client_id: Annotated[str, Field(max_length=512)] | None = None
    client_secret: Annotated[str, Field(max_length=2048)] | None = None
    issuer: Text | None = None
    authorization_url: Text | None = None
    token_url: Text | None = None
    userinfo_url: Text | None = None
    jwks_url: Text | None = None
    identity_provider: Annotated[str, Field(max_length=32)] | None = None
    custom_scopes: Text | None = None
    attribute_mapping: dict[str, Any] | None = Field(default=None, max_length=50)


class UpdateByURLRequest(RequestBody):
    metadata_url: Text


class AuthenticateRequest(SessionFields):
    sso_token: str = Field(min_length=1, max_length=256)
    pkce_code_verifier: str | None = Field(default=None, max_length=256)
    locale: str | None = Field(default=None, max_length=16)
    intermediate_session_token: str | None = Field(default=None, max_length=TOKEN_MAX)


class SAMLConnectionOut(BaseModel):
    organization_id: str
    connection_id: str
    status: str
    idp_entity_id: str
    display_name: str
    idp_sso_url: str
    acs_url: str
    audience_uri: str
    signing_certificates: list[dict[str, Any]]
    verification_certificates: list[dict[str, Any]]
    encryption_private_keys: list[dict[str, Any]]
    saml_connection_implicit_role_assignments: list[dict[str, str]]
    saml_group_implicit_role_assignments: list[dict[str, str]]
    alternative_audience_uri: str
    identity_provider: str
    nameid_format: str
    alternative_acs_url: str
    idp_initiated_auth_disabled: bool
    allow_gateway_callback: bool
    attribute_mapping: dict[str, Any]


def public_certificate(entry: dict[str, Any]) -> dict[str, Any]:
    """A stored certificate entry as the SDK's `X509Certificate`, without any private key it carries."""
    return {name: value for name, value in entry.items() if name != "private_key_encrypted"}


def saml_connection_out(row: SAMLConnection, base_url: str) -> SAMLConnectionOut:
    """The SDK's `SAMLConnection`; encryption keys are shown by id only, never their private key."""
    url = acs_url(base_url, row.connection_id)
    keys = [
        {"private_key_id": key["private_key_id"], "private_key": "", "created_at": key["created_at"]}
        for key in row.encryption_private_keys
    ]
    return SAMLConnectionOut(
        organization_id=row.organization_id,
        connection_id=row.connection_id,
        status=row.status,
        idp_entity_id=row.idp_entity_id,
        display_name=row.display_name,
        idp_sso_url=row.idp_sso_url,
        acs_url=url,
        audience_uri=url,
        signing_certificates=[public_certificate(row.signing_key)] if row.signing_key else [],
        verification_certificates=list(row.verification_certificates),
        encryption_private_keys=keys,
        saml_connection_implicit_role_assignments=list(row.connection_role_assignments),
        saml_group_implicit_role_assignments=list(row.group_role_assignments),
        alternative_audience_uri=row.alternative_audience_uri,
        identity_provider=row.identity_provider,
        nameid_format=row.nameid_format,
        alternative_acs_url=row.alternative_acs_url,
        idp_initiated_auth_disabled=row.idp_initiated_auth_disabled,
        allow_gateway_callback=row.allow_gateway_callback,
        attribute_mapping=dict(row.attribute_mapping),
    )


class OIDCConnectionOut(BaseModel):
    organization_id: str
    connection_id: str
    status: str
    display_name: str
    redirect_url: str
    client_id: str
    client_secret: str
    issuer: str
    authorization_url: str
    token_url: str
    userinfo_url: str
    jwks_url: str
    identity_provider: str
    custom_scopes: str
    attribute_mapping: dict[str, Any]


def oidc_connection_out(row: OIDCConnection, base_url: str) -> OIDCConnectionOut:
    """The SDK's `OIDCConnection`; the client secret is never shown back (it is stored encrypted)."""
    return OIDCConnectionOut(
        organization_id=row.organization_id,
        connection_id=row.connection_id,
        status=row.status,
        display_name=row.display_name,
        redirect_url=acs_url(base_url, row.connection_id),
        client_id=row.client_id,
        client_secret="",
        issuer=row.issuer,
        authorization_url=row.authorization_url,
        token_url=row.token_url,
        userinfo_url=row.userinfo_url,
        jwks_url=row.jwks_url,
        identity_provider=row.identity_provider,
        custom_scopes=row.custom_scopes,
        attribute_mapping=dict(row.attribute_mapping),
    )


class OIDCConnectionResponse(StytchResponse):
    connection: OIDCConnectionOut
    warning: str | None = None


class SAMLConnectionResponse(StytchResponse):
    connection: SAMLConnectionOut


class DeleteCertificateResponse(StytchResponse):
    certificate_id: str


class DeletePrivateKeyResponse(StytchResponse):
    private_key_id: str


class CreateExternalRequest(RequestBody):
    external_organization_id: OrganizationId
    external_connection_id: SSOConnectionId
    display_name: Text | None = None
    connection_implicit_role_assignments: list[RoleAssignmentIn] | None = Field(default=None, max_length=50)
    group_implicit_role_assignments: list[GroupRoleAssignmentIn] | None = Field(default=None, max_length=50)


class UpdateExternalRequest(RequestBody):
    display_name: Text | None = None
    external_connection_implicit_role_assignments: list[RoleAssignmentIn] | None = Field(
        default=None, max_length=50
    )
    external_group_implicit_role_assignments: list[GroupRoleAssignmentIn] | None = Field(
        default=None, max_length=50
    )


def assignments(
    given: list[RoleAssignmentIn] | list[GroupRoleAssignmentIn] | None,
) -> list[dict[str, str]] | None:
    return None if given is None else [item.model_dump() for item in given]


class ExternalConnectionOut(BaseModel):
    organization_id: str
    connection_id: str
    external_organization_id: str
    external_connection_id: str
    display_name: str
    status: str
    external_connection_implicit_role_assignments: list[dict[str, str]]
    external_group_implicit_role_assignments: list[dict[str, str]]


def external_connection_out(row: ExternalConnection) -> ExternalConnectionOut:
    """The SDK's external `Connection`; external connections are always active."""
    return ExternalConnectionOut(
        organization_id=row.organization_id,
        connection_id=row.connection_id,
        external_organization_id=row.external_organization_id,
        external_connection_id=row.external_connection_id,
        display_name=row.display_name,
        status="active",
        external_connection_implicit_role_assignments=list(row.connection_role_assignments),
        external_group_implicit_role_assignments=list(row.group_role_assignments),
    )


class ExternalConnectionResponse(StytchResponse):
    connection: ExternalConnectionOut


class GetConnectionsResponse(StytchResponse):
    saml_connections: list[SAMLConnectionOut]
    oidc_connections: list[OIDCConnectionOut]
    external_connections: list[ExternalConnectionOut]


class DeleteConnectionResponse(StytchResponse):
    connection_id: str


class AuthenticateResponse(EntryResponse):
    organization_id: str
    reset_session: bool = False
