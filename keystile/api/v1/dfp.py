"""Device Fingerprinting's backend API (`fingerprint/lookup`, `rules/set` and `list`,
`verdict_reasons/list` and `override`), made with the project's secret, as the SDK's `fraud` client
sends them to `fraud_environment`. Each handler calls one domain function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ProjectAuth
from keystile.api.context import Ctx
from keystile.api.schemas.dfp import (
    LookupRequest,
    LookupResponse,
    OverrideRequest,
    OverrideResponse,
    ReasonsListRequest,
    ReasonsListResponse,
    RuleSetRequest,
    RuleSetResponse,
    RulesListRequest,
    RulesListResponse,
    reason_action,
)
from keystile.clock import rfc3339
from keystile.fraud.fingerprinting import service

router = APIRouter(prefix="/v1", tags=["device fingerprinting"])


@router.post("/fingerprint/lookup", response_model=LookupResponse)
async def fingerprint_lookup(body: LookupRequest, ctx: Ctx, project: ProjectAuth) -> LookupResponse:
    if body.external_metadata is not None:
        service.check_external_metadata(body.external_metadata.model_dump())
    async with ctx.work() as db:
        found = await service.lookup(db, project.project_id, body.telemetry_id, ctx.now)
    return LookupResponse.of(ctx.request_id, found, body.external_metadata)


@router.post("/rules/set", response_model=RuleSetResponse)
async def set_rule(body: RuleSetRequest, ctx: Ctx, project: ProjectAuth) -> RuleSetResponse:
    async with ctx.work() as db:
        rule = await service.set_rule(
            db,
            project.project_id,
            body.identifiers(),
            body.action,
            description=body.description,
            expires_in_minutes=body.expires_in_minutes,
            now=ctx.now,
        )
    return RuleSetResponse.model_validate(
        {
            "request_id": ctx.request_id,
            "action": rule.action,
            "expires_at": rfc3339(rule.expires_at),
            rule.rule_type.lower(): rule.identifier,
        }
    )


@router.post("/rules/list", response_model=RulesListResponse)
async def list_rules(body: RulesListRequest, ctx: Ctx, project: ProjectAuth) -> RulesListResponse:
    async with ctx.work() as db:
        rules, next_cursor = await service.list_rules(
            db, project.project_id, body.cursor, body.limit, ctx.now
        )
    return RulesListResponse(
        request_id=ctx.request_id, next_cursor=next_cursor, rules=[RulesListResponse.rule(r) for r in rules]
    )


@router.post("/verdict_reasons/list", response_model=ReasonsListResponse)
async def list_verdict_reasons(
    body: ReasonsListRequest, ctx: Ctx, project: ProjectAuth
) -> ReasonsListResponse:
    async with ctx.work() as db:
        found = await service.reason_actions(db, project.project_id, overrides_only=body.overrides_only)
    return ReasonsListResponse(
        request_id=ctx.request_id, verdict_reason_actions=[reason_action(r) for r in found]
    )


@router.post("/verdict_reasons/override", response_model=OverrideResponse)
async def override_verdict_reason(body: OverrideRequest, ctx: Ctx, project: ProjectAuth) -> OverrideResponse:
    async with ctx.work() as db:
        found = await service.override_reason(
            db,
            project.project_id,
            body.verdict_reason,
            body.override_action,
            body.override_description,
            ctx.now,
        )
    return OverrideResponse(request_id=ctx.request_id, verdict_reason_action=reason_action(found))
