"""create_app(settings): the FastAPI application with its routers, error handling and lifespan."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from scim2_models import SCIMException
from starlette.exceptions import HTTPException

from keystile import __version__
from keystile.api.credential_cache import CredentialCache
from keystile.api.errors import install_error_handlers
from keystile.api.middleware import RequestGuard
from keystile.api.schemas.common import ErrorResponse
from keystile.api.sdk import b2b as sdk_b2b
from keystile.api.sdk import biometrics as sdk_biometrics
from keystile.api.sdk import dfp as sdk_dfp
from keystile.api.sdk import factors as sdk_factors
from keystile.api.sdk import idp as sdk_idp
from keystile.api.sdk import passwords as sdk_passwords
from keystile.api.sdk import sessions as sdk_sessions
from keystile.api.sdk import telemetry as sdk_telemetry
from keystile.api.sdk.cors import SdkCors
from keystile.api.state import AppState, app_state
from keystile.api.v1 import connected_apps, dfp, fraud, idp_public, oauth2, project, rbac, samlshield
from keystile.api.v1.b2b import connected_apps as b2b_connected_apps
from keystile.api.v1.b2b import discovery as b2b_discovery
from keystile.api.v1.b2b import idp as b2b_idp
from keystile.api.v1.b2b import impersonation as b2b_impersonation
from keystile.api.v1.b2b import magic_links as b2b_magic_links
from keystile.api.v1.b2b import member_factors as b2b_member_factors
from keystile.api.v1.b2b import member_oauth as b2b_member_oauth
from keystile.api.v1.b2b import members as b2b_members
from keystile.api.v1.b2b import oauth as b2b_oauth
from keystile.api.v1.b2b import organizations as b2b_organizations
from keystile.api.v1.b2b import otps as b2b_otps
from keystile.api.v1.b2b import passwords as b2b_passwords
from keystile.api.v1.b2b import scim as b2b_scim
from keystile.api.v1.b2b import scim_service as b2b_scim_service
from keystile.api.v1.b2b import sessions as b2b_sessions
from keystile.api.v1.b2b import sso as b2b_sso
from keystile.api.v1.b2b import totps as b2b_totps
from keystile.api.v1.consumer import (
    connected_apps as user_connected_apps,
)
from keystile.api.v1.consumer import (
    crypto_wallets,
    idp,
    impersonation,
    m2m,
    magic_links,
    oauth,
    otps,
    passwords,
    sessions,
    totps,
    users,
    webauthn,
)
from keystile.clock import Clock, SystemClock
from keystile.config import Settings
from keystile.db.engine import server_database
from keystile.db.liveness import ping
from keystile.delivery.worker import outbox_worker_running
from keystile.encryption import at_rest_cipher
from keystile.limits.limiter import rate_limiter
from keystile.rbac.cache import PolicyCache
from keystile.sessions.direct_store import DirectSessionStore
from keystile.sessions.keys import KeyRing
from keystile.sessions.store import attach_session_store
from keystile.ui import dev_inbox, dfp_script, hosted_login

# The `/v1` API, router by router. FastAPI tries routes in turn, at several microseconds each: the
# session checks, most of a server's requests, come first.
API_ROUTERS: tuple[APIRouter, ...] = (
    sessions.router,
    b2b_sessions.router,
    users.router,
    magic_links.router,
    passwords.router,
    otps.router,
    totps.router,
    webauthn.router,
    oauth.router,
    crypto_wallets.router,
    m2m.router,
    oauth2.router,
    connected_apps.router,
    idp.router,
    idp_public.router,
    b2b_idp.router,
    user_connected_apps.router,
    b2b_connected_apps.router,
    b2b_organizations.router,
    b2b_members.router,
    b2b_member_factors.router,
    b2b_member_oauth.router,
    b2b_totps.router,
    b2b_otps.router,
    b2b_magic_links.router,
    b2b_discovery.router,
    b2b_oauth.router,
    b2b_passwords.router,
    b2b_sso.router,
    b2b_sso.public,
    b2b_scim.router,
    b2b_scim_service.router,
    project.router,
    rbac.router,
    samlshield.router,
    fraud.router,
    dfp.router,
    impersonation.router,
    b2b_impersonation.router,
    sdk_sessions.router,
    sdk_factors.router,
    sdk_biometrics.router,
    sdk_idp.router,
    sdk_passwords.router,
    sdk_telemetry.router,
    sdk_dfp.router,
    sdk_b2b.router,
)
# Young objects are collected after this many allocations instead of CPython's 700, which one request
# makes several times over; older generations keep their default pace.
YOUNG_COLLECTION_THRESHOLD = 10_000


def _tune_garbage_collection() -> None:
    """What is built at start-up lives as long as the process: leave it out of the collector's scans,
    and collect young objects less often. Measured with bench/sessions.py (sessions.authenticate,
    SQLite): p99 145 ms to 49 ms at 32 requests in flight, server CPU 0.95 to 0.80 ms per request."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)


def create_app(settings: Settings, clock: Clock | None = None) -> FastAPI:
    """The keystile ASGI application for `settings`."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine, sessions = server_database(settings)
        session_store = DirectSessionStore(
            engine,
            deadline=settings.database_timeout_seconds,
            jwt_reuse_seconds=settings.session_jwt_reuse_seconds,
        )
        attach_session_store(sessions, session_store)
        app.state.keystile = AppState(
            settings=settings,
            engine=engine,
            sessions=sessions,
            clock=clock or SystemClock(),
            keys=KeyRing(at_rest_cipher(settings), cache_seconds=settings.signing_key_cache_seconds),
            session_store=session_store,
            credentials=CredentialCache(ttl_seconds=settings.credential_cache_seconds),
            limiter=rate_limiter(settings, sessions),
            policies=PolicyCache(ttl_seconds=settings.credential_cache_seconds),
        )
        _tune_garbage_collection()
        try:
            state = app.state.keystile
            async with outbox_worker_running(state.sessions, settings, state.clock, state.outbox_wakeup):
                yield
        finally:
            await app.state.keystile.limiter.close()
            await engine.dispose()

    app = FastAPI(
        title="keystile",
        version=__version__,
        description="A self-hosted authentication server that speaks the Stytch API.",
        lifespan=lifespan,
        responses={400: {"model": ErrorResponse}, 401: {"model": ErrorResponse}},
        # Paths are exact, as the SDKs build them: `/v1/users/` is a Stytch-shaped 404, not a
        # redirect built from the caller's Host header.
        redirect_slashes=False,
    )
    install_error_handlers(app)
    app.add_exception_handler(SCIMException, b2b_scim_service.scim_error_response)  # type: ignore[arg-type]
    # In place of install_error_handlers' own: SCIM Error messages under a SCIM connection's base URL.
    app.add_exception_handler(HTTPException, b2b_scim_service.http_error_response)  # type: ignore[arg-type]
    app.add_middleware(
        RequestGuard,
        max_body_bytes=settings.max_body_bytes,
        body_timeout_seconds=settings.request_read_timeout_seconds,
    )
    # Outermost: it answers preflights, and adds CORS headers to the answers of admitted SDK requests.
    app.add_middleware(SdkCors, cache_seconds=settings.credential_cache_seconds)
    for router in API_ROUTERS:
        app.include_router(router)
    app.include_router(hosted_login.router)
    app.include_router(dfp_script.router)
    if settings.dev_inbox:
        app.include_router(dev_inbox.router)

    @app.get("/healthz", tags=["operations"])
    async def healthz(request: Request) -> JSONResponse:
        """200 once the database answers within the database deadline; 503 otherwise."""
        async with asyncio.timeout(settings.database_timeout_seconds):
            await ping(app_state(request).engine)
        return JSONResponse({"status": "ok"})

    return app


def app_from_environment() -> FastAPI:
    """The application configured from `KEYSTILE_*` variables (uvicorn's factory entry point)."""
    from keystile.config import get_settings
    from keystile.logs import configure_logging

    settings = get_settings()
    configure_logging(settings)
    return create_app(settings)
