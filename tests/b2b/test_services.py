"""The B2B services in process: organizations, members, and discovery of the organizations of an
address by a single-use link."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta

from keystile.b2b import discovery
from keystile.b2b.members import MemberChanges, NewMember, create_member, delete_member, update_member
from keystile.b2b.organizations import (
    OrganizationFields,
    create_organization,
    delete_organization,
    organization_view,
    search_organizations,
    update_organization,
)
from keystile.b2b.views import MemberView, OrganizationView
from keystile.sessions.keys import KeyRing
from tests.support.services import NOW, Sessions, call_for, last_token, refusal, within

ADDRESS = "ada@acme.example.com"


async def new_organization(
    db_sessions: Sessions, project_id: str, name: str, slug: str | None = None
) -> OrganizationView:
    fields = OrganizationFields(organization_name=name, organization_slug=slug)
    return await within(db_sessions, lambda db: create_organization(call_for(db, project_id), fields))


async def new_member(
    db_sessions: Sessions, keys: KeyRing, project_id: str, organization_id: str, email: str = ADDRESS
) -> MemberView:
    return await within(
        db_sessions,
        lambda db: create_member(
            call_for(db, project_id, keys),
            organization_id,
            email,
            NewMember(name="Ada"),
            pending=False,
            acting=None,
        ),
    )


async def test_an_organization_gets_a_slug_from_its_name_and_needs_a_name(
    db_sessions: Sessions, b2b_project_id: str
) -> None:
    created = await new_organization(db_sessions, b2b_project_id, "Acme Corp")
    assert created.organization.organization_slug == "acme-corp"
    assert created.organization.created_at == NOW
    taken = new_organization(db_sessions, b2b_project_id, "Other", "acme-corp")
    assert await refusal(taken) == "organization_slug_already_used"
    nameless = within(
        db_sessions, lambda db: create_organization(call_for(db, b2b_project_id), OrganizationFields())
    )
    assert await refusal(nameless) == "invalid_organization_name"


async def test_an_organization_is_updated_searched_and_deleted(
    db_sessions: Sessions, keys: KeyRing, b2b_project_id: str
) -> None:
    acme = await new_organization(db_sessions, b2b_project_id, "Acme")
    await new_organization(db_sessions, b2b_project_id, "Globex")
    later = NOW + timedelta(minutes=5)
    renamed = await within(
        db_sessions,
        lambda db: update_organization(
            call_for(db, b2b_project_id, keys, now=later),
            acme.organization_id,
            OrganizationFields(organization_name="Acme Inc"),
            acting=None,
        ),
    )
    assert renamed.organization.organization_name == "Acme Inc" and renamed.organization.updated_at == later
    query = {
        "operator": "AND",
        "operands": [{"filter_name": "organization_name_fuzzy", "filter_value": "acme"}],
    }
    page = await within(
        db_sessions,
        lambda db: search_organizations(call_for(db, b2b_project_id), query=query, cursor=None, limit=10),
    )
    assert [view.organization_id for view in page.organizations] == [acme.organization_id]
    await within(
        db_sessions,
        lambda db: delete_organization(
            call_for(db, b2b_project_id, keys, now=later), acme.organization_id, acting=None
        ),
    )
    gone = within(
        db_sessions, lambda db: organization_view(call_for(db, b2b_project_id), acme.organization_id)
    )
    assert await refusal(gone) == "organization_not_found"


async def test_a_member_address_is_unique_in_its_organization_only(
    db_sessions: Sessions, keys: KeyRing, b2b_project_id: str
) -> None:
    acme = await new_organization(db_sessions, b2b_project_id, "Acme")
    globex = await new_organization(db_sessions, b2b_project_id, "Globex")
    member = await new_member(db_sessions, keys, b2b_project_id, acme.organization_id)
    assert member.member.status == "active" and member.member.name == "Ada"
    again = new_member(db_sessions, keys, b2b_project_id, acme.organization_id, ADDRESS.upper())
    assert await refusal(again) == "duplicate_member_email"
    assert await new_member(db_sessions, keys, b2b_project_id, globex.organization_id)


async def test_a_member_is_updated_then_deleted(
    db_sessions: Sessions, keys: KeyRing, b2b_project_id: str
) -> None:
    acme = await new_organization(db_sessions, b2b_project_id, "Acme")
    member_id = (await new_member(db_sessions, keys, b2b_project_id, acme.organization_id)).member.member_id

    def change(changes: MemberChanges) -> Awaitable[MemberView]:
        return within(
            db_sessions,
            lambda db: update_member(
                call_for(db, b2b_project_id, keys), acme.organization_id, member_id, changes, acting=None
            ),
        )

    updated = await change(MemberChanges(name="Ada L.", untrusted_metadata={"k": "v"}))
    assert (updated.member.name, updated.member.untrusted_metadata) == ("Ada L.", {"k": "v"})
    await within(
        db_sessions,
        lambda db: delete_member(
            call_for(db, b2b_project_id, keys), acme.organization_id, member_id, acting=None
        ),
    )
    assert await refusal(change(MemberChanges(name="x"))) == "member_not_found"


async def send_discovery(db_sessions: Sessions, project_id: str, email: str = ADDRESS) -> str:
    await within(
        db_sessions,
        lambda db: discovery.send(
            call_for(db, project_id),
            email=email,
            redirect_url=None,
            code_challenge=None,
            expiration_minutes=None,
        ),
    )
    return await last_token(db_sessions, project_id, email)


async def test_a_discovery_link_finds_the_memberships_once(
    db_sessions: Sessions, keys: KeyRing, b2b_project_id: str
) -> None:
    acme = await new_organization(db_sessions, b2b_project_id, "Acme")
    await new_organization(db_sessions, b2b_project_id, "Globex")
    await new_member(db_sessions, keys, b2b_project_id, acme.organization_id)
    token = await send_discovery(db_sessions, b2b_project_id)

    def redeem() -> Awaitable[discovery.Discovery]:
        return within(
            db_sessions,
            lambda db: discovery.authenticate(
                call_for(db, b2b_project_id, now=NOW + timedelta(minutes=1)), token=token, code_verifier=None
            ),
        )

    found = await redeem()
    assert found.email == ADDRESS and found.intermediate is not None
    assert [(o.organization.organization_id, o.membership_type) for o in found.organizations] == [
        (acme.organization_id, "active_member")
    ]
    assert await refusal(redeem()) == "unable_to_auth_magic_link"
