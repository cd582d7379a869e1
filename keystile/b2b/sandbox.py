"""Stytch's documented B2B sandbox values, which answer in test projects only: `sandbox@stytch.com` in
the sandbox organization answers 200 and sends nothing. Public test fixtures, not credentials."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from keystile.b2b import policy
from keystile.b2b.models import Member, Organization
from keystile.b2b.views import MemberView, OrganizationView
from keystile.errors import KeystileError
from keystile.projects.sandbox import NOT_FOUND_TOKEN, SANDBOX_EMAIL, SUCCESS_TOKEN, UNABLE_TO_AUTH_TOKEN

SANDBOX_ORGANIZATION_ID: Final = "organization-test-007d9d4a-deac-4a87-ba0a-e6e8afba4d4b"
SANDBOX_MEMBER_ID: Final = "member-test-32fc5024-9c09-4da3-bd2e-c9ce4da9375f"


def is_sandbox_email(test_project: bool, email: str) -> bool:
    return test_project and email == SANDBOX_EMAIL


def is_sandbox_login(test_project: bool, organization_ref: str, email: str) -> bool:
    return is_sandbox_email(test_project, email) and organization_ref == SANDBOX_ORGANIZATION_ID


def is_sandbox_token(test_project: bool, token: str) -> bool:
    return test_project and token in (SUCCESS_TOKEN, UNABLE_TO_AUTH_TOKEN, NOT_FOUND_TOKEN)


def check_sandbox_token(token: str) -> None:
    """Stytch's sandbox answers to its magic-link tokens (organization and discovery links alike):
    401 unable_to_auth_magic_link, 404 magic_link_not_found, or nothing for the one that succeeds."""
    if token == UNABLE_TO_AUTH_TOKEN:
        raise KeystileError("unable_to_auth_magic_link")
    if token != SUCCESS_TOKEN:
        raise KeystileError("magic_link_not_found")


def sandbox_member(project_id: str, now: datetime) -> MemberView:
    """The sandbox member of the sandbox organization, made up for the response (never stored)."""
    organization = Organization.blank(
        SANDBOX_ORGANIZATION_ID,
        project_id,
        policy.SETTING_DEFAULTS,
        now,
        name="Sandbox Organization",
        slug="sandbox-organization",
    )
    member = Member(
        member_id=SANDBOX_MEMBER_ID,
        project_id=project_id,
        organization_id=SANDBOX_ORGANIZATION_ID,
        email_id="member-email-test-sandbox",
        email_address=SANDBOX_EMAIL,
        email_address_verified=True,
        status="active",
        name="",
        is_breakglass=False,
        mfa_enrolled=False,
        mfa_phone_number="",
        mfa_phone_number_verified=False,
        default_mfa_method="",
        external_id=None,
        roles=[],
        trusted_metadata={},
        untrusted_metadata={},
        created_at=now,
        updated_at=now,
    )
    return MemberView(member, OrganizationView(organization))
