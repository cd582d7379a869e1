"""Request and response bodies of the Connected Apps management API, field for field as the SDKs
model them (`ConnectedApp`, `UserConnectedApp`, `MemberConnectedApp`, `OrganizationConnectedApp`)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.users import ResultsMetadata
from keystile.connected_apps.grants import GrantedApp
from keystile.connected_apps.models import ConnectedAppClient, ConnectedAppGrant

# Lengths, URLs and ranges are checked by the domain, which names the field in its error.


class UpdateConnectedAppRequest(RequestBody):
    client_name: str | None = None
    client_description: str | None = None
    redirect_urls: list[str] | None = None
    full_access_allowed: bool | None = None
    access_token_expiry_minutes: int | None = None
    access_token_custom_audience: str | None = None
    access_token_template_content: str | None = None
    post_logout_redirect_urls: list[str] | None = None
    logo_url: str | None = None
    bypass_consent_for_offline_access: bool | None = None
    id_token_template_content: str | None = None


class CreateConnectedAppRequest(UpdateConnectedAppRequest):
    client_type: str


class SearchConnectedAppsRequest(RequestBody):
    cursor: str | None = Field(default=None, max_length=512)
    limit: int | None = None


class ConnectedAppOut(BaseModel):
    client_id: str
    client_name: str
    client_description: str
    status: str
    full_access_allowed: bool
    client_type: str
    redirect_urls: list[str]
    access_token_expiry_minutes: int
    access_token_template_content: str
    post_logout_redirect_urls: list[str]
    bypass_consent_for_offline_access: bool
    creation_method: str
    id_token_template_content: str
    client_secret_last_four: str | None
    next_client_secret_last_four: str | None
    access_token_custom_audience: str | None
    logo_url: str | None


class ConnectedAppWithSecretOut(ConnectedAppOut):
    client_secret: str | None


class ConnectedAppWithNextSecretOut(ConnectedAppOut):
    next_client_secret: str


class ConnectedAppResponse(StytchResponse):
    connected_app: ConnectedAppOut


class CreateConnectedAppResponse(StytchResponse):
    connected_app: ConnectedAppWithSecretOut


class RotateStartResponse(StytchResponse):
    connected_app: ConnectedAppWithNextSecretOut


class SearchConnectedAppsResponse(StytchResponse):
    connected_apps: list[ConnectedAppOut]
    results_metadata: ResultsMetadata


class DeleteConnectedAppResponse(StytchResponse):
    client_id: str


def connected_app_out(client: ConnectedAppClient) -> ConnectedAppOut:
    """The SDK's `ConnectedApp` for a stored client: never its secrets, only their last four."""
    return ConnectedAppOut(
        client_id=client.client_id,
        client_name=client.client_name,
        client_description=client.client_description,
        status=client.status,
        full_access_allowed=client.full_access_allowed,
        client_type=client.client_type,
        redirect_urls=list(client.redirect_urls),
        access_token_expiry_minutes=client.access_token_expiry_minutes,
        access_token_template_content=client.access_token_template_content,
        post_logout_redirect_urls=list(client.post_logout_redirect_urls),
        bypass_consent_for_offline_access=client.bypass_consent_for_offline_access,
        creation_method=client.creation_method,
        id_token_template_content=client.id_token_template_content,
        client_secret_last_four=client.secret_last_four,
        next_client_secret_last_four=client.next_secret_last_four,
        access_token_custom_audience=client.access_token_custom_audience,
        logo_url=client.logo_url,
    )


class GrantedAppOut(BaseModel):
    """The SDKs' `UserConnectedApp` and `MemberConnectedApp`."""

    connected_app_id: str
    name: str
    description: str
    client_type: str
    scopes_granted: str
    logo_url: str | None


class OrganizationAppOut(BaseModel):
    connected_app_id: str
    name: str
    description: str
    client_type: str
    logo_url: str | None


class ActiveMemberOut(BaseModel):
    member_id: str
    granted_scopes: list[str]


class GrantedAppsResponse(StytchResponse):
    connected_apps: list[GrantedAppOut]


class OrganizationAppsResponse(StytchResponse):
    connected_apps: list[OrganizationAppOut]


class OrganizationAppResponse(OrganizationAppOut, StytchResponse):
    active_members: list[ActiveMemberOut]


class RevokeGrantResponse(StytchResponse):
    pass


def granted_app_out(granted: GrantedApp) -> GrantedAppOut:
    client = granted.client
    return GrantedAppOut(
        connected_app_id=client.client_id,
        name=client.client_name,
        description=client.client_description,
        client_type=client.client_type,
        # Space-separated, as an OAuth `scope` parameter is.
        scopes_granted=" ".join(granted.grant.scopes),
        logo_url=client.logo_url,
    )


def granted_apps_response(request_id: str, granted: list[GrantedApp]) -> GrantedAppsResponse:
    return GrantedAppsResponse(request_id=request_id, connected_apps=[granted_app_out(g) for g in granted])


def organization_app_out(client: ConnectedAppClient) -> OrganizationAppOut:
    return OrganizationAppOut(
        connected_app_id=client.client_id,
        name=client.client_name,
        description=client.client_description,
        client_type=client.client_type,
        logo_url=client.logo_url,
    )


def organization_app_response(
    request_id: str, client: ConnectedAppClient, given: list[ConnectedAppGrant]
) -> OrganizationAppResponse:
    return OrganizationAppResponse(
        request_id=request_id,
        **organization_app_out(client).model_dump(),
        active_members=[
            ActiveMemberOut(member_id=grant.subject_id, granted_scopes=list(grant.scopes)) for grant in given
        ],
    )
