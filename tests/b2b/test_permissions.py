"""What a member session may do (pure): every member and organization field has its action, and the
actor's roles are evaluated on the policy given, with `stytch.self` for the actor's own member."""

from __future__ import annotations

from dataclasses import fields

import pytest

from keystile.b2b import permissions, sandbox
from keystile.b2b.members import MemberChanges
from keystile.b2b.organizations import OrganizationFields
from keystile.errors import KeystileError
from keystile.rbac.defaults import MEMBER, ORGANIZATION, default_policy
from keystile.rbac.model import WILDCARD
from tests.support.services import NOW


def actor(*roles: str) -> permissions.Actor:
    member = sandbox.sandbox_member("project-test-x", NOW)
    member.member.roles = list(roles)
    return permissions.Actor(member, default_policy("b2b"), member.role_ids)


def refused(check: object) -> str:
    with pytest.raises(KeystileError) as caught:
        check()  # type: ignore[operator]
    return caught.value.error_type


def test_every_field_has_its_action() -> None:
    assert {f.name for f in fields(MemberChanges)} == set(permissions.MEMBER_UPDATE_ACTIONS)
    assert {f.name for f in fields(OrganizationFields)} == set(permissions.ORGANIZATION_UPDATE_ACTIONS)


def test_a_member_acts_on_itself_only() -> None:
    plain = actor()
    plain.require_on_member(plain.member_id, permissions.member_actions(["name"]), what="x")
    plain.require_on_member(plain.member_id, [permissions.DELETE], what="x")
    for target, actions in (
        ("member-test-other", permissions.member_actions(["name"])),
        (plain.member_id, permissions.member_actions(["roles"])),  # not a stytch.self action
        (plain.member_id, permissions.member_actions(["trusted_metadata"])),  # backend only
    ):
        assert refused(lambda t=target, a=actions: plain.require_on_member(t, a, what="x")) == (
            "session_authorization_error"
        )
    assert refused(lambda: plain.require(ORGANIZATION, ["update.info.name"], what="x")) == (
        "session_authorization_error"
    )


def test_an_admin_takes_every_action_but_the_backends() -> None:
    admin = actor("stytch_admin")
    admin.require_on_member(
        "member-test-other", permissions.member_actions(["roles", "email_address"]), what="x"
    )
    admin.require(ORGANIZATION, permissions.organization_actions(["organization_external_id"]), what="x")
    admin.require(MEMBER, [permissions.SEARCH, permissions.CREATE], what="x")
    with pytest.raises(KeystileError) as caught:
        admin.require(ORGANIZATION, permissions.organization_actions(["trusted_metadata"]), what="Updating")
    assert "backend" in caught.value.error_message
    # `*` means every action: a role granted only some of them does not have it.
    assert permissions.ORGANIZATION_UPDATE_ACTIONS["claimed_email_domains"] == WILDCARD
    assert not actor().may(ORGANIZATION, WILDCARD)
