"""`GET /dfp/telemetry.js`: the script an app's page loads to collect Device Fingerprinting telemetry
(`KeystileDFP.getTelemetryID(public_token)`, posting to `/sdk/v1/dfp/telemetry`)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response

router = APIRouter(tags=["device fingerprinting"], include_in_schema=False)

SCRIPT: Final = Path(__file__).parent / "scripts" / "dfp-telemetry.js"


@router.get("/dfp/telemetry.js")
async def telemetry_script() -> Response:
    return Response(
        SCRIPT.read_bytes(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=3600"}
    )
