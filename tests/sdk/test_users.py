"""The consumer Users API driven by the official `stytch` Python SDK against a real server."""

from __future__ import annotations

import stytch

from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer


def test_create_get_update_delete(client: stytch.Client) -> None:
    created = client.users.create(
        email="Ada.Lovelace@Example.COM",
        phone_number="+12025550123",
        name={"first_name": "Ada", "last_name": "Lovelace"},
        trusted_metadata={"plan": "pro"},
        untrusted_metadata={"theme": "dark"},
        external_id="legacy|42",
    )
    assert created.user_id.startswith("user-test-")
    assert created.status == "active"
    assert created.email_id.startswith("email-test-")
    assert created.phone_id.startswith("phone-number-test-")
    assert created.user.emails[0].email == "ada.lovelace@example.com"
    assert created.user.emails[0].verified is False

    got = client.users.get(created.user_id)
    assert got.name is not None and got.name.first_name == "Ada"
    assert got.trusted_metadata == {"plan": "pro"}
    assert got.external_id == "legacy|42"
    assert got.phone_numbers[0].phone_number == "+12025550123"
    assert got.created_at is not None

    updated = client.users.update(
        created.user_id, name={"first_name": "Augusta"}, untrusted_metadata={"theme": "light"}
    )
    assert updated.user.name is not None and updated.user.name.first_name == "Augusta"
    assert updated.user.untrusted_metadata == {"theme": "light"}
    assert updated.user.trusted_metadata == {"plan": "pro"}

    assert client.users.delete(created.user_id).user_id == created.user_id
    assert error_type(lambda: client.users.get(created.user_id)) == "user_not_found"


def test_pending_users_and_error_types(client: stytch.Client) -> None:
    pending = client.users.create(email="pending@example.com", create_user_as_pending=True)
    assert pending.status == "pending"
    assert error_type(lambda: client.users.create(email="PENDING@example.com")) == "duplicate_email"
    assert error_type(lambda: client.users.create(email="not-an-email")) == "invalid_email"
    assert (
        error_type(lambda: client.users.get("user-test-00000000-0000-4000-8000-000000000000"))
        == "user_not_found"
    )
    assert (
        error_type(lambda: client.users.delete("user-test-00000000-0000-4000-8000-000000000000"))
        == "user_not_found"
    )
    assert error_type(lambda: client.users.create(phone_number="12345")) == "invalid_phone_number"
    client.users.create(email="a@example.com", external_id="dup")
    assert (
        error_type(lambda: client.users.create(email="b@example.com", external_id="dup"))
        == "duplicate_user_external_id"
    )


def test_wrong_secret_is_refused(server: KeystileServer, client: stytch.Client) -> None:
    project = server.create_project()
    wrong = stytch.Client(
        project.project_id,
        project.secret[:-4] + "AAAA",
        environment=server.base_url,
        suppress_warnings=True,
    )
    assert error_type(lambda: wrong.users.search(limit=1)) == "unauthorized_credentials"


def test_one_project_cannot_reach_another(server: KeystileServer, client: stytch.Client) -> None:
    mine = client.users.create(email="mine@example.com")
    other_project = server.create_project()
    other = stytch.Client(
        other_project.project_id,
        other_project.secret,
        environment=server.base_url,
        suppress_warnings=True,
    )
    assert error_type(lambda: other.users.get(mine.user_id)) == "user_not_found"
    assert error_type(lambda: other.users.update(mine.user_id, name={"first_name": "X"})) == (
        "user_not_found"
    )
    assert error_type(lambda: other.users.delete(mine.user_id)) == "user_not_found"
    assert error_type(lambda: other.users.delete_email(mine.email_id)) == "email_not_found"
    assert other.users.search(limit=10).results_metadata.total == 0
    # Each project has its own namespace of emails.
    other.users.create(email="mine@example.com")
    # A secret of project B with the id of project A is refused.
    crossed = stytch.Client(
        client.sync_client.project_id,
        other_project.secret,
        environment=server.base_url,
        suppress_warnings=True,
    )
    assert error_type(lambda: crossed.users.get(mine.user_id)) == "unauthorized_credentials"
    assert client.users.get(mine.user_id).user_id == mine.user_id


def test_search_filters_and_pagination(client: stytch.Client) -> None:
    ids = [
        client.users.create(email=f"person{i}@search.example", name={"first_name": f"Name{i}"}).user_id
        for i in range(7)
    ]
    client.users.create(email="other@else.example", create_user_as_pending=True)

    seen: list[str] = []
    cursor = None
    query = {
        "operator": "AND",
        "operands": [{"filter_name": "email_address_fuzzy", "filter_value": "search.example"}],
    }
    while True:
        page = client.users.search(limit=3, cursor=cursor, query=query)
        assert page.results_metadata.total == 7
        seen.extend(u.user_id for u in page.results)
        cursor = page.results_metadata.next_cursor
        if not cursor:
            break
    assert seen == ids

    pending = client.users.search(
        query={"operator": "AND", "operands": [{"filter_name": "status", "filter_value": "pending"}]}
    )
    assert [u.emails[0].email for u in pending.results] == ["other@else.example"]

    by_email = client.users.search(
        query={
            "operator": "OR",
            "operands": [
                {"filter_name": "email_address", "filter_value": ["PERSON1@search.example"]},
                {"filter_name": "user_id", "filter_value": [ids[2]]},
            ],
        }
    )
    assert {u.user_id for u in by_email.results} == {ids[1], ids[2]}

    by_name = client.users.search(
        query={
            "operator": "AND",
            "operands": [{"filter_name": "full_name_fuzzy", "filter_value": "name3"}],
        }
    )
    assert [u.user_id for u in by_name.results] == [ids[3]]

    bad = {"operator": "AND", "operands": [{"filter_name": "nope", "filter_value": 1}]}
    assert error_type(lambda: client.users.search(query=bad)) == "invalid_search_query"
    assert error_type(lambda: client.users.search(cursor="%%%")) == "invalid_cursor"
    assert error_type(lambda: client.users.search(limit=0)) == "invalid_limit"


def test_delete_email_and_phone_frees_them(client: stytch.Client) -> None:
    created = client.users.create(email="free@example.com", phone_number="+14155550100")
    after_email = client.users.delete_email(created.email_id)
    assert after_email.user.emails == []
    after_phone = client.users.delete_phone_number(created.phone_id)
    assert after_phone.user.phone_numbers == []
    again = client.users.create(email="free@example.com", phone_number="+14155550100")
    assert again.user_id != created.user_id
    assert error_type(
        lambda: client.users.delete_phone_number("phone-number-test-00000000-0000-4000-8000-000000000000")
    ) == ("phone_number_not_found")
