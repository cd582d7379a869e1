"""`/v1/b2b/sso`: an organization's SAML connections and `sso.authenticate`; and the browser's side of
the flow, `GET /v1/public/sso/start` and the ACS the IdP posts its Response to. Each handler calls one
service function."""

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
from keystile.b2b.sso import connections, flow
from keystile.b2b.sso.connections import SAMLSettings
from keystile.b2b.sso.models import SAMLConnection
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
    rows = await ctx.run(
        project, connections.get_connections, organization_ref=organization_id, acting=acting
    )
    return schemas.GetConnectionsResponse(
        request_id=ctx.request_id,
        saml_connections=[schemas.saml_connection_out(row, _base_url(ctx)) for row in rows],
        oidc_connections=[],
        external_connections=[],
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
    connection_id: Annotated[SSOConnectionId, Query()],
    public_token: Annotated[str, Query(max_length=96)],
    login_redirect_url: Param = None,
    signup_redirect_url: Param = None,
    pkce_code_challenge: Annotated[str | None, Query(max_length=128)] = None,
) -> RedirectResponse:
    """The browser goes on to the IdP with keystile's AuthnRequest."""
    async with ctx.work() as db:
        project = await project_by_public_token(db, public_token)
    if project.vertical != "b2b":
        raise KeystileError("invalid_b2b_endpoint")
    async with ctx.call_in(project.project_id, test_project=project.environment == "test") as call:
        location = await flow.start(
            call,
            connection_id=connection_id,
            base_url=_base_url(ctx),
            login_redirect_url=login_redirect_url,
            signup_redirect_url=signup_redirect_url,
            code_challenge=pkce_code_challenge,
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
        project_id = await connection_project(db, connection_id)
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
