"""`GET /v1/public/sso/start` for a connection of either protocol: the app's redirect URLs and PKCE
challenge checked, then the browser sent to the SAML IdP or the OIDC provider."""

from __future__ import annotations

from keystile import tokens
from keystile.b2b.sso import flow, oidc_flow
from keystile.b2b.sso.models import OIDCConnection
from keystile.b2b.sso.repository import connection_model
from keystile.calls import Call


async def start(
    call: Call,
    *,
    connection_id: str,
    base_url: str,
    login_redirect_url: str | None,
    signup_redirect_url: str | None,
    code_challenge: str | None,
    custom_scopes: str | None,
) -> str:
    """Where the browser goes next: the IdP's URL carrying keystile's request."""
    if connection_model(connection_id) is not OIDCConnection:
        return await flow.start(
            call,
            connection_id=connection_id,
            base_url=base_url,
            login_redirect_url=login_redirect_url,
            signup_redirect_url=signup_redirect_url,
            code_challenge=code_challenge,
        )
    return await oidc_flow.start(
        call,
        connection_id=connection_id,
        base_url=base_url,
        login_url=await flow.redirect_url(call, "login", login_redirect_url),
        signup_url=await flow.redirect_url(call, "signup", signup_redirect_url),
        code_challenge=tokens.check_challenge(code_challenge),
        custom_scopes=custom_scopes,
    )
