"""Discovery: log in by email without naming an organization (a discovery magic link becomes an
intermediate session), see the organizations the address belongs to or may join, and create one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from keystile import tokens
from keystile.b2b import intermediate, policy, sandbox
from keystile.b2b.admission import (
    Entry,
    email_proof,
    enter_by_email,
    proven_email,
    proves_email,
    unmet_requirements,
)
from keystile.b2b.intermediate import IssuedIntermediateSession
from keystile.b2b.links import DISCOVERY, DISCOVERY_EXPIRATION_MINUTES, Link, redeem_link, send_link
from keystile.b2b.members import NewMember, add_member
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.models import Member
from keystile.b2b.organizations import OrganizationFields, create_organization
from keystile.b2b.organizations_repository import OrganizationRepository
from keystile.b2b.sessions import current
from keystile.b2b.views import OrganizationView
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors import links
from keystile.factors.common import authentication_factor
from keystile.identity.contact import normalize_email
from keystile.projects.sandbox import check_redirect_urls
from keystile.projects.service import resolve_redirect_url
from keystile.sessions.types import MemberCredentials, SessionRequest

MEMBERSHIP_TYPES = {"active": "active_member", "pending": "pending_member", "invited": "invited_member"}
ELIGIBLE_BY_DOMAIN = "eligible_to_join_by_email_domain"


@dataclass
class DiscoveredOrganization:
    organization: OrganizationView
    membership_type: str
    member: Member | None
    member_authenticated: bool
    primary_required: list[str] | None
    mfa_required: bool
    details: dict[str, Any] | None = None


@dataclass
class Discovery:
    email: str
    organizations: list[DiscoveredOrganization] = field(default_factory=list)
    intermediate: IssuedIntermediateSession | None = None


async def send(
    call: Call,
    *,
    email: object,
    redirect_url: str | None,
    code_challenge: str | None,
    expiration_minutes: int | None,
) -> None:
    """Email a discovery link to any address (whether or not it belongs to a member)."""
    address = normalize_email(email)
    challenge = tokens.check_challenge(code_challenge)
    minutes = links.expiration_minutes(expiration_minutes, DISCOVERY_EXPIRATION_MINUTES)
    if sandbox.is_sandbox_email(call.test_project, address):
        check_redirect_urls(redirect_url)
        return
    url = await resolve_redirect_url(call.db, call.project_id, DISCOVERY, redirect_url)
    link = Link(
        kind=DISCOVERY, email=address, redirect_url=url, lifetime_minutes=minutes, code_challenge=challenge
    )
    await send_link(call, link)


async def _discovered(
    call: Call,
    email: str,
    *,
    eligible: bool,
    authenticated_in: str | None,
    factors: list[dict[str, Any]] | None = None,
) -> list[DiscoveredOrganization]:
    """The organizations `email` is a member of (not deleted), then, with `eligible`, those whose JIT
    provisioning would admit it; `authenticated_in` is the organization of a presented member session,
    `factors` what proved the address (what each organization still demands depends on them)."""
    organizations = OrganizationRepository(call.db, call.project_id)
    memberships = await MemberRepository(call.db, call.project_id).memberships(email)
    joinable = await organizations.admitting_domain(policy.email_domain(email)) if eligible else []
    known = {member.organization_id for member in memberships}
    joinable = [org for org in joinable if org.organization_id not in known]
    member_orgs = await organizations.by_ids(sorted(known))
    views = {view.organization_id: view for view in await organizations.views([*member_orgs, *joinable])}
    found = []
    for member in memberships:
        if member.status in MEMBERSHIP_TYPES:
            view = views[member.organization_id]
            primary, mfa = unmet_requirements(view.organization, member, factors)
            found.append(
                DiscoveredOrganization(
                    organization=view,
                    membership_type=MEMBERSHIP_TYPES[member.status],
                    member=member,
                    member_authenticated=member.organization_id == authenticated_in,
                    primary_required=primary,
                    mfa_required=mfa,
                )
            )
    for organization in joinable:
        primary, mfa = unmet_requirements(organization, None, factors)
        found.append(
            DiscoveredOrganization(
                organization=views[organization.organization_id],
                membership_type=ELIGIBLE_BY_DOMAIN,
                member=None,
                member_authenticated=False,
                primary_required=primary,
                mfa_required=mfa,
                details={"domain": policy.email_domain(email)},
            )
        )
    return found


async def authenticate(call: Call, *, token: str, code_verifier: str | None) -> Discovery:
    """Redeem a discovery link for an intermediate session and the organizations of its address."""
    if sandbox.is_sandbox_token(call.test_project, token):
        sandbox.check_sandbox_token(token)
        return _sandbox_discovery(call)
    row = await redeem_link(call, token, discovery=True, code_verifier=code_verifier)
    return await discover(call, row.email_address, "magic_link")


def _sandbox_discovery(call: Call) -> Discovery:
    """Stytch's sandbox answer to its successful discovery token: the sandbox address, a member of the
    sandbox organization, and no intermediate session (nothing of it is stored)."""
    found = sandbox.sandbox_member(call.project_id, call.now)
    membership = DiscoveredOrganization(found.organization, "active_member", found.member, False, None, False)
    return Discovery(found.member.email_address, [membership])


async def discover(call: Call, email: str, proof: str) -> Discovery:
    """For `email` just proven by a `proof` (magic_link, otp): an intermediate session carrying that
    factor, and the organizations of the address."""
    return await discover_with(call, email, authentication_factor(proof, "email", call.now), proven=True)


async def discover_with(call: Call, email: str, factor: dict[str, Any], *, proven: bool) -> Discovery:
    """For `email` just authenticated by `factor`: an intermediate session carrying it, and the
    organizations of the address (those it may join by its domain too when the factor `proven` it)."""
    ist = intermediate.issue(call, email=email, factors=[factor])
    found = await _discovered(call, email, eligible=proven, authenticated_in=None, factors=[factor])
    return Discovery(email, found, ist)


async def list_organizations(
    call: Call, *, intermediate_session_token: str | None, credentials: MemberCredentials
) -> Discovery:
    """The organizations of the address behind an intermediate session (memberships, and those it may
    join when an emailed factor proved the address), or behind a member session (its memberships);
    neither is used up."""
    given = [intermediate_session_token, credentials.session_token, credentials.session_jwt]
    if sum(1 for value in given if value) != 1:
        raise KeystileError(
            "invalid_argument",
            "Give exactly one of intermediate_session_token, session_token and session_jwt.",
        )
    if intermediate_session_token:
        ist = await intermediate.presented(call, intermediate_session_token)
        email, factors = ist.row.email_address, ist.row.authentication_factors or None
        found = await _discovered(
            call, email, eligible=proves_email(ist), authenticated_in=None, factors=factors
        )
        return Discovery(email, found)
    session, member = await current(call, credentials)
    email = proven_email(member.member)
    organizations = await _discovered(call, email, eligible=False, authenticated_in=session.organization_id)
    return Discovery(email, organizations)


async def create_organization_and_enter(
    call: Call, *, intermediate_session_token: str, given: OrganizationFields, request: SessionRequest
) -> Entry:
    """Create an organization (named after the address when no name is given) whose first member,
    a `stytch_admin`, is the address behind the intermediate session; log that member in."""
    ist = await intermediate.presented(call, intermediate_session_token)
    email = ist.row.email_address
    organization = await create_organization(call, given, creator_email=email)
    admin = NewMember(roles=[policy.ADMIN_ROLE])
    member = await add_member(call, organization, email, status="pending", verified=True, new=admin)
    return await enter_by_email(
        call, organization, member, request=request, presented=ist, proof=email_proof(ist)
    )
