"""Use cases for an organization's email magic links: login_or_signup (honouring JIT provisioning by
email domain), invite (honouring the invite policy), and authenticate into a member session."""

from __future__ import annotations

from dataclasses import dataclass

from keystile import tokens
from keystile.b2b import intermediate, policy, sandbox
from keystile.b2b.admission import Entry, enter_by_email
from keystile.b2b.email_updates import EMAIL_UPDATE, confirm_email_update
from keystile.b2b.links import Link, redeem_link, send_link
from keystile.b2b.members import NewMember, add_member
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.models import Member
from keystile.b2b.organizations import administered_organization, organization_view
from keystile.b2b.permissions import CREATE
from keystile.b2b.retired_emails import with_retired_emails
from keystile.b2b.views import MemberView, OrganizationView
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors import links
from keystile.factors.links import LinkOptions
from keystile.identity.contact import normalize_email
from keystile.projects import sandbox as sandbox_values
from keystile.projects.service import resolve_redirect_url
from keystile.rbac.defaults import MEMBER
from keystile.sessions.types import MemberCredentials, SessionRequest


@dataclass(frozen=True)
class SentMemberLink:
    member: MemberView
    member_created: bool


async def _existing(call: Call, organization: OrganizationView, email: str) -> Member | None:
    """The member `email` is in the organization; a deleted one cannot receive links."""
    repo = MemberRepository(call.db, organization.organization.project_id)
    member = await repo.by_email(organization.organization_id, email, for_update=True)
    if member is not None and member.status == "deleted":
        raise KeystileError("member_not_found", "This member was deleted; reactivate it first.")
    return member


async def login_or_signup(
    call: Call, *, organization_ref: str, email: object, options: LinkOptions
) -> SentMemberLink:
    """Send a login link to a member, or a signup link to a pending or invited one, or create a pending
    member when the organization provisions new members of the address's domain."""
    address = normalize_email(email)
    challenge = tokens.check_challenge(options.code_challenge)
    login_minutes = links.expiration_minutes(options.login_expiration_minutes, links.LOGIN_EXPIRATION_MINUTES)
    signup_minutes = links.expiration_minutes(
        options.signup_expiration_minutes, links.SIGNUP_EXPIRATION_MINUTES
    )
    db, project_id, now = call.db, call.project_id, call.now
    if sandbox.is_sandbox_login(call.test_project, organization_ref, address):
        sandbox_values.check_redirect_urls(options.login_url, options.signup_url)
        return SentMemberLink(sandbox.sandbox_member(project_id, now), member_created=False)
    organization = await organization_view(call, organization_ref)
    login_url = await resolve_redirect_url(db, project_id, "login", options.login_url)
    signup_url = await resolve_redirect_url(db, project_id, "signup", options.signup_url)
    member = await _existing(call, organization, address)
    created = member is None
    if member is None:
        if not organization.admits_by_email_domain(address):
            raise KeystileError("invalid_email_for_jit_provisioning")
        member = await add_member(call, organization, address, status="pending", verified=False)
    signup = member.status != "active"
    await send_link(
        call,
        Link(
            kind="signup" if signup else "login",
            email=address,
            redirect_url=signup_url if signup else login_url,
            lifetime_minutes=signup_minutes if signup else login_minutes,
            code_challenge=challenge,
            organization_id=organization.organization_id,
            member_id=member.member_id,
        ),
    )
    return SentMemberLink(MemberView(member, organization), created)


async def invite(
    call: Call,
    *,
    organization_ref: str,
    email: object,
    new: NewMember,
    options: LinkOptions,
    acting: MemberCredentials | None,
) -> MemberView:
    """Invite `email` into the organization (a new member, or one not active yet), as its invite policy
    allows, and email the invite link."""
    address = normalize_email(email)
    minutes = links.expiration_minutes(options.invite_expiration_minutes, links.INVITE_EXPIRATION_MINUTES)
    if sandbox.is_sandbox_login(call.test_project, organization_ref, address):
        sandbox_values.check_redirect_urls(options.invite_url)
        return sandbox.sandbox_member(call.project_id, call.now)
    organization = await administered_organization(
        call, organization_ref, acting, MEMBER, [CREATE], what="Inviting a member"
    )
    invite_url = await resolve_redirect_url(call.db, call.project_id, "invite", options.invite_url)
    settings = organization.organization
    if not policy.may_be_invited(settings.email_invites, organization.allowed_domains, address):
        raise KeystileError("invalid_email_for_invites")
    member = await _existing(call, organization, address)
    if member is None:
        member = await add_member(call, organization, address, status="invited", verified=False, new=new)
    elif member.status == "active":
        raise KeystileError("duplicate_member_email", "This email already belongs to an active member.")
    else:
        member.status, member.updated_at = "invited", call.now
    await send_link(
        call,
        Link(
            kind="invite",
            email=address,
            redirect_url=invite_url,
            lifetime_minutes=minutes,
            organization_id=organization.organization_id,
            member_id=member.member_id,
        ),
    )
    return MemberView(member, organization)


def _sandbox_token(call: Call, token: str) -> Entry:
    """The canned answers to Stytch's sandbox tokens in a test project: the sandbox member, no session."""
    sandbox.check_sandbox_token(token)
    return Entry(sandbox.sandbox_member(call.project_id, call.now))


async def authenticate(
    call: Call,
    *,
    token: str,
    code_verifier: str | None,
    request: SessionRequest,
    intermediate_session_token: str | None,
) -> Entry:
    """Redeem an organization's magic link: verify the member's email (or, for an email update, make
    the new address the member's), activate the member, and start or extend its session (or hand back
    an intermediate session when the organization wants more)."""
    if sandbox.is_sandbox_token(call.test_project, token):
        return _sandbox_token(call, token)
    row = await redeem_link(call, token, discovery=False, code_verifier=code_verifier)
    organization = await organization_view(call, row.organization_id or "")
    member = await MemberRepository(call.db, call.project_id).get(
        organization.organization_id, row.member_id or "", for_update=True
    )
    if member is not None and row.kind == EMAIL_UPDATE:
        await confirm_email_update(call, member, row.email_address)
    if member is None or member.status == "deleted" or member.email_address != row.email_address:
        raise KeystileError("unable_to_auth_magic_link", "The member of this link was deleted or changed.")
    presented = (
        await intermediate.presented(call, intermediate_session_token) if intermediate_session_token else None
    )
    entry = await enter_by_email(call, organization, member, request=request, presented=presented)
    await with_retired_emails(call, [entry.member])
    return entry
