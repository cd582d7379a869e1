"""`/v1/webauthn`: passkeys and WebAuthn (register, authenticate, list credentials, rename)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from keystile.api.auth import ConsumerProject
from keystile.api.context import Ctx
from keystile.api.limits import Attempts
from keystile.api.schemas import webauthn as schemas
from keystile.api.schemas.ids import UserId, WebAuthnRegistrationId
from keystile.api.schemas.sessions import session_request
from keystile.factors.webauthn import service

router = APIRouter(prefix="/v1/webauthn", tags=["webauthn"])
Domain = Annotated[str, Path(max_length=schemas.DOMAIN_MAX)]


@router.post("/register/start", response_model=schemas.RegisterStartResponse)
async def register_start(
    body: schemas.RegisterStartRequest, ctx: Ctx, project: ConsumerProject
) -> schemas.RegisterStartResponse:
    started = await ctx.run(
        project,
        service.register_start,
        user_id=body.user_id,
        domain=body.domain,
        user_agent=body.user_agent,
        authenticator_type=body.authenticator_type,
        passkey=body.return_passkey_credential_options,
        override_id=body.override_id,
        override_name=body.override_name,
        override_display_name=body.override_display_name,
        base64url=body.use_base64_url_encoding,
    )
    return schemas.RegisterStartResponse(
        request_id=ctx.request_id,
        user_id=started.user_id,
        public_key_credential_creation_options=started.options,
    )


@router.post("/register", response_model=schemas.AuthenticatedResponse, dependencies=[Attempts])
async def register(
    body: schemas.RegisterRequest, ctx: Ctx, project: ConsumerProject
) -> schemas.AuthenticatedResponse:
    result = await ctx.run(
        project,
        service.register,
        user_id=body.user_id,
        public_key_credential=body.public_key_credential,
        session_request=session_request(body),
    )
    return schemas.authenticated(ctx.request_id, result)


@router.post("/authenticate/start", response_model=schemas.AuthenticateStartResponse)
async def authenticate_start(
    body: schemas.AuthenticateStartRequest, ctx: Ctx, project: ConsumerProject
) -> schemas.AuthenticateStartResponse:
    started = await ctx.run(
        project,
        service.authenticate_start,
        domain=body.domain,
        user_id=body.user_id,
        passkey=body.return_passkey_credential_options,
        base64url=body.use_base64_url_encoding,
    )
    return schemas.AuthenticateStartResponse(
        request_id=ctx.request_id,
        user_id=started.user_id,
        public_key_credential_request_options=started.options,
    )


@router.post("/authenticate", response_model=schemas.AuthenticatedResponse, dependencies=[Attempts])
async def authenticate(
    body: schemas.AuthenticateRequest, ctx: Ctx, project: ConsumerProject
) -> schemas.AuthenticatedResponse:
    result = await ctx.run(
        project,
        service.authenticate,
        public_key_credential=body.public_key_credential,
        session_request=session_request(body),
    )
    return schemas.authenticated(ctx.request_id, result)


@router.get("/credentials/{user_id}/{domain}", response_model=schemas.ListCredentialsResponse)
async def list_credentials(
    user_id: UserId, domain: Domain, ctx: Ctx, project: ConsumerProject
) -> schemas.ListCredentialsResponse:
    credentials = await ctx.run(project, service.list_credentials, user_id=user_id, domain=domain)
    return schemas.ListCredentialsResponse(
        request_id=ctx.request_id,
        credentials=[
            schemas.CredentialOut(
                credential_id=c.credential_id,
                webauthn_registration_id=c.webauthn_registration_id,
                type="public-key",
                public_key=c.public_key,
            )
            for c in credentials
        ],
    )


@router.put("/{webauthn_registration_id}", response_model=schemas.UpdateResponse)
async def update(
    webauthn_registration_id: WebAuthnRegistrationId,
    body: schemas.UpdateRequest,
    ctx: Ctx,
    project: ConsumerProject,
) -> schemas.UpdateResponse:
    registration = await ctx.run(
        project, service.update, webauthn_registration_id=webauthn_registration_id, name=body.name
    )
    return schemas.UpdateResponse(request_id=ctx.request_id, webauthn_registration=registration)
