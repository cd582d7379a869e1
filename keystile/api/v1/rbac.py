"""`/v1/rbac` and `/v1/b2b/rbac`: the project's RBAC policy (consumer and B2B) and organizations'
custom roles. Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import B2BProject, ConsumerProject
from keystile.api.context import Ctx
from keystile.api.schemas.ids import OrganizationId
from keystile.api.schemas.rbac import OrgPolicyResponse, PolicyResponse, SetOrgPolicyRequest, org_policy_out
from keystile.b2b import roles
from keystile.rbac import service

router = APIRouter(tags=["rbac"])


@router.get("/v1/rbac/policy", response_model=PolicyResponse)
async def consumer_policy(ctx: Ctx, project: ConsumerProject) -> PolicyResponse:
    async with ctx.work() as db:
        policy = await service.project_policy(db, project.project_id, project.vertical)
    return PolicyResponse(request_id=ctx.request_id, policy=policy.document())


@router.get("/v1/b2b/rbac/policy", response_model=PolicyResponse)
async def b2b_policy(ctx: Ctx, project: B2BProject) -> PolicyResponse:
    async with ctx.work() as db:
        policy = await service.project_policy(db, project.project_id, project.vertical)
    return PolicyResponse(request_id=ctx.request_id, policy=policy.document())


@router.get("/v1/b2b/rbac/organizations/{organization_id}", response_model=OrgPolicyResponse)
async def get_org_policy(organization_id: OrganizationId, ctx: Ctx, project: B2BProject) -> OrgPolicyResponse:
    found = await ctx.run(project, roles.custom_roles, organization_id)
    return OrgPolicyResponse(request_id=ctx.request_id, org_policy=org_policy_out(found))


@router.put("/v1/b2b/rbac/organizations/{organization_id}", response_model=OrgPolicyResponse)
async def set_org_policy(
    organization_id: OrganizationId, body: SetOrgPolicyRequest, ctx: Ctx, project: B2BProject
) -> OrgPolicyResponse:
    found = await ctx.run(project, roles.set_custom_roles, organization_id, body.org_policy)
    ctx.state.policies.forget(project.project_id)
    return OrgPolicyResponse(request_id=ctx.request_id, org_policy=org_policy_out(found))
