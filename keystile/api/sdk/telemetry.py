"""`/sdk/v1/events`: the telemetry batches vanilla-js posts (no Authorization header; each event
names its public token). Admitted like any SDK call, so the browser may read the answer, then dropped:
keystile keeps no analytics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse

from keystile.api.context import Ctx
from keystile.api.schemas.sdk_telemetry import MAX_BATCH, TelemetryRecord
from keystile.api.sdk.gate import admit_origin, data
from keystile.errors import KeystileError
from keystile.projects.sdk import check_sdk_method

router = APIRouter(prefix="/sdk/v1", tags=["frontend SDK"])


@router.post("/events")
async def events(
    batch: Annotated[list[TelemetryRecord], Body(min_length=1, max_length=MAX_BATCH)],
    request: Request,
    ctx: Ctx,
) -> JSONResponse:
    """Accepts a batch from one project's SDK, on one of its authorized domains, and drops it."""
    public_tokens = {record.event.public_token for record in batch}
    if len(public_tokens) != 1:
        raise KeystileError("unauthorized_credentials")
    check_sdk_method(await admit_origin(request, public_tokens.pop()), ())
    return data({"request_id": ctx.request_id, "status_code": 200})
