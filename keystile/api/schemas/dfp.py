"""Device Fingerprinting's bodies: the telemetry script's post, and the request and response bodies of
`fingerprint/lookup`, `rules/*` and `verdict_reasons/*` as the SDK models them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from pydantic import BaseModel, Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.clock import rfc3339
from keystile.fraud.fingerprinting.models import DfpRule
from keystile.fraud.fingerprinting.service import Lookup, ReasonAction

Short = Annotated[str, Field(max_length=256)]
Count = Annotated[int, Field(ge=0, le=100_000)]
Identifier = Annotated[str, Field(max_length=128)]
Description = Annotated[str, Field(max_length=1024)]


class TelemetryPost(RequestBody):
    """What the telemetry script reports of its browser."""

    user_agent: Annotated[str, Field(max_length=512)]
    languages: Annotated[list[Annotated[str, Field(max_length=35)]], Field(max_length=32)]
    timezone: Annotated[str, Field(max_length=64)]
    platform: Short
    screen_width: Count
    screen_height: Count
    color_depth: Annotated[int, Field(ge=0, le=64)]
    pixel_ratio: Annotated[float, Field(ge=0, le=100)]
    hardware_concurrency: Annotated[int, Field(ge=0, le=4096)]
    device_memory: Annotated[float, Field(ge=0, le=4096)] | None = None
    touch_points: Annotated[int, Field(ge=0, le=256)]
    webdriver: bool
    plugins_count: Annotated[int, Field(ge=0, le=1024)]
    has_chrome_object: bool
    webgl_vendor: Short
    webgl_renderer: Short
    # The visitor id the page keeps in its first-party cookie, if it has one.
    visitor_id: Annotated[str, Field(max_length=64)] | None = None


class TelemetryAnswer(BaseModel):
    telemetry_id: str
    visitor_id: str


class ExternalMetadata(RequestBody):
    external_id: Annotated[str, Field(max_length=256)] | None = None
    organization_id: Annotated[str, Field(max_length=256)] | None = None
    user_action: Annotated[str, Field(max_length=256)] | None = None


class LookupRequest(RequestBody):
    # Missing, like unknown, is Stytch's 404 `telemetry_id_not_found`.
    telemetry_id: Annotated[str, Field(max_length=64)] = ""
    external_metadata: ExternalMetadata | None = None


class LookupResponse(StytchResponse):
    telemetry_id: str
    fingerprints: dict[str, str]
    verdict: dict[str, object]
    external_metadata: dict[str, str | None]
    created_at: str | None
    expires_at: str | None
    properties: dict[str, object]

    @classmethod
    def of(cls, request_id: str, found: Lookup, metadata: ExternalMetadata | None) -> LookupResponse:
        verdict, record = found.verdict, found.telemetry
        return cls(
            request_id=request_id,
            telemetry_id=record.telemetry_id,
            fingerprints=asdict(found.fingerprints),
            verdict={
                "action": verdict.action,
                "reasons": verdict.reasons,
                "detected_device_type": found.detected_device_type,
                "is_authentic_device": verdict.is_authentic_device,
                "verdict_reason_overrides": [
                    {"verdict_reason": reason, "override_action": action}
                    for reason, action in verdict.verdict_reason_overrides
                ],
                "rule_match_type": verdict.rule_match_type,
                "rule_match_identifier": verdict.rule_match_identifier,
            },
            external_metadata=(metadata or ExternalMetadata()).model_dump(),
            created_at=rfc3339(record.created_at),
            expires_at=rfc3339(record.expires_at),
            properties={
                "network_properties": {
                    # keystile has no IP intelligence: no ASN, place, proxy or VPN is known.
                    "ip_address": record.ip_address,
                    "asn": {"asn": "", "name": "", "network": ""},
                    "ip_geolocation": {"city": "", "region": "", "country": ""},
                    "is_proxy": False,
                    "is_vpn": False,
                },
                "browser_properties": {"user_agent": found.user_agent},
            },
        )


class RuleSetRequest(RequestBody):
    action: Annotated[str, Field(max_length=16)]
    visitor_id: Identifier | None = None
    browser_id: Identifier | None = None
    visitor_fingerprint: Identifier | None = None
    browser_fingerprint: Identifier | None = None
    hardware_fingerprint: Identifier | None = None
    network_fingerprint: Identifier | None = None
    cidr_block: Identifier | None = None
    country_code: Identifier | None = None
    asn: Identifier | None = None
    expires_in_minutes: int | None = None
    description: Description | None = None

    def identifiers(self) -> dict[str, str | None]:
        return self.model_dump(exclude={"action", "expires_in_minutes", "description"})


class RuleSetResponse(StytchResponse):
    action: str
    expires_at: str | None
    visitor_id: str | None = None
    browser_id: str | None = None
    visitor_fingerprint: str | None = None
    browser_fingerprint: str | None = None
    hardware_fingerprint: str | None = None
    network_fingerprint: str | None = None
    cidr_block: str | None = None
    country_code: str | None = None
    asn: str | None = None


class RulesListRequest(RequestBody):
    cursor: Annotated[str, Field(max_length=256)] | None = None
    limit: int | None = None


class RulesListResponse(StytchResponse):
    next_cursor: str
    rules: list[dict[str, str | None]]

    @staticmethod
    def rule(rule: DfpRule) -> dict[str, str | None]:
        return {
            "rule_type": rule.rule_type,
            "action": rule.action,
            rule.rule_type.lower(): rule.identifier,
            "description": rule.description,
            "created_at": rfc3339(rule.created_at),
            "last_updated_at": rfc3339(rule.last_updated_at),
            "expires_at": rfc3339(rule.expires_at),
        }


class ReasonsListRequest(RequestBody):
    overrides_only: bool = False


class OverrideRequest(RequestBody):
    verdict_reason: Annotated[str, Field(max_length=64)]
    override_action: Annotated[str, Field(max_length=16)]
    override_description: Description | None = None


def reason_action(found: ReasonAction) -> dict[str, str | None]:
    return {
        "verdict_reason": found.verdict_reason,
        "default_action": found.default_action,
        "override_action": found.override_action,
        "override_created_at": rfc3339(found.override_created_at),
        "override_description": found.override_description,
    }


class ReasonsListResponse(StytchResponse):
    verdict_reason_actions: list[dict[str, str | None]]


class OverrideResponse(StytchResponse):
    verdict_reason_action: dict[str, str | None]
