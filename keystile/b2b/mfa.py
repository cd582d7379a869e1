"""Members' second factors (SMS passcodes, TOTP, recovery codes): who presents one (the member's
intermediate session, or a session of the member) and the member session it completes or extends, with
the member's MFA enrollment and default method."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from keystile.b2b import intermediate, member_locks
from keystile.b2b.admission import allows_mfa_method, unmet_requirements
from keystile.b2b.intermediate import PresentedIntermediateSession
from keystile.b2b.members import get_member
from keystile.b2b.sessions import IssuedMemberSession, current, start_or_extend
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.sessions.types import MemberCredentials, SessionRequest

ENROLLMENT: Final = {"enroll": True, "unenroll": False}
# (type, delivery_method) of the AuthenticationFactors that are second factors.
MFA_FACTORS: Final = {("otp", "sms"), ("totp", "authenticator_app"), ("recovery_codes", "recovery_code")}


@dataclass(frozen=True)
class SecondFactorRequest:
    """Whom a second factor is for, what it is presented with, and what it sets on the member."""

    organization_ref: str
    member_ref: str
    intermediate_session_token: str | None = None
    session: SessionRequest = field(default_factory=SessionRequest)
    set_mfa_enrollment: str | None = None
    set_default_mfa: bool = False

    @property
    def credentials(self) -> MemberCredentials:
        return MemberCredentials(self.session.session_token, self.session.session_jwt)


@dataclass(frozen=True)
class Challenge:
    """The member a second factor is for, and the intermediate session it completes (None when it
    steps up a member session)."""

    member: MemberView
    presented: PresentedIntermediateSession | None
    # The factors authenticated on what the caller presented (the intermediate session or session).
    factors: list[dict[str, Any]] = field(default_factory=list)

    def check_may_enroll(self) -> None:
        """A member with a verified second factor adds another only with that proven on what it
        presents (Stytch's rule against bypassing MFA by enrolling one's own factor)."""
        row = self.member.member
        enrolled = row.mfa_phone_number_verified or bool(row.totp_registration_id)
        proven = any((f.get("type"), f.get("delivery_method")) in MFA_FACTORS for f in self.factors)
        if enrolled and not proven:
            raise KeystileError("mfa_factor_required")


def session_of(credentials: MemberCredentials) -> SessionRequest:
    return SessionRequest(session_token=credentials.session_token, session_jwt=credentials.session_jwt)


async def challenge(
    call: Call, request: SecondFactorRequest, *, method: str, required: bool = True
) -> Challenge:
    """The member and what it presents, checked before the factor is: an intermediate session of this
    member whose primary factor the organization accepts, or a session of this member. A second factor
    alone authenticates nobody (unless not `required`: enrolling one needs neither). A locked member
    is refused."""
    if request.set_mfa_enrollment is not None and request.set_mfa_enrollment not in ENROLLMENT:
        raise KeystileError("invalid_argument", "set_mfa_enrollment must be enroll or unenroll.")
    member = await get_member(call, request.organization_ref, member_ref=request.member_ref, email=None)
    member_locks.refuse_locked(member)
    row, organization = member.member, member.organization.organization
    if not allows_mfa_method(organization, row, method):
        raise KeystileError("mfa_method_not_allowed")
    if request.intermediate_session_token:
        presented = await intermediate.presented(call, request.intermediate_session_token)
        if presented.row.member_id != row.member_id:
            raise KeystileError("intermediate_session_not_found")
        primary, _ = unmet_requirements(organization, row, presented.row.authentication_factors or [])
        if primary is not None:
            raise KeystileError("action_available_only_once_primary_authentication_is_met")
        return Challenge(member, presented, presented.row.authentication_factors or [])
    if request.session.session_token or request.session.session_jwt:
        session, owner = await current(call, request.credentials)
        if owner.member.member_id != row.member_id:
            raise KeystileError("user_id_mismatch", "The session belongs to a different member.")
        return Challenge(member, None, session.authentication_factors)
    if required:
        raise KeystileError("action_available_only_once_primary_authentication_is_met")
    return Challenge(member, None)


async def complete(
    call: Call, challenged: Challenge, factor: dict[str, Any], request: SecondFactorRequest, *, method: str
) -> IssuedMemberSession:
    """After the factor (of MFA `method`) was proven: use up the intermediate session and start the
    member session with its factors and this one, or add this one to the member's session."""
    row, organization = challenged.member.member, challenged.member.organization.organization
    if request.set_mfa_enrollment is not None and organization.mfa_policy != "REQUIRED_FOR_ALL":
        row.mfa_enrolled = ENROLLMENT[request.set_mfa_enrollment]
    if request.set_default_mfa or not row.default_mfa_method:
        row.default_mfa_method = method
    row.updated_at = call.now
    factors = [factor]
    if challenged.presented is not None:
        await intermediate.consume(call, challenged.presented)
        factors = [*(challenged.presented.row.authentication_factors or []), factor]
        row.status, row.email_address_verified = "active", True
        session = SessionRequest(
            request.session.duration_minutes, custom_claims=request.session.custom_claims
        )
        return await start_or_extend(call, member=challenged.member, factors=factors, request=session)
    return await start_or_extend(call, member=challenged.member, factors=factors, request=request.session)
