"""`/v1/email/risk`: an email address's risk, computed by keystile (the SDK's `fraud.email.risk`, sent
to keystile by `stytch.Client(..., fraud_environment=URL)`)."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ProjectAuth
from keystile.api.context import Ctx
from keystile.api.schemas.fraud import (
    AddressInformationOut,
    DomainInformationOut,
    EmailRiskRequest,
    EmailRiskResponse,
)
from keystile.delivery.bounces import has_known_bounces
from keystile.fraud.domain import resolver
from keystile.fraud.email_risk import email_risk

router = APIRouter(prefix="/v1", tags=["fraud"])


@router.post("/email/risk", response_model=EmailRiskResponse)
async def check_email_risk(body: EmailRiskRequest, ctx: Ctx, project: ProjectAuth) -> EmailRiskResponse:
    email = body.email_address.strip()
    async with ctx.work() as db:
        bounced = await has_known_bounces(db, project.project_id, email)
    settings = ctx.state.settings
    # DNS is asked outside the unit of work: no database connection waits on it.
    risk = await email_risk(
        email, bounced=bounced, dns_resolver=resolver(settings.dns_resolver, settings.dns_timeout_seconds)
    )
    address = risk.address
    return EmailRiskResponse(
        request_id=ctx.request_id,
        address_information=AddressInformationOut(
            has_known_bounces=risk.has_known_bounces,
            has_valid_syntax=address.has_valid_syntax,
            is_suspected_role_address=address.is_suspected_role_address,
            normalized_email=address.normalized_email,
            tumbling_character_count=address.tumbling_character_count,
        ),
        domain_information=DomainInformationOut(
            has_mx_or_a_record=risk.has_mx_or_a_record, is_disposable_domain=risk.is_disposable_domain
        ),
        action=risk.action,
        risk_score=risk.risk_score,
    )
