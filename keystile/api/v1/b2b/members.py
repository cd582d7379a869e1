"""`/v1/b2b/organizations/.../members`: the B2B Members API (with self-serve email updates). Each handler
calls one service function."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from keystile.api.auth import ActingMember, B2BProject
from keystile.api.context import Ctx
from keystile.api.schemas.b2b_organizations import (
    CreateMemberRequest,
    DeleteMemberResponse,
    MemberResponse,
    SearchMembersRequest,
    SearchMembersResponse,
    StartEmailUpdateRequest,
    UnlinkRetiredEmailRequest,
    UnlinkRetiredEmailResponse,
    UpdateMemberRequest,
    member_fields,
    member_out,
    member_response,
    organization_out,
)
from keystile.api.schemas.ids import MemberId, OrganizationId
from keystile.api.schemas.users import ResultsMetadata
from keystile.b2b import email_updates
from keystile.b2b import members as service
from keystile.b2b.members import MemberChanges, NewMember

router = APIRouter(prefix="/v1/b2b/organizations", tags=["b2b members"])


@router.post("/members/search", response_model=SearchMembersResponse)
async def search_members(
    body: SearchMembersRequest, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> SearchMembersResponse:
    query = body.query.model_dump() if body.query is not None else None
    page = await ctx.run(
        project,
        service.search_members,
        body.organization_ids,
        query=query,
        cursor=body.cursor,
        limit=body.limit,
        acting=acting,
    )
    return SearchMembersResponse(
        request_id=ctx.request_id,
        members=[member_out(view) for view in page.members],
        results_metadata=ResultsMetadata(total=page.total, next_cursor=page.next_cursor),
        organizations={view.organization_id: organization_out(view) for view in page.organizations},
    )


@router.get("/members/dangerously_get/{member_id}", response_model=MemberResponse)
async def dangerously_get_member(
    member_id: MemberId, ctx: Ctx, project: B2BProject, include_deleted: bool = False
) -> MemberResponse:
    view = await ctx.run(project, service.dangerously_get_member, member_id, include_deleted=include_deleted)
    return member_response(view, ctx.request_id)


@router.post("/{organization_id}/members", response_model=MemberResponse)
async def create_member(
    organization_id: OrganizationId,
    body: CreateMemberRequest,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> MemberResponse:
    new = body.to_domain(NewMember)
    view = await ctx.run(
        project,
        service.create_member,
        organization_id,
        body.email_address,
        new,
        pending=body.create_member_as_pending,
        acting=acting,
    )
    return member_response(view, ctx.request_id)


@router.get("/{organization_id}/member", response_model=MemberResponse)
async def get_member(
    organization_id: OrganizationId,
    ctx: Ctx,
    project: B2BProject,
    member_id: MemberId | None = None,
    email_address: Annotated[str | None, Query(max_length=320)] = None,
) -> MemberResponse:
    view = await ctx.run(
        project, service.get_member, organization_id, member_ref=member_id, email=email_address
    )
    return member_response(view, ctx.request_id)


@router.put("/{organization_id}/members/{member_id}", response_model=MemberResponse)
async def update_member(
    organization_id: OrganizationId,
    member_id: MemberId,
    body: UpdateMemberRequest,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> MemberResponse:
    changes = body.to_domain(MemberChanges)
    view = await ctx.run(
        project,
        service.update_member,
        organization_id,
        member_id,
        changes,
        acting=acting,
        unlink_email=bool(body.unlink_email),
    )
    return member_response(view, ctx.request_id)


@router.delete("/{organization_id}/members/{member_id}", response_model=DeleteMemberResponse)
async def delete_member(
    organization_id: OrganizationId, member_id: MemberId, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> DeleteMemberResponse:
    deleted = await ctx.run(project, service.delete_member, organization_id, member_id, acting=acting)
    return DeleteMemberResponse(request_id=ctx.request_id, member_id=deleted)


@router.put("/{organization_id}/members/{member_id}/reactivate", response_model=MemberResponse)
async def reactivate_member(
    organization_id: OrganizationId, member_id: MemberId, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> MemberResponse:
    view = await ctx.run(project, service.reactivate_member, organization_id, member_id, acting=acting)
    return member_response(view, ctx.request_id)


@router.delete("/{organization_id}/members/{member_id}/external_id", response_model=MemberResponse)
async def delete_member_external_id(
    organization_id: OrganizationId, member_id: MemberId, ctx: Ctx, project: B2BProject, acting: ActingMember
) -> MemberResponse:
    view = await ctx.run(
        project, service.delete_member_external_id, organization_id, member_id, acting=acting
    )
    return member_response(view, ctx.request_id)


@router.post("/{organization_id}/members/{member_id}/start_email_update", response_model=MemberResponse)
async def start_email_update(
    organization_id: OrganizationId,
    member_id: MemberId,
    body: StartEmailUpdateRequest,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> MemberResponse:
    view = await ctx.run(
        project,
        email_updates.start_email_update,
        organization_id,
        member_id,
        body.email_address,
        login_redirect_url=body.login_redirect_url,
        delivery_method=body.delivery_method,
        acting=acting,
    )
    return member_response(view, ctx.request_id)


@router.post(
    "/{organization_id}/members/{member_id}/unlink_retired_email", response_model=UnlinkRetiredEmailResponse
)
async def unlink_retired_email(
    organization_id: OrganizationId,
    member_id: MemberId,
    body: UnlinkRetiredEmailRequest,
    ctx: Ctx,
    project: B2BProject,
    acting: ActingMember,
) -> UnlinkRetiredEmailResponse:
    view = await ctx.run(
        project,
        email_updates.unlink_retired_email,
        organization_id,
        member_id,
        email_id=body.email_id,
        email=body.email_address,
        acting=acting,
    )
    return UnlinkRetiredEmailResponse(
        request_id=ctx.request_id, organization_id=view.member.organization_id, **member_fields(view)
    )
