"""Entering an organization with a verified email address (every login path ends here): who may join,
what the organization still demands (primary factor, MFA), and the session or intermediate session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from keystile.b2b import intermediate, policy
from keystile.b2b.intermediate import IssuedIntermediateSession, PresentedIntermediateSession
from keystile.b2b.members import add_member
from keystile.b2b.members_repository import MemberRepository
from keystile.b2b.models import Member, Organization
from keystile.b2b.oauth_registrations import record_discovered
from keystile.b2b.organizations import organization_view
from keystile.b2b.otps import sending
from keystile.b2b.sessions import (
    IssuedMemberSession,
    current,
    email_factor,
    start_or_extend,
)
from keystile.b2b.views import MemberView, OrganizationView
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.sessions.types import MemberCredentials, SessionRequest

# The primary methods that prove control of the member's email address (a password does not).
EMAIL_PROVING_METHODS: Final = ("magic_link", "email_otp")


@dataclass
class Entry:
    """The outcome of entering an organization: a session, or an intermediate session plus what is
    still missing."""

    member: MemberView
    issued: IssuedMemberSession | None = None
    intermediate: IssuedIntermediateSession | None = None
    primary_required: list[str] | None = None
    mfa_required: bool = False
    # The member's MFA phone number and TOTP registration, when it has either (Stytch's member_options).
    mfa_options: dict[str, str] | None = None
    # "sms_otp" when a code was texted to the member's MFA phone number on its way in.
    secondary_auth_initiated: str | None = None

    @property
    def member_authenticated(self) -> bool:
        return self.issued is not None


def unmet_requirements(
    organization: Organization, member: Member | None, factors: list[dict[str, Any]] | None = None
) -> tuple[list[str] | None, bool]:
    """(the primary methods the organization wants when none of `factors` (an email magic link when
    None) is one of them, whether it wants MFA) for `member`, or for a new member when None."""
    methods = ["magic_link"] if factors is None else policy.primary_methods(factors)
    primary_ok = any(
        policy.primary_auth_allowed(
            organization.auth_methods,
            organization.allowed_auth_methods,
            is_breakglass=member is not None and member.is_breakglass,
            method=method,
        )
        for method in methods
    )
    mfa = policy.mfa_required(
        organization.mfa_policy, mfa_enrolled=member is not None and member.mfa_enrolled
    )
    return (None if primary_ok else list(organization.allowed_auth_methods)), mfa


def proven_email(member: Member) -> str:
    """The member's email address, which the member must have proven (a changed address is not, until
    the member logs in with it): only a proven address may open another organization's membership."""
    if not member.email_address_verified:
        raise KeystileError("email_verification_required")
    return member.email_address


async def admit(call: Call, organization: OrganizationView, email: str, *, verified: bool) -> Member:
    """The member `email` is in the organization: an existing one, or, when the organization provisions
    new members of its email domains (and the address is verified), a new pending one."""
    repo = MemberRepository(call.db, organization.organization.project_id)
    member = await repo.by_email(organization.organization_id, email, for_update=True)
    if member is None:
        if not (verified and organization.admits_by_email_domain(email)):
            raise KeystileError("invalid_email_for_jit_provisioning")
        return await add_member(call, organization, email, status="pending", verified=True)
    if member.status == "deleted":
        raise KeystileError("member_not_found", "This member was deleted; reactivate it to let it log in.")
    return member


def allows_mfa_method(organization: Organization, member: Member, method: str) -> bool:
    """Whether the organization lets `member` use the second factor `method` (`sms_otp` or `totp`)."""
    return policy.mfa_method_allowed(
        organization.mfa_methods,
        organization.allowed_mfa_methods,
        is_breakglass=member.is_breakglass,
        method=method,
    )


def mfa_options(member: Member) -> dict[str, str] | None:
    """How the member may complete MFA: its MFA phone number and TOTP registration, if any."""
    if not (member.mfa_phone_number or member.totp_registration_id):
        return None
    return {"mfa_phone_number": member.mfa_phone_number, "totp_registration_id": member.totp_registration_id}


async def _text_second_factor(call: Call, member: MemberView) -> str | None:
    """Text the member a code when its MFA goes by SMS (a phone number, SMS allowed, not TOTP by
    default), as Stytch does after a primary authentication; "sms_otp" when a code went out."""
    row, organization = member.member, member.organization.organization
    by_sms = row.mfa_phone_number and row.default_mfa_method != "totp"
    if not by_sms or not policy.mfa_method_allowed(
        organization.mfa_methods,
        organization.allowed_mfa_methods,
        is_breakglass=row.is_breakglass,
        method="sms_otp",
    ):
        return None
    try:
        await sending.text_code(call, member, row.mfa_phone_number)
    except KeystileError:
        # Refused by the toll-fraud rules, or no SMS provider: the login goes on, and otps.sms.send
        # (which the app calls when nothing was initiated) says why.
        return None
    return "sms_otp"


def _joined(carried: list[dict[str, Any]], factors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The factors an intermediate session carried, then the new ones (a newer one of the same kind
    replaces an older one)."""
    kinds = {(factor.get("type"), factor.get("delivery_method")) for factor in factors}
    kept = [factor for factor in carried if (factor.get("type"), factor.get("delivery_method")) not in kinds]
    return [*kept, *factors]


async def enter(
    call: Call,
    *,
    member: MemberView,
    factors: list[dict[str, Any]],
    request: SessionRequest,
    presented: PresentedIntermediateSession | None,
) -> Entry:
    """`member`, just authenticated by `factors`, gets a session (a pending or invited member becomes
    active; its email counts as verified when a factor proved it), unless the organization demands
    more: then a new intermediate session tied to the organization and member comes back, with the
    factors so far (those of a presented intermediate session of the same member too), and a code is
    texted when its MFA goes by SMS. A presented intermediate session is used up either way (the new
    one expires with it), so that one cannot create or enter any number of organizations; the OAuth
    logins of a discovery intermediate session become the member's OAuth registrations."""
    row = member.member
    if presented is not None:
        if presented.row.member_id in (None, row.member_id):
            factors = _joined(presented.row.authentication_factors or [], factors)
        if presented.row.member_id is None:
            await record_discovered(call, row, presented.row.authentication_factors or [])
        await intermediate.consume(call, presented)
    primary, mfa = unmet_requirements(member.organization.organization, row, factors)
    if primary is not None or mfa:
        ist = intermediate.issue(
            call,
            email=row.email_address,
            organization_id=row.organization_id,
            member_id=row.member_id,
            expires_at=presented.row.expires_at if presented is not None else None,
            factors=factors,
        )
        entry = Entry(member, intermediate=ist, primary_required=primary, mfa_required=mfa)
        if mfa and primary is None:
            entry.mfa_options = mfa_options(row)
            entry.secondary_auth_initiated = await _text_second_factor(call, member)
        return entry
    proven = set(policy.primary_methods(factors)) & set(EMAIL_PROVING_METHODS)
    verified = row.email_address_verified or bool(proven)
    # Only a change is written: an active member's every login would otherwise rewrite its row.
    if row.status != "active" or verified != row.email_address_verified:
        row.status, row.email_address_verified, row.updated_at = "active", verified, call.now
    issued = await start_or_extend(call, member=member, factors=factors, request=request)
    return Entry(member, issued=issued)


def email_proof(presented: PresentedIntermediateSession | None) -> str:
    """How the address of a presented discovery intermediate session was proven (`magic_link`, `otp`);
    a magic link otherwise."""
    if presented is None or presented.row.member_id is not None:
        return "magic_link"
    factors = presented.row.authentication_factors or []
    return next((str(f["type"]) for f in factors if f.get("delivery_method") == "email"), "magic_link")


def proves_email(presented: PresentedIntermediateSession) -> bool:
    """Whether a discovery intermediate session's address was proven (by a factor delivered by email)."""
    factors = presented.row.authentication_factors or []
    return (
        presented.row.member_id is not None
        or not factors
        or any(f.get("delivery_method") == "email" for f in factors)
    )


async def enter_by_email(
    call: Call,
    organization: OrganizationView,
    member: Member,
    *,
    request: SessionRequest,
    presented: PresentedIntermediateSession | None,
    proof: str = "magic_link",
) -> Entry:
    """`enter` with the email factor: the member has just proven its email address by `proof` (a
    magic link, or what `email_proof` says proved a discovery intermediate session's)."""
    return await enter(
        call,
        member=MemberView(member, organization),
        factors=[email_factor(member, call.now, proof)],
        request=request,
        presented=presented,
    )


async def exchange_intermediate_session(
    call: Call, *, token: str, organization_ref: str, request: SessionRequest
) -> Entry:
    """Use an intermediate session to log in to (or join) an organization."""
    presented = await intermediate.presented(call, token)
    organization = await organization_view(call, organization_ref)
    if not proves_email(presented):
        # A discovery by password (cross-org passwords): an existing membership only, entered with the
        # intermediate session's own factors.
        member = await admit(call, organization, presented.row.email_address, verified=False)
        view = MemberView(member, organization)
        return await enter(call, member=view, factors=[], request=request, presented=presented)
    member = await admit(call, organization, presented.row.email_address, verified=True)
    return await enter_by_email(
        call, organization, member, request=request, presented=presented, proof=email_proof(presented)
    )


async def exchange_session(
    call: Call, *, credentials: MemberCredentials, organization_ref: str, request: SessionRequest
) -> Entry:
    """Switch organization: the member of the session, by its email address, enters another
    organization with the factors it has already authenticated (the session itself stays)."""
    session, present = await current(call, credentials)
    organization = await organization_view(call, organization_ref)
    email = proven_email(present.member)
    member = await admit(call, organization, email, verified=True)
    factors = [
        {**factor, "email_factor": {"email_id": member.email_id, "email_address": email}}
        if "email_factor" in factor
        else factor
        for factor in session.authentication_factors
    ]
    return await enter(
        call, member=MemberView(member, organization), factors=factors, request=request, presented=None
    )
