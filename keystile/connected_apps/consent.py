"""The management API's view of grants: the Connected Apps a user, a member or an organization's
members have granted access, and revoking one. Users are named by id or external id, organizations
and members as elsewhere in B2B; a member session acting on the call needs Stytch's RBAC actions."""

from __future__ import annotations

from typing import Final

from keystile.b2b.members import acted_on, get_member
from keystile.b2b.organizations import organization_view
from keystile.b2b.sessions import acting_member
from keystile.calls import Call
from keystile.connected_apps import grants
from keystile.connected_apps.grants import GrantedApp
from keystile.connected_apps.models import ConnectedAppClient, ConnectedAppGrant
from keystile.identity.service import existing_user
from keystile.rbac.defaults import ORGANIZATION
from keystile.sessions.types import MemberCredentials

GET_ACTION: Final = "get.connected-apps"
REVOKE_ACTION: Final = "revoke.connected-app"


async def user_apps(call: Call, user_ref: str) -> list[GrantedApp]:
    user = await existing_user(call.db, call.project_id, user_ref)
    return await grants.apps_of_subject(call, user.user_id)


async def revoke_user_app(call: Call, user_ref: str, client_id: str) -> None:
    user = await existing_user(call.db, call.project_id, user_ref)
    await grants.revoke_app_of_subject(call, subject_id=user.user_id, client_id=client_id)


async def organization_apps(
    call: Call, organization_ref: str, *, acting: MemberCredentials | None
) -> list[ConnectedAppClient]:
    organization = await organization_view(call, organization_ref)
    actor = await acting_member(call, acting, organization.organization_id)
    if actor is not None:
        actor.require(ORGANIZATION, [GET_ACTION], what="Listing the Connected Apps")
    return await grants.apps_of_organization(call, organization.organization_id)


async def organization_app(
    call: Call, organization_ref: str, client_id: str, *, acting: MemberCredentials | None
) -> tuple[ConnectedAppClient, list[ConnectedAppGrant]]:
    organization = await organization_view(call, organization_ref)
    actor = await acting_member(call, acting, organization.organization_id)
    if actor is not None:
        actor.require(ORGANIZATION, [GET_ACTION], what="Reading the Connected App")
    return await grants.app_of_organization(call, organization.organization_id, client_id)


async def member_apps(
    call: Call, organization_ref: str, member_ref: str, *, acting: MemberCredentials | None
) -> list[GrantedApp]:
    view = await get_member(call, organization_ref, member_ref=member_ref, email=None)
    actor = await acting_member(call, acting, view.organization.organization_id)
    if actor is not None:
        actor.require_on_member(view.member.member_id, [GET_ACTION], what="Listing the Connected Apps")
    return await grants.apps_of_subject(call, view.member.member_id)


async def revoke_member_app(
    call: Call, organization_ref: str, member_ref: str, client_id: str, *, acting: MemberCredentials | None
) -> None:
    target = await acted_on(
        call, organization_ref, member_ref, acting, [REVOKE_ACTION], what="Revoking the Connected App"
    )
    await grants.revoke_app_of_subject(call, subject_id=target.member.member_id, client_id=client_id)
