"""`/sdk/v1` bootstrap, `users/me` and `sessions`: the project's SDK configuration, and the calls bound
to the session the SDK sends, which act on that session's user only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from keystile.api.context import Ctx
from keystile.api.limits import SessionChecks
from keystile.api.schemas.common import RequestBody
from keystile.api.schemas.sessions import AuthenticateSessionRequest, RevokeSessionRequest
from keystile.api.schemas.users import GetUserResponse
from keystile.api.sdk.gate import SdkCaller, data, sdk_gate
from keystile.api.v1.consumer import sessions
from keystile.credentials.policy import project_rules
from keystile.errors import KeystileError
from keystile.rbac import service as rbac

router = APIRouter(prefix="/sdk/v1", tags=["frontend SDK"])

AnyProject = sdk_gate(vertical=None)
Sessions = sdk_gate()
Users = sdk_gate("users")


class SessionDurationIn(RequestBody):
    session_duration_minutes: int | None = None


@router.get("/projects/bootstrap/{public_token}", dependencies=[Depends(AnyProject)])
async def bootstrap(
    public_token: str, ctx: Ctx, caller: Annotated[SdkCaller, Depends(AnyProject)]
) -> JSONResponse:
    """The SDK's configuration: what vanilla-js's `BootstrapDataManager` maps, with the project's RBAC
    policy (without it the SDK logs an error and assumes no permissions)."""
    if public_token != caller.public_token:
        raise KeystileError("unauthorized_credentials")
    async with ctx.work() as db:
        rules = await project_rules(db, caller.project.project_id)
        policy = await rbac.project_policy(db, caller.project.project_id, caller.project.vertical)
    luds = rules.strength_policy == "luds"
    return data(
        {
            "request_id": ctx.request_id,
            "status_code": 200,
            "project_name": caller.project_name,
            "vertical": caller.project.vertical.upper(),
            "disable_sdk_watermark": True,
            "cname_domain": None,
            "email_domains": [],
            "captcha_settings": {"enabled": False},
            "pkce_required_for_email_magic_links": False,
            "pkce_required_for_password_resets": False,
            "pkce_required_for_oauth": False,
            "pkce_required_for_sso": False,
            "slug_pattern": None,
            "create_organization_enabled": False,
            "password_config": (
                {"luds_complexity": rules.luds_min_complexity, "luds_minimum_count": rules.luds_min_length}
                if luds
                else None
            ),
            "dfp_protected_auth_enabled": False,
            "dfp_protected_auth_mode": None,
            "rbac_policy": policy.document(),
            "siwe_required_for_crypto_wallets": False,
        }
    )


@router.get("/users/me", dependencies=[Depends(Users), SessionChecks])
async def users_me(ctx: Ctx, caller: Annotated[SdkCaller, Depends(Users)]) -> JSONResponse:
    """The user of the caller's session."""
    body = AuthenticateSessionRequest(session_token=caller.required_session())
    authenticated = await sessions.authenticate_session(body, ctx, caller.project)
    return data(GetUserResponse(request_id=ctx.request_id, **authenticated.user.model_dump()))


@router.post("/sessions/authenticate", dependencies=[Depends(Sessions), SessionChecks])
async def authenticate_session(
    body: SessionDurationIn, ctx: Ctx, caller: Annotated[SdkCaller, Depends(Sessions)]
) -> JSONResponse:
    """The caller's session, extended by `session_duration_minutes` when given."""
    request = AuthenticateSessionRequest(
        session_token=caller.required_session(), session_duration_minutes=body.session_duration_minutes
    )
    return data(await sessions.authenticate_session(request, ctx, caller.project))


@router.post("/sessions/revoke", dependencies=[Depends(Sessions)])
async def revoke_session(ctx: Ctx, caller: Annotated[SdkCaller, Depends(Sessions)]) -> JSONResponse:
    """Revokes the caller's session (only it)."""
    request = RevokeSessionRequest(session_token=caller.required_session())
    return data(await sessions.revoke_session(request, ctx, caller.project))
