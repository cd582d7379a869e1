"""`fraud.email.risk`'s request and response bodies, as the SDK models them."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from keystile.api.schemas.common import RequestBody, StytchResponse


class EmailRiskRequest(RequestBody):
    email_address: Annotated[str, Field(min_length=1, max_length=320)]


class AddressInformationOut(BaseModel):
    has_known_bounces: bool
    has_valid_syntax: bool
    is_suspected_role_address: bool
    normalized_email: str
    tumbling_character_count: int


class DomainInformationOut(BaseModel):
    has_mx_or_a_record: bool
    is_disposable_domain: bool


class EmailRiskResponse(StytchResponse):
    address_information: AddressInformationOut
    domain_information: DomainInformationOut
    action: str
    risk_score: int
