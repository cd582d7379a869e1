"""Consumer OAuth: the browser-facing `GET /v1/public/oauth/{provider}/start`, Google One Tap, and
keystile's callback (named by public token or callback id, not credentials; the callback also ends B2B
login and discovery flows), and `/v1/oauth/authenticate|attach`."""

from __future__ import annotations

from functools import partial
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse

from keystile.api.auth import ConsumerProject
from keystile.api.context import Ctx
from keystile.api.limits import Attempts
from keystile.api.middleware import ONE_TAP_CALLBACK_PREFIX
from keystile.api.oauth_browser import STATE_COOKIE, Param, provider_params, redirect
from keystile.api.schemas import oauth as schemas
from keystile.api.schemas.sessions import session_out, session_request
from keystile.api.schemas.users import user_out
from keystile.b2b import oauth_login
from keystile.calls import Call
from keystile.factors.oauth import flow, one_tap, service
from keystile.factors.oauth.configuration import CALLBACK_PATH
from keystile.projects.service import get_project

router = APIRouter(tags=["oauth"])
# Stytch's JavaScript SDK reads this cookie and posts its value back with the One Tap credential.
CSRF_COOKIE: Final = "stytch_csrf_private_token"


async def _finish(call: Call, *, callback_id: str, returned: flow.ProviderReturn, public_url: str) -> str:
    """keystile's callback serves both verticals: a B2B project's flows are organization logins or
    discovery flows."""
    project = await get_project(call.db, call.project_id)
    finish = oauth_login.finish if project.vertical == "b2b" else flow.finish
    return await finish(call, callback_id=callback_id, returned=returned, public_url=public_url)


@router.get("/v1/public/oauth/{provider}/start", response_class=RedirectResponse, status_code=302)
async def start(
    provider: str,
    request: Request,
    ctx: Ctx,
    public_token: Param = None,
    login_redirect_url: Param = None,
    signup_redirect_url: Param = None,
    custom_scopes: Param = None,
    code_challenge: Param = None,
    oauth_attach_token: Param = None,
) -> RedirectResponse:
    asked = flow.StartRequest(
        provider=provider,
        login_redirect_url=login_redirect_url,
        signup_redirect_url=signup_redirect_url,
        custom_scopes=custom_scopes,
        provider_params=provider_params(request),
        code_challenge=code_challenge,
        oauth_attach_token=oauth_attach_token,
    )
    started = await ctx.run_found(
        partial(flow.consumer_project, public_token=public_token),
        flow.start,
        request=asked,
        public_url=ctx.state.settings.public_url,
    )
    return redirect(ctx, started.authorization_url, state=started.state)


@router.get(CALLBACK_PATH + "{callback_id}", response_class=RedirectResponse, status_code=302)
async def callback(
    callback_id: str,
    request: Request,
    ctx: Ctx,
    state: Param = None,
    code: Param = None,
    error: Param = None,
) -> RedirectResponse:
    returned = flow.ProviderReturn(
        state=state, code=code, error=error, cookie_state=request.cookies.get(STATE_COOKIE)
    )
    app_url = await ctx.run_found(
        partial(flow.project_of_callback, callback_id=callback_id),
        _finish,
        callback_id=callback_id,
        returned=returned,
        public_url=ctx.state.settings.public_url,
    )
    return redirect(ctx, app_url, state=None)


@router.get("/v1/public/oauth/google/onetap/start", response_model=schemas.OneTapStartResponse)
async def one_tap_start(ctx: Ctx, public_token: Param = None) -> JSONResponse:
    started = await ctx.run_found(partial(flow.consumer_project, public_token=public_token), one_tap.start)
    body = schemas.OneTapStartResponse(
        request_id=ctx.request_id,
        google_client_id=started.google_client_id,
        oauth_callback_id=started.oauth_callback_id,
    )
    answer = JSONResponse(body.model_dump())
    secure = ctx.state.settings.public_url.startswith("https:")
    answer.set_cookie(
        CSRF_COOKIE,
        started.csrf_token,
        max_age=int(flow.FLOW_LIFETIME.total_seconds()),
        path="/",
        secure=secure,
        # The SDK posts from the app's origin: cross-site over https, same-site on a laptop.
        samesite="none" if secure else "lax",
    )
    return answer


@router.post(ONE_TAP_CALLBACK_PREFIX + "{callback_id}", response_model=schemas.OneTapSubmitResponse)
async def one_tap_submit(
    callback_id: str, body: schemas.OneTapSubmitRequest, request: Request, ctx: Ctx
) -> schemas.OneTapSubmitResponse:
    credential = one_tap.OneTapCredential(
        id_token=body.id_token,
        csrf_token=body.stytch_csrf_token,
        cookie_csrf_token=request.cookies.get(CSRF_COOKIE),
        login_redirect_url=body.login_redirect_url,
        signup_redirect_url=body.signup_redirect_url,
    )
    app_url = await ctx.run_found(
        partial(flow.project_of_callback, callback_id=callback_id),
        one_tap.submit,
        callback_id=callback_id,
        credential=credential,
    )
    return schemas.OneTapSubmitResponse(request_id=ctx.request_id, redirect_url=app_url)


@router.post("/v1/oauth/authenticate", response_model=schemas.AuthenticateResponse, dependencies=[Attempts])
async def authenticate(
    body: schemas.AuthenticateRequest, ctx: Ctx, project: ConsumerProject
) -> schemas.AuthenticateResponse:
    done = await ctx.run(
        project,
        service.authenticate,
        token=body.token,
        code_verifier=body.code_verifier,
        session_request=session_request(body),
    )
    values = done.provider_tokens
    issued = done.issued
    return schemas.AuthenticateResponse(
        request_id=ctx.request_id,
        user_id=done.user.user.user_id,
        provider_subject=done.registration.provider_subject,
        provider_type=done.registration.provider,
        session_token=issued.session_token,
        session_jwt=issued.session_jwt,
        provider_values=schemas.provider_values_out(values),
        user=user_out(done.user),
        reset_sessions=done.reset_sessions,
        oauth_user_registration_id=done.registration.registration_id,
        user_created=done.user_created,
        user_session=session_out(issued.session, issued.roles) if issued.session is not None else None,
    )


@router.post("/v1/oauth/attach", response_model=schemas.AttachResponse)
async def attach(body: schemas.AttachRequest, ctx: Ctx, project: ConsumerProject) -> schemas.AttachResponse:
    token = await ctx.run(
        project,
        service.attach,
        provider_name=body.provider,
        user_id=body.user_id,
        session_token=body.session_token,
        session_jwt=body.session_jwt,
    )
    return schemas.AttachResponse(request_id=ctx.request_id, oauth_attach_token=token)
