"""`/sdk/v1/dfp/telemetry`: where keystile's telemetry script (`/dfp/telemetry.js`) posts its browser's
signals, admitted like any SDK call (public token, authorized origin, SDK on); the answer is the
telemetry id the app's backend looks up, and the visitor id the page keeps in its own cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from keystile.api.context import Ctx
from keystile.api.schemas.dfp import TelemetryAnswer, TelemetryPost
from keystile.api.sdk.gate import SdkCaller, data, sdk_gate
from keystile.fraud.fingerprinting.service import record_telemetry
from keystile.fraud.fingerprinting.signals import BrowserSignals

router = APIRouter(prefix="/sdk/v1", tags=["frontend SDK"])
USER_AGENT_MAX = 512


@router.post("/dfp/telemetry")
async def collect_telemetry(
    body: TelemetryPost,
    request: Request,
    ctx: Ctx,
    caller: Annotated[SdkCaller, Depends(sdk_gate(vertical=None))],
) -> JSONResponse:
    async with ctx.work() as db:
        record = await record_telemetry(
            db,
            caller.project.project_id,
            body.to_domain(BrowserSignals),
            visitor_id=body.visitor_id,
            ip_address=request.client.host if request.client else "",
            header_user_agent=request.headers.get("user-agent", "")[:USER_AGENT_MAX],
            now=ctx.now,
        )
    return data(TelemetryAnswer(telemetry_id=record.telemetry_id, visitor_id=record.visitor_id))
