"""Pieces every Stytch response shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestBody(BaseModel):
    """A request body: unknown fields (such as path parameters echoed by the SDKs) are ignored."""

    model_config = ConfigDict(extra="ignore")


class StytchResponse(BaseModel):
    status_code: int = 200
    request_id: str


class ErrorResponse(StytchResponse):
    error_type: str
    error_message: str
    error_url: str
