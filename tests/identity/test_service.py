"""The users service in process: create, read, update, delete and search, within one project."""

from __future__ import annotations

from keystile.identity.service import (
    NewUser,
    UserChanges,
    create_user,
    delete_user,
    get_user,
    search_users,
    update_user,
)
from keystile.identity.views import UserView
from tests.support.services import NOW, Sessions, new_project, refusal, within


async def add(db_sessions: Sessions, project_id: str, new: NewUser) -> UserView:
    return await within(db_sessions, lambda db: create_user(db, project_id, new, now=NOW))


async def test_a_created_user_reads_back_with_its_fields(db_sessions: Sessions, project_id: str) -> None:
    new = NewUser(
        email="Ada@Example.com",
        phone_number="+14155550100",
        name={"first_name": "Ada"},
        trusted_metadata={"plan": "pro"},
        external_id="ext-1",
        roles=["admin"],
    )
    created = await add(db_sessions, project_id, new)
    read = await within(db_sessions, lambda db: get_user(db, project_id, created.user.user_id, now=NOW))
    assert read.user.status == "active" and read.user.created_at == NOW
    assert [e.email for e in read.emails] == ["ada@example.com"]
    assert [p.phone_number for p in read.phones] == ["+14155550100"]
    assert (read.user.first_name, read.user.external_id, read.user.roles) == ("Ada", "ext-1", ["admin"])
    assert read.user.trusted_metadata == {"plan": "pro"}


async def test_an_address_phone_or_external_id_belongs_to_one_user(
    db_sessions: Sessions, project_id: str
) -> None:
    await add(db_sessions, project_id, NewUser(email="a@example.com", phone_number="+14155550101"))
    await add(db_sessions, project_id, NewUser(email="b@example.com", external_id="ext-b"))
    assert await refusal(add(db_sessions, project_id, NewUser(email="A@example.com"))) == "duplicate_email"
    phone = add(db_sessions, project_id, NewUser(phone_number="+14155550101"))
    assert await refusal(phone) == "duplicate_phone_number"
    external = add(db_sessions, project_id, NewUser(external_id="ext-b"))
    assert await refusal(external) == "duplicate_user_external_id"


async def test_the_same_address_may_live_in_another_project(db_sessions: Sessions, project_id: str) -> None:
    mine = await add(db_sessions, project_id, NewUser(email="a@example.com"))
    other = await new_project(db_sessions, "consumer")
    theirs = await add(db_sessions, other, NewUser(email="a@example.com"))
    assert theirs.user.user_id != mine.user.user_id
    elsewhere = within(db_sessions, lambda db: get_user(db, other, mine.user.user_id, now=NOW))
    assert await refusal(elsewhere) == "user_not_found"


async def test_an_update_changes_only_what_it_names(db_sessions: Sessions, project_id: str) -> None:
    created = await add(
        db_sessions, project_id, NewUser(email="a@example.com", name={"first_name": "Ada"}, roles=["x"])
    )
    changes = UserChanges(untrusted_metadata={"theme": "dark"}, external_id="ext-2")
    updated = await within(
        db_sessions, lambda db: update_user(db, project_id, created.user.user_id, changes, now=NOW)
    )
    assert updated.user.untrusted_metadata == {"theme": "dark"} and updated.user.external_id == "ext-2"
    assert (updated.user.first_name, updated.user.roles) == ("Ada", ["x"])
    missing = within(db_sessions, lambda db: update_user(db, project_id, "user-live-0", changes, now=NOW))
    assert await refusal(missing) == "user_not_found"


async def test_a_deleted_user_is_gone_and_its_address_free(db_sessions: Sessions, project_id: str) -> None:
    created = await add(db_sessions, project_id, NewUser(email="a@example.com"))
    user_id = created.user.user_id
    assert await within(db_sessions, lambda db: delete_user(db, project_id, user_id)) == user_id
    assert (
        await refusal(within(db_sessions, lambda db: get_user(db, project_id, user_id, now=NOW)))
        == "user_not_found"
    )
    assert (
        await refusal(within(db_sessions, lambda db: delete_user(db, project_id, user_id)))
        == "user_not_found"
    )
    assert await add(db_sessions, project_id, NewUser(email="a@example.com"))


async def test_search_filters_and_pages_with_a_cursor(db_sessions: Sessions, project_id: str) -> None:
    for n in range(3):
        await add(db_sessions, project_id, NewUser(email=f"u{n}@example.com"))
    await add(db_sessions, project_id, NewUser(email="pending@example.com", create_user_as_pending=True))
    query = {"operator": "AND", "operands": [{"filter_name": "status", "filter_value": "active"}]}
    first = await within(
        db_sessions, lambda db: search_users(db, project_id, query=query, cursor=None, limit=2, now=NOW)
    )
    assert first.total == 3 and len(first.results) == 2 and first.next_cursor is not None
    rest = await within(
        db_sessions,
        lambda db: search_users(db, project_id, query=query, cursor=first.next_cursor, limit=2, now=NOW),
    )
    assert len(rest.results) == 1 and rest.next_cursor is None
    found = {view.emails[0].email for view in [*first.results, *rest.results]}
    assert found == {"u0@example.com", "u1@example.com", "u2@example.com"}
