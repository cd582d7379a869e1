"""`/v1/b2b/sso`: an organization's SAML and OIDC connections and `sso.authenticate`; and the browser's
side of the flow, `GET /v1/public/sso/start`, the ACS the IdP posts its Response to and the OIDC
callback. Each handler calls one service function (the OIDC callback three, so that no transaction is
open while the provider is called)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from keystile.api.auth import ActingMember, B2BProject
from keystile.api.context import Ctx
from keystile.api.limits import Attempts
from keystile.api.schemas import b2b_sso as schemas
from keystile.api.schemas.b2b_sessions import entry_fields
from keystile.api.schemas.ids import OrganizationId, SAMLCertificateId, SAMLPrivateKeyId, SSOConnectionId
from keystile.api.schemas.sessions import session_request
from keystile.b2b.sso import connections, external_connections, flow, oidc_connections, oidc_flow
from keystile.b2b.sso import start as sso_start
from keystile.b2b.sso.connections import SAMLSettings
from keystile.b2b.sso.external_connections import RoleAssignments
from keystile.b2b.sso.models import OIDCConnection, SAMLConnection
from keystile.b2b.sso.oidc_connections import OIDCSettings
from keystile.b2b.sso.repository import connection_project
from keystile.errors import KeystileError
from keystile.projects.service import project_by_public_token

router = APIRouter(prefix="/v1/b2b/sso", tags=["b2b sso"])
public = APIRouter(tags=["b2b sso"])

Param = Annotated[str | None, Query(max_length=2048)]
SAML_FORM_MAX_FIELDS = 4


def _base_url(ctx: Ctx) -> str:
    return ctx.state.settings.public_url


def _connection_answer(ctx: Ctx, row: SAMLConnection) -> schemas.SAMLConnectionResponse:
    return schemas.SAMLConnectionResponse(
        request_id=ctx.request_id, connection=schemas.saml_connection_out(row, _base_url(ctx))
    )


@router.post("/saml/{organization_id}", response_model=schemas.SAMLConnectionResponse)
async def create_saml_connection(
    organization_id: OrganizationId,
    body: schemas.CreateSAMLRequest,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.SAMLConnectionResponse:
    row = await ctx.run(
        project,
        connections.create_connection,
        organization_ref=organization_id,
        display_name=body.display_name,
        identity_provider=body.identity_provider,
        acting=acting,
    )
    return _connection_answer(ctx, row)


@router.put(
    "/saml/{organization_id}/connections/{connection_id}", response_model=schemas.SAMLConnectionResponse
)
async def update_saml_connection(
    organization_id: OrganizationId,
    connection_id: SSOConnectionId,
    body: schemas.UpdateSAMLRequest,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.SAMLConnectionResponse:
    row = await ctx.run(
        project,
        connections.update_connection,
        organization_ref=organization_id,
        connection_id=connection_id,
        settings=body.to_domain(SAMLSettings),
        acting=acting,
    )
    return _connection_answer(ctx, row)


@router.post("/oidc/{organization_id}", response_model=schemas.OIDCConnectionResponse)
async def create_oidc_connection(
    organization_id: OrganizationId,
    body: schemas.CreateOIDCRequest,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.OIDCConnectionResponse:
    row = await ctx.run(
        project,
        oidc_connections.create_connection,
        organization_ref=organization_id,
        display_name=body.display_name,
        identity_provider=body.identity_provider,
        acting=acting,
    )
    return schemas.OIDCConnectionResponse(
        request_id=ctx.request_id, connection=schemas.oidc_connection_out(row, _base_url(ctx))
    )


@router.put(
    "/oidc/{organization_id}/connections/{connection_id}", response_model=schemas.OIDCConnectionResponse
)
async def update_oidc_connection(
    organization_id: OrganizationId,
    connection_id: SSOConnectionId,
    body: schemas.UpdateOIDCRequest,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.OIDCConnectionResponse:
    """The issuer's discovery document is fetched before the unit of work opens."""
    found = await oidc_connections.discovered(body.issuer)
    updated = await ctx.run(
        project,
        oidc_connections.update_connection,
        organization_ref=organization_id,
        connection_id=connection_id,
        settings=body.to_domain(OIDCSettings),
        found=found,
        acting=acting,
    )
    return schemas.OIDCConnectionResponse(
        request_id=ctx.request_id,
        connection=schemas.oidc_connection_out(updated.connection, _base_url(ctx)),
        warning=updated.warning,
    )


@router.put(
    "/saml/{organization_id}/connections/{connection_id}/url", response_model=schemas.SAMLConnectionResponse
)
async def update_saml_connection_by_url(
    organization_id: OrganizationId,
    connection_id: SSOConnectionId,
    body: schemas.UpdateByURLRequest,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.SAMLConnectionResponse:
    row = await ctx.run(
        project,
        connections.update_by_url,
        organization_ref=organization_id,
        connection_id=connection_id,
        metadata_url=body.metadata_url,
        acting=acting,
    )
    return _connection_answer(ctx, row)


@router.delete(
    "/saml/{organization_id}/connections/{connection_id}/verification_certificates/{certificate_id}",
    response_model=schemas.DeleteCertificateResponse,
)
async def delete_verification_certificate(
    organization_id: OrganizationId,
    connection_id: SSOConnectionId,
    certificate_id: SAMLCertificateId,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.DeleteCertificateResponse:
    deleted = await ctx.run(
        project,
        connections.delete_verification_certificate,
        organization_ref=organization_id,
        connection_id=connection_id,
        certificate_id=certificate_id,
        acting=acting,
    )
    return schemas.DeleteCertificateResponse(request_id=ctx.request_id, certificate_id=deleted)


@router.delete(
    "/saml/{organization_id}/connections/{connection_id}/encryption_private_keys/{private_key_id}",
    response_model=schemas.DeletePrivateKeyResponse,
)
async def delete_encryption_private_key(
    organization_id: OrganizationId,
    connection_id: SSOConnectionId,
    private_key_id: SAMLPrivateKeyId,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.DeletePrivateKeyResponse:
    deleted = await ctx.run(
        project,
        connections.delete_encryption_private_key,
        organization_ref=organization_id,
        connection_id=connection_id,
        private_key_id=private_key_id,
        acting=acting,
    )
    return schemas.DeletePrivateKeyResponse(request_id=ctx.request_id, private_key_id=deleted)


@router.post("/external/{organization_id}", response_model=schemas.ExternalConnectionResponse)
async def create_external_connection(
    organization_id: OrganizationId,
    body: schemas.CreateExternalRequest,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.ExternalConnectionResponse:
    row = await ctx.run(
        project,
        external_connections.create_connection,
        organization_ref=organization_id,
        external_organization_id=body.external_organization_id,
        external_connection_id=body.external_connection_id,
        display_name=body.display_name,
        roles=RoleAssignments(
            connection=schemas.assignments(body.connection_implicit_role_assignments),
            group=schemas.assignments(body.group_implicit_role_assignments),
        ),
        acting=acting,
    )
    return schemas.ExternalConnectionResponse(
        request_id=ctx.request_id, connection=schemas.external_connection_out(row)
    )


@router.put(
    "/external/{organization_id}/connections/{connection_id}",
    response_model=schemas.ExternalConnectionResponse,
)
async def update_external_connection(
    organization_id: OrganizationId,
    connection_id: SSOConnectionId,
    body: schemas.UpdateExternalRequest,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.ExternalConnectionResponse:
    row = await ctx.run(
        project,
        external_connections.update_connection,
        organization_ref=organization_id,
        connection_id=connection_id,
        display_name=body.display_name,
        roles=RoleAssignments(
            connection=schemas.assignments(body.external_connection_implicit_role_assignments),
            group=schemas.assignments(body.external_group_implicit_role_assignments),
        ),
        acting=acting,
    )
    return schemas.ExternalConnectionResponse(
        request_id=ctx.request_id, connection=schemas.external_connection_out(row)
    )


@router.post("/authenticate", response_model=schemas.AuthenticateResponse, dependencies=[Attempts])
async def authenticate(
    body: schemas.AuthenticateRequest, ctx: Ctx, project: B2BProject
) -> schemas.AuthenticateResponse:
    entry = await ctx.run(
        project,
        flow.authenticate,
        token=body.sso_token,
        code_verifier=body.pkce_code_verifier,
        request=session_request(body),
        intermediate_session_token=body.intermediate_session_token,
    )
    return schemas.AuthenticateResponse(
        request_id=ctx.request_id, organization_id=entry.member.member.organization_id, **entry_fields(entry)
    )


@router.get("/{organization_id}", response_model=schemas.GetConnectionsResponse)
async def get_connections(
    organization_id: OrganizationId, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> schemas.GetConnectionsResponse:
    found = await ctx.run(
        project, connections.get_connections, organization_ref=organization_id, acting=acting
    )
    return schemas.GetConnectionsResponse(
        request_id=ctx.request_id,
        saml_connections=[schemas.saml_connection_out(row, _base_url(ctx)) for row in found.saml],
        oidc_connections=[schemas.oidc_connection_out(row, _base_url(ctx)) for row in found.oidc],
        external_connections=[schemas.external_connection_out(row) for row in found.external],
    )


@router.delete(
    "/{organization_id}/connections/{connection_id}", response_model=schemas.DeleteConnectionResponse
)
async def delete_connection(
    organization_id: OrganizationId,
    connection_id: SSOConnectionId,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> schemas.DeleteConnectionResponse:
    deleted = await ctx.run(
        project,
        connections.delete_connection,
        organization_ref=organization_id,
        connection_id=connection_id,
        acting=acting,
    )
    return schemas.DeleteConnectionResponse(request_id=ctx.request_id, connection_id=deleted)


@public.get("/v1/public/sso/start", response_class=RedirectResponse, status_code=302)
async def start(
    ctx: Ctx,
    public_token: Annotated[str, Query(max_length=96)],
    connection_id: Annotated[SSOConnectionId | None, Query()] = None,
    organization_id: Annotated[OrganizationId | None, Query()] = None,
    login_redirect_url: Param = None,
    signup_redirect_url: Param = None,
    pkce_code_challenge: Annotated[str | None, Query(max_length=128)] = None,
    custom_scopes: Param = None,
) -> RedirectResponse:
    """The browser goes on to the IdP with keystile's AuthnRequest or OIDC authorization request."""
    async with ctx.work() as db:
        project = await project_by_public_token(db, public_token)
    if project.vertical != "b2b":
        raise KeystileError("invalid_b2b_endpoint")
    async with ctx.call_in(project.project_id, test_project=project.environment == "test") as call:
        location = await sso_start.start(
            call,
            connection_id=await sso_start.connection_of(call, connection_id, organization_id),
            base_url=_base_url(ctx),
            login_redirect_url=login_redirect_url,
            signup_redirect_url=signup_redirect_url,
            code_challenge=pkce_code_challenge,
            custom_scopes=custom_scopes,
        )
    return RedirectResponse(location, status_code=302)


def _saml_form(body: bytes) -> tuple[str, str | None]:
    """(SAMLResponse, RelayState) of the IdP's HTTP-POST form."""
    try:
        fields = dict(parse_qsl(body.decode("ascii"), max_num_fields=SAML_FORM_MAX_FIELDS))
    except (UnicodeDecodeError, ValueError) as error:
        raise KeystileError("invalid_xml_saml_response") from error
    saml_response = fields.get("SAMLResponse")
    if not saml_response:
        raise KeystileError("invalid_xml_saml_response", "The form carries no SAMLResponse.")
    return saml_response, fields.get("RelayState")


@public.post(f"{flow.CALLBACK_PATH}{{connection_id}}", response_class=RedirectResponse, status_code=302)
async def assertion_consumer_service(
    connection_id: SSOConnectionId, request: Request, ctx: Ctx
) -> RedirectResponse:
    """The IdP's Response, verified; the browser goes on to the app with an SSO token."""
    async with ctx.work() as db:
        project_id = await connection_project(db, SAMLConnection, connection_id)
    if project_id is None:
        raise KeystileError("sso_connection_not_found")
    saml_response, relay_state = _saml_form(await request.body())
    async with ctx.call_in(project_id) as call:
        location = await flow.receive_response(
            call,
            connection_id=connection_id,
            base_url=_base_url(ctx),
            saml_response=saml_response,
            relay_state=relay_state,
        )
    return RedirectResponse(location, status_code=302)


@public.get(f"{flow.CALLBACK_PATH}{{connection_id}}", response_class=RedirectResponse, status_code=302)
async def oidc_callback(
    connection_id: SSOConnectionId,
    ctx: Ctx,
    state: Param = None,
    code: Param = None,
    error: Annotated[str | None, Query(max_length=256)] = None,
) -> RedirectResponse:
    """The OIDC provider's redirect: the flow is read, the provider asked with no transaction open,
    then the flow is redeemed and the browser goes on to the app with an SSO token."""
    async with ctx.work() as db:
        project_id = await connection_project(db, OIDCConnection, connection_id)
    if project_id is None:
        raise KeystileError("sso_connection_not_found")
    async with ctx.call_in(project_id) as call:
        pending = await oidc_flow.pending(
            call, connection_id=connection_id, base_url=_base_url(ctx), state=state
        )
    asserted = await oidc_flow.ask_provider(pending, code=code, error=error, now=ctx.now)
    async with ctx.call_in(project_id) as call:
        location = await oidc_flow.finish(call, pending, asserted)
    return RedirectResponse(location, status_code=302)
