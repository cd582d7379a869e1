"""The policy cache: a policy read once serves checks from memory until its window ends or this
server changes it."""

from __future__ import annotations

from keystile.rbac import service
from keystile.rbac.cache import PolicyCache
from tests.support.services import NOW, Sessions, within

POLICY = {
    "resources": [{"resource_id": "documents", "description": "", "actions": ["read"]}],
    "roles": [
        {
            "role_id": "reader",
            "description": "",
            "permissions": [{"resource_id": "documents", "actions": ["read"]}],
        }
    ],
}


async def test_the_cache_serves_from_memory_until_its_window_ends(
    db_sessions: Sessions, b2b_project_id: str
) -> None:
    clock = [100.0]
    cache = PolicyCache(ttl_seconds=5, clock=lambda: clock[0])

    async def reader_may_read() -> bool:
        policy = await within(
            db_sessions, lambda db: cache.policy(db, b2b_project_id, "b2b", "organization-x")
        )
        return policy.permits(["reader"], "documents", "read")

    assert not await reader_may_read()
    await within(
        db_sessions, lambda db: service.set_project_policy(db, b2b_project_id, "b2b", POLICY, now=NOW)
    )
    assert not await reader_may_read()  # still the cached policy
    clock[0] += 5.1
    assert await reader_may_read()
    roles = {
        "roles": [{"role_id": "org-reader", "permissions": [{"resource_id": "documents", "actions": ["*"]}]}]
    }
    await within(
        db_sessions,
        lambda db: service.set_organization_roles(
            db, b2b_project_id, "b2b", "organization-x", roles, now=NOW
        ),
    )
    cache.forget(b2b_project_id)
    policy = await within(db_sessions, lambda db: cache.policy(db, b2b_project_id, "b2b", "organization-x"))
    assert policy.permits(["org-reader"], "documents", "read")
    other = await within(db_sessions, lambda db: cache.policy(db, b2b_project_id, "b2b", "organization-y"))
    assert not other.permits(["org-reader"], "documents", "read")
