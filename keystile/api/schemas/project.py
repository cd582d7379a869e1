"""Response bodies of `debug.whoami` and `project.metrics`, as the SDK models them."""

from __future__ import annotations

from pydantic import BaseModel

from keystile.api.schemas.common import StytchResponse


class WhoamiResponse(StytchResponse):
    project_id: str
    name: str


class ProjectMetricOut(BaseModel):
    metric_type: str
    count: int


class MetricsResponse(StytchResponse):
    project_id: str
    metrics: list[ProjectMetricOut]
