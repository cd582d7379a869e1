"""Deleting a member's factors: its MFA phone number (kept on the member) and its password and TOTP,
which the packages holding them register (`register_member_factor`) so that b2b imports none of them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from keystile.b2b.members import acted_on
from keystile.b2b.organizations import organization_view
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.errors import ErrorType, KeystileError
from keystile.sessions.types import MemberCredentials

FactorKind = Literal["password", "totp"]


@dataclass(frozen=True)
class MemberFactor:
    """How the package holding members' factors of one kind finds and deletes one. `owner(db,
    project_id, organization_id, ref)` is the id of the member whose factor `ref` names (a password by
    its id, a TOTP by its member's id), or None; `delete` takes the same arguments."""

    owner: Callable[[AsyncSession, str, str, str], Awaitable[str | None]]
    delete: Callable[[AsyncSession, str, str, str], Awaitable[None]]


# What Stytch answers when a member has no factor of the kind (or none with that id).
_NOT_FOUND: Final[dict[FactorKind, ErrorType]] = {
    "password": "member_password_not_found",
    "totp": "totp_not_found",
}
# The action a member session needs on the factor's member (Stytch's RBAC action names).
_DELETE_ACTION: Final[dict[FactorKind, str]] = {
    "password": "update.info.delete.password",
    "totp": "update.info.delete.mfa-totp",
}
_REGISTERED: dict[FactorKind, MemberFactor] = {}


def register_member_factor(kind: FactorKind, factor: MemberFactor) -> None:
    """For the package holding members' factors of `kind`, on import."""
    _REGISTERED[kind] = factor


async def delete_mfa_phone_number(
    call: Call, organization_ref: str, member_ref: str, *, acting: MemberCredentials | None
) -> MemberView:
    """Remove the member's MFA phone number; its sessions stay as they are (Stytch's rule)."""
    target = await acted_on(
        call,
        organization_ref,
        member_ref,
        acting,
        ["update.info.delete.mfa-phone"],
        what="Deleting the MFA phone number",
    )
    member = target.member
    if not member.mfa_phone_number:
        raise KeystileError("member_phone_number_not_found")
    member.mfa_phone_number, member.mfa_phone_number_verified = "", False
    member.updated_at = call.now
    return MemberView(member, target.organization)


async def delete_member_factor(
    call: Call, organization_ref: str, kind: FactorKind, ref: str, *, acting: MemberCredentials | None
) -> MemberView:
    """Delete the member factor of `kind` that `ref` names (a password by its id; a TOTP by its
    member's id or external id); the member's sessions stay as they are (Stytch's rule)."""
    factor = _REGISTERED.get(kind)
    owner: str | None = None
    member_ref = ref
    if kind == "password":
        organization = await organization_view(call, organization_ref)
        if factor is not None:
            owner = await factor.owner(call.db, call.project_id, organization.organization_id, ref)
        if owner is None:
            raise KeystileError(_NOT_FOUND[kind])
        member_ref = owner
    what = f"Deleting the member's {kind}"
    target = await acted_on(call, organization_ref, member_ref, acting, [_DELETE_ACTION[kind]], what=what)
    organization_id, member_id = target.organization.organization_id, target.member.member_id
    factor_ref = ref if kind == "password" else member_id
    if kind == "totp" and factor is not None:
        owner = await factor.owner(call.db, call.project_id, organization_id, factor_ref)
    if factor is None or owner != member_id:
        raise KeystileError(_NOT_FOUND[kind])
    await factor.delete(call.db, call.project_id, organization_id, factor_ref)
    target.member.updated_at = call.now
    return MemberView(target.member, target.organization)
