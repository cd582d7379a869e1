"""`/v1/debug/whoami` and `/v1/projects/metrics`: what a project's credentials name, for consumer and
B2B projects alike. Each handler calls one service function."""

from __future__ import annotations

from fastapi import APIRouter

from keystile.api.auth import ProjectAuth
from keystile.api.context import Ctx
from keystile.api.schemas.project import MetricsResponse, ProjectMetricOut, WhoamiResponse
from keystile.metrics.service import project_metrics
from keystile.projects.service import get_project

router = APIRouter(prefix="/v1", tags=["project"])


@router.get("/debug/whoami", response_model=WhoamiResponse)
async def whoami(ctx: Ctx, project: ProjectAuth) -> WhoamiResponse:
    async with ctx.work() as session:
        found = await get_project(session, project.project_id)
    return WhoamiResponse(request_id=ctx.request_id, project_id=found.project_id, name=found.name)


@router.get("/projects/metrics", response_model=MetricsResponse)
async def metrics(ctx: Ctx, project: ProjectAuth) -> MetricsResponse:
    async with ctx.work() as session:
        counted = await project_metrics(session, project.project_id, project.vertical)
    return MetricsResponse(
        request_id=ctx.request_id,
        project_id=project.project_id,
        metrics=[ProjectMetricOut(metric_type=m.metric_type, count=m.count) for m in counted],
    )
