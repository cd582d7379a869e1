"""The SCIM service's /Users: each User is a member of the connection's organization, provisioned
(created, replaced, patched, deactivated by active=false, deleted) by the IdP."""

from __future__ import annotations

from typing import Any, Final

from pydantic import ValidationError
from scim2_models import (
    Context,
    InvalidFilterException,
    InvalidValueException,
    ListResponse,
    Meta,
    NotFoundException,
    PatchOp,
    ScimFilter,
    UniquenessException,
    User,
)

from keystile.b2b.members import NewMember, add_member
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.models import Member
from keystile.b2b.organizations import organization_view
from keystile.b2b.repository import MemberSessionRepository
from keystile.b2b.scim.models import SCIMConnection, SCIMRegistration
from keystile.b2b.scim.repository import SCIMRepository
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.identity.contact import normalize_email
from keystile.ids import new_id

Document = dict[str, Any]
SCIMUser = User[Any]
RESPONSE: Final = Context.RESOURCE_QUERY_RESPONSE
COUNT_MAX: Final = 100


def _user(body: object, context: Context) -> SCIMUser:
    try:
        return User.model_validate(body, scim_ctx=context)
    except ValidationError as error:
        raise InvalidValueException(detail=str(error.errors()[0].get("msg", "invalid User"))[:300]) from error


def _email(user: SCIMUser) -> str:
    emails = user.emails or []
    chosen = next((item for item in emails if item.primary), emails[0] if emails else None)
    address = str(chosen.value) if chosen is not None and chosen.value else str(user.user_name or "")
    try:
        return normalize_email(address)
    except KeystileError as error:
        raise InvalidValueException(detail="The User needs a valid email address.") from error


def _name(user: SCIMUser) -> str:
    if user.display_name:
        return str(user.display_name)
    name = user.name
    if name is None:
        return ""
    parts = (name.given_name, name.family_name)
    return str(name.formatted or " ".join(str(part) for part in parts if part))


def _resource(base_url: str, row: SCIMRegistration) -> SCIMUser:
    user: SCIMUser = User.model_validate(row.attributes)
    user.id = row.member_id
    user.active = row.active
    user.meta = Meta(
        resource_type="User",
        created=row.created_at,
        last_modified=row.updated_at,
        version=f'W/"{row.version}"',
        location=f"{base_url}/Users/{row.member_id}",
    )
    return user


def document(base_url: str, row: SCIMRegistration) -> Document:
    dumped: Document = _resource(base_url, row).model_dump(scim_ctx=RESPONSE)
    return dumped


async def _registration(call: Call, connection: SCIMConnection, member_id: str) -> SCIMRegistration:
    row = await SCIMRepository(call.db, call.project_id).find_by(
        SCIMRegistration, for_update=True, connection_id=connection.connection_id, member_id=member_id
    )
    if row is None:
        raise NotFoundException(detail=f"User {member_id} not found.")
    return row


async def _set_active(call: Call, member: Member, active: bool) -> None:
    """An inactive member is deleted (sessions ended, links retired); an active one can sign in."""
    if not active and member.status != "deleted":
        member.status = "deleted"
        await MemberSessionRepository(call.db, call.project_id).delete_for_member(member.member_id)
        await MemberRepository(call.db, call.project_id).retire_links(member.member_id, call.now)
    elif active:
        member.status = "active"


async def _apply(call: Call, row: SCIMRegistration, user: SCIMUser) -> None:
    """Write `user` to the registration and its member."""
    member = await MemberRepository(call.db, call.project_id).find_by(
        Member, member_id=row.member_id, for_update=True
    )
    if member is None:
        raise NotFoundException(detail=f"User {row.member_id} not found.")
    active = user.active is not False
    user.id, user.meta, user.active = None, None, None
    row.attributes = user.model_dump(mode="json", exclude_none=True, by_alias=True)
    row.user_name_key = str(user.user_name or "").casefold()
    row.external_id, row.active = user.external_id, active
    row.version, row.updated_at = row.version + 1, call.now
    member.email_address, member.name = _email(user), _name(user)
    member.external_id, member.updated_at = user.external_id, call.now
    await _set_active(call, member, active)


async def create_user(call: Call, connection: SCIMConnection, base_url: str, body: object) -> Document:
    user = _user(body, Context.RESOURCE_CREATION_REQUEST)
    repo = SCIMRepository(call.db, call.project_id)
    key = str(user.user_name or "").casefold()
    if await repo.find_by(SCIMRegistration, connection_id=connection.connection_id, user_name_key=key):
        raise UniquenessException(detail="A User with this userName exists.")
    organization = await organization_view(call, connection.organization_id)
    try:
        member = await add_member(
            call,
            organization,
            _email(user),
            status="active",
            verified=True,
            new=NewMember(name=_name(user), external_id=user.external_id),
        )
    except KeystileError as error:
        raise UniquenessException(detail=error.error_message) from error
    row = SCIMRegistration(
        registration_id=new_id("scim-registration"),
        project_id=call.project_id,
        organization_id=connection.organization_id,
        connection_id=connection.connection_id,
        member_id=member.member_id,
        user_name_key=key,
        external_id=None,
        active=True,
        attributes={},
        version=0,
        created_at=call.now,
        updated_at=call.now,
    )
    call.db.add(row)
    await _apply(call, row, user)
    return document(base_url, row)


async def get_user(call: Call, connection: SCIMConnection, base_url: str, member_id: str) -> Document:
    return document(base_url, await _registration(call, connection, member_id))


async def replace_user(
    call: Call, connection: SCIMConnection, base_url: str, member_id: str, body: object
) -> Document:
    row = await _registration(call, connection, member_id)
    await _apply(call, row, _user(body, Context.RESOURCE_REPLACEMENT_REQUEST))
    return document(base_url, row)


async def patch_user(
    call: Call, connection: SCIMConnection, base_url: str, member_id: str, body: object
) -> Document:
    row = await _registration(call, connection, member_id)
    try:
        operations = PatchOp[SCIMUser].model_validate(body, scim_ctx=Context.RESOURCE_PATCH_REQUEST)
    except ValidationError as error:
        raise InvalidValueException(
            detail=str(error.errors()[0].get("msg", "invalid PatchOp"))[:300]
        ) from error
    user = _resource(base_url, row)
    operations.patch(user)
    await _apply(call, row, user)
    return document(base_url, row)


async def delete_user(call: Call, connection: SCIMConnection, member_id: str) -> None:
    row = await _registration(call, connection, member_id)
    member = await MemberRepository(call.db, call.project_id).find_by(
        Member, member_id=member_id, for_update=True
    )
    if member is not None:
        await _set_active(call, member, False)
    await call.db.delete(row)


async def list_users(
    call: Call, connection: SCIMConnection, base_url: str, filter_text: str | None, start: int, count: int
) -> Document:
    """Users matching the filter, from the 1-based `start`, at most `count` (RFC 7644 section 3.4.2.4)."""
    try:
        matcher = ScimFilter[SCIMUser](filter_text) if filter_text else None
    except (ValueError, ValidationError) as error:
        raise InvalidFilterException(detail=str(error)[:300]) from error
    rows = await SCIMRepository(call.db, call.project_id).registrations(connection.connection_id)
    users = [_resource(base_url, row) for row in rows]
    found = [user for user in users if matcher is None or matcher.match(user)]
    start, count = max(start, 1), min(max(count, 0), COUNT_MAX)
    page = found[start - 1 : start - 1 + count]
    answer = ListResponse[SCIMUser](
        total_results=len(found), start_index=start, items_per_page=len(page), resources=page
    )
    dumped: Document = answer.model_dump(scim_ctx=RESPONSE)
    return dumped
