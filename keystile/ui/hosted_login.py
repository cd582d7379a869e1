"""`GET /login/{public_token}`: keystile's hosted login page, for an app with no frontend code. It mounts
Stytch's pre-built login UI (`StytchLogin`, or `StytchB2B` in its discovery flow for a B2B project; a
vendored, unmodified build of `@stytch/vanilla-js`, served from here: no CDN) against this keystile's
`/sdk/v1`, with the project's name and SDK settings; its email magic links point at the app's
allowlisted URL (`?redirect_url=`, else the project's default), whose backend authenticates the token
as for any magic link (or discovery link)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from keystile.api.state import app_state
from keystile.db.uow import unit_of_work
from keystile.errors import KeystileError
from keystile.projects.sdk import hosted_login
from keystile.ui.pages import render_page

router = APIRouter(tags=["hosted login page"], include_in_schema=False)

VENDOR: Final = Path(__file__).parent / "vendor"
STATIC: Final = "/login/static/"
# The vendored browser builds (see vendor/LICENSE), by the vertical whose pre-built UI they carry.
SCRIPTS: Final = {"consumer": "stytch-vanilla-js.js", "b2b": "stytch-vanilla-js-b2b.js"}
# The page runs only its own script and the vendored SDK; it must not be framed (clickjacking).
PAGE_HEADERS: Final = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@router.get(STATIC + "{name}")
async def vendored_sdk(name: str) -> Response:
    """A vendored `@stytch/vanilla-js` browser build (see vendor/LICENSE)."""
    if name not in SCRIPTS.values():
        raise KeystileError("route_not_found", "No such file.")
    return Response(
        (VENDOR / name).read_bytes(),
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
    script_url = STATIC + SCRIPTS[login.vertical]
    page = render_page("hosted_login.html", login=login, config=asdict(login), script_url=script_url)
    return HTMLResponse(page, headers=PAGE_HEADERS)
