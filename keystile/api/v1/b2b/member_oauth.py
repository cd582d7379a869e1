"""`GET /v1/b2b/organizations/{organization_id}/members/{member_id}/oauth_providers/{provider}` and
`.../oidc_providers`: the tokens a member's logins at a provider left. Each handler calls one service
function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import B2BProject
from keystile.api.context import Ctx
from keystile.api.schemas import b2b_member_oauth as schemas
from keystile.api.schemas.ids import MemberId, OrganizationId
from keystile.b2b import member_provider_tokens as service
from keystile.b2b.members import get_member

router = APIRouter(prefix="/v1/b2b/organizations/{organization_id}/members/{member_id}", tags=["b2b members"])


def _single_account_route(provider: str) -> None:
    """Google's and Microsoft's route: the account the member last logged in with."""

    @router.get(f"/oauth_providers/{provider}", response_model=schemas.SingleAccountResponse, name=provider)
    async def single_account(
        organization_id: OrganizationId,
        member_id: MemberId,
        ctx: Ctx,
        project: B2BProject,
        include_refresh_token: bool = False,
    ) -> schemas.SingleAccountResponse:
        found = await ctx.run(project, service.newest_registration, organization_id, member_id, provider)
        return schemas.single_account_response(ctx.request_id, provider, found, include_refresh_token)


for _provider in ("google", "microsoft"):
    _single_account_route(_provider)


@router.get("/oauth_providers/github", response_model=schemas.GithubResponse)
async def github(
    organization_id: OrganizationId, member_id: MemberId, ctx: Ctx, project: B2BProject
) -> schemas.GithubResponse:
    found = await ctx.run(project, service.registrations, organization_id, member_id, "github")
    return schemas.github_response(ctx.request_id, found)


@router.get("/oauth_providers/hubspot", response_model=schemas.HubspotResponse)
async def hubspot(
    organization_id: OrganizationId,
    member_id: MemberId,
    ctx: Ctx,
    project: B2BProject,
    include_refresh_token: bool = False,
) -> schemas.HubspotResponse:
    found = await ctx.run(project, service.registrations, organization_id, member_id, "hubspot")
    return schemas.hubspot_response(ctx.request_id, found, include_refresh_token)


@router.get("/oauth_providers/slack", response_model=schemas.SlackResponse)
async def slack(
    organization_id: OrganizationId, member_id: MemberId, ctx: Ctx, project: B2BProject
) -> schemas.SlackResponse:
    found = await ctx.run(project, service.registrations, organization_id, member_id, "slack")
    return schemas.slack_response(ctx.request_id, found)


@router.get("/oidc_providers", response_model=schemas.OIDCProvidersResponse)
async def oidc_providers(
    organization_id: OrganizationId, member_id: MemberId, ctx: Ctx, project: B2BProject
) -> schemas.OIDCProvidersResponse:
    # An OIDC connection's tokens are not kept past its login (the SSO token holds none), so an
    # existing member has none to list.
    await ctx.run(project, get_member, organization_id, member_ref=member_id, email=None)
    return schemas.OIDCProvidersResponse(request_id=ctx.request_id, registrations=[])
