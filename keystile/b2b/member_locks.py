"""A member's lock, the kernel lockout's (keystile.identity.lockout): failures lock the member itself
(OTP, TOTP, recovery codes) or its password (shared across organizations with cross-org passwords);
either locks the member, shows on the Member object and refuses its guessable factors."""

from __future__ import annotations

from collections.abc import Sequence

from keystile.b2b.models import Member
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.identity import lockout


def _subjects(member: Member) -> list[str]:
    return [member.member_id, *([member.member_password_id] if member.member_password_id else [])]


async def with_locks(call: Call, views: Sequence[MemberView]) -> None:
    """Set each view's `lock` to its member's longest-lasting unexpired lock (one query)."""
    locks = await lockout.active_locks(
        call.db, call.project_id, [s for view in views for s in _subjects(view.member)], call.now
    )
    for view in views:
        held = [locks[s] for s in _subjects(view.member) if s in locks]
        view.lock = max(held, key=lambda lock: lock.expires_at) if held else None


def refuse_locked(view: MemberView) -> None:
    """Refuse a locked member (its lock looked up) with `user_lock_limit_reached`, as a locked user is."""
    if view.lock is not None:
        raise KeystileError("user_lock_limit_reached")
