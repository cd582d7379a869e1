"""What the browser-facing OAuth routes (consumer and B2B) share: their query parameters, the
`provider_*` parameters forwarded to the provider, and the redirects that set or clear the flow's
state cookie (HttpOnly, SameSite=Lax, for keystile's callback path only)."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Query, Request
from fastapi.responses import RedirectResponse

from keystile.api.context import RequestContext
from keystile.factors.oauth.configuration import CALLBACK_PATH
from keystile.factors.oauth.flow import FLOW_LIFETIME

STATE_COOKIE: Final = "keystile_oauth_state"
PROVIDER_PREFIX: Final = "provider_"
Param = Annotated[str | None, Query(max_length=2048)]


def provider_params(request: Request) -> dict[str, str]:
    """The request's `provider_*` query parameters, unprefixed."""
    return {
        name.removeprefix(PROVIDER_PREFIX): value
        for name, value in request.query_params.items()
        if name.startswith(PROVIDER_PREFIX) and len(name) > len(PROVIDER_PREFIX)
    }


def redirect(ctx: RequestContext, url: str, *, state: str | None) -> RedirectResponse:
    """A 302 to `url`; the flow's state cookie set (for the callback only) or, with None, cleared."""
    answer = RedirectResponse(url, status_code=302)
    secure = ctx.state.settings.public_url.startswith("https:")
    if state is None:
        answer.delete_cookie(STATE_COOKIE, path=CALLBACK_PATH, secure=secure, httponly=True, samesite="lax")
    else:
        answer.set_cookie(
            STATE_COOKIE,
            state,
            max_age=int(FLOW_LIFETIME.total_seconds()),
            path=CALLBACK_PATH,
            secure=secure,
            httponly=True,
            samesite="lax",
        )
    return answer
