"""`GET /v1/public/sso/start` for a connection of either protocol, named by id or as an organization's
default one: the app's redirect URLs and PKCE challenge checked, then the browser sent to the SAML IdP
or the OIDC provider."""

from __future__ import annotations

from keystile import tokens
from keystile.b2b.organizations import organization_view
from keystile.b2b.sso import flow, oidc_flow
from keystile.b2b.sso.models import ExternalConnection, OIDCConnection, SAMLConnection
from keystile.b2b.sso.repository import EXTERNAL_PREFIX, SSORepository, connection_model
from keystile.calls import Call
from keystile.errors import KeystileError


async def connection_of(call: Call, connection_id: str | None, organization_ref: str | None) -> str:
    """The connection a start names: its id, or else the default connection of the organization named
    by id, slug or external id (exactly one of the two)."""
    if connection_id and organization_ref:
        raise KeystileError("too_many_sso_connection_locators")
    if connection_id:
        return connection_id
    if not organization_ref:
        raise KeystileError("missing_sso_connection_locator")
    organization = (await organization_view(call, organization_ref)).organization
    if organization.sso_default_connection_id is not None:
        return organization.sso_default_connection_id
    repo = SSORepository(call.db, call.project_id)
    owned = organization.organization_id
    saml = await repo.connections(SAMLConnection, owned)
    oidc = await repo.connections(OIDCConnection, owned)
    external = await repo.connections(ExternalConnection, owned)
    if saml or oidc or external:
        raise KeystileError("indeterminate_sso_connection_for_organization")
    raise KeystileError("no_sso_connection_exists_for_organization")


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
    """Where the browser goes next: the IdP's URL carrying keystile's request (for an external
    connection, the request of the other organization's connection it uses)."""
    external_connection_id = None
    if connection_id.startswith(EXTERNAL_PREFIX):
        external = await SSORepository(call.db, call.project_id).get_by(
            ExternalConnection, "sso_connection_not_found", connection_id=connection_id
        )
        connection_id, external_connection_id = external.external_connection_id, external.connection_id
    if connection_model(connection_id) is not OIDCConnection:
        return await flow.start(
            call,
            connection_id=connection_id,
            external_connection_id=external_connection_id,
            base_url=base_url,
            login_redirect_url=login_redirect_url,
            signup_redirect_url=signup_redirect_url,
            code_challenge=code_challenge,
        )
    return await oidc_flow.start(
        call,
        connection_id=connection_id,
        external_connection_id=external_connection_id,
        base_url=base_url,
        login_url=await flow.redirect_url(call, "login", login_redirect_url),
        signup_url=await flow.redirect_url(call, "signup", signup_redirect_url),
        code_challenge=tokens.check_challenge(code_challenge),
        custom_scopes=custom_scopes,
    )
