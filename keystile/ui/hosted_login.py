"""`GET /login/{public_token}`: keystile's hosted login page, for an app with no frontend code. It mounts
Stytch's pre-built login UI (a vendored, unmodified build of `@stytch/vanilla-js`, served from here: no
CDN) against this keystile's `/sdk/v1`, with the project's name and SDK settings; its email magic links
point at the app's allowlisted URL (`?redirect_url=`, else the project's default), whose backend
authenticates the token as for any magic link."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from keystile.api.state import app_state
from keystile.db.uow import unit_of_work
from keystile.projects.sdk import hosted_login
from keystile.ui.pages import render_page

router = APIRouter(tags=["hosted login page"], include_in_schema=False)

VENDOR: Final = Path(__file__).parent / "vendor"
SCRIPT_PATH: Final = "/login/static/stytch-vanilla-js.js"
# The page runs only its own script and the vendored SDK; it must not be framed (clickjacking).
PAGE_HEADERS: Final = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@router.get(SCRIPT_PATH)
async def vendored_sdk() -> Response:
    """The vendored `@stytch/vanilla-js` browser build (see vendor/LICENSE)."""
    return Response(
        (VENDOR / "stytch-vanilla-js.js").read_bytes(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/login/{public_token}")
async def login_page(
    public_token: str,
    request: Request,
    redirect_url: Annotated[str | None, Query(max_length=2048)] = None,
) -> HTMLResponse:
    async with unit_of_work(app_state(request).sessions) as db:
        login = await hosted_login(db, public_token, redirect_url)
    page = render_page("hosted_login.html", login=login, config=asdict(login), script_url=SCRIPT_PATH)
    return HTMLResponse(page, headers=PAGE_HEADERS)
