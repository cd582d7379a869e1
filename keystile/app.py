"""create_app(settings): the FastAPI application with its routers, error handling and lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from keystile import __version__
from keystile.api.credential_cache import CredentialCache
from keystile.api.errors import install_error_handlers
from keystile.api.middleware import RequestGuard
from keystile.api.schemas.common import ErrorResponse
from keystile.api.state import AppState, app_state
from keystile.api.v1.consumer import users
from keystile.clock import Clock, SystemClock
from keystile.config import Settings
from keystile.db.engine import create_engine, session_factory


def create_app(settings: Settings, clock: Clock | None = None) -> FastAPI:
    """The keystile ASGI application for `settings`."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        app.state.keystile = AppState(
            settings=settings,
            engine=engine,
            sessions=session_factory(engine),
            clock=clock or SystemClock(),
            credentials=CredentialCache(ttl_seconds=settings.credential_cache_seconds),
        )
        try:
            yield
        finally:
            await engine.dispose()

    app = FastAPI(
        title="keystile",
        version=__version__,
        description="A self-hosted authentication server that speaks the Stytch API.",
        lifespan=lifespan,
        responses={400: {"model": ErrorResponse}, 401: {"model": ErrorResponse}},
    )
    install_error_handlers(app)
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes)
    app.include_router(users.router)

    @app.get("/healthz", tags=["operations"])
    async def healthz(request: Request) -> JSONResponse:
        """200 once the database answers; 503 otherwise."""
        async with app_state(request).engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok"})

    return app


def app_from_environment() -> FastAPI:
    """The application configured from `KEYSTILE_*` variables (uvicorn's factory entry point)."""
    from keystile.config import get_settings
    from keystile.logs import configure_logging

    settings = get_settings()
    configure_logging(settings)
    return create_app(settings)
