"""The telemetry batch vanilla-js's `EventLogger` posts to `/sdk/v1/events`: only the public token is read."""

from __future__ import annotations

from pydantic import Field

from keystile.api.schemas.common import RequestBody

# The SDK flushes every 800 ms or at 15 events; a batch far above that is no SDK's.
MAX_BATCH = 100


class TelemetryEvent(RequestBody):
    public_token: str = Field(min_length=1, max_length=96)


class TelemetryRecord(RequestBody):
    event: TelemetryEvent
