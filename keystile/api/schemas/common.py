"""Pieces every Stytch response shares."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import fields
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    Domain = TypeVar("Domain", bound=DataclassInstance)


class RequestBody(BaseModel):
    """A request body: unknown fields (such as path parameters echoed by the SDKs) are ignored;
    values of the wrong JSON type are refused, never coerced (`"true"` is not a boolean)."""

    model_config = ConfigDict(extra="ignore", strict=True)

    def to_domain(self, domain: type[Domain], *, only: Collection[str] | None = None) -> Domain:
        """The domain dataclass `domain` built from this request's fields of the same names (nested
        models as dicts), or from the fields `only` where the request has more than it takes."""
        names = set(only) if only is not None else {field.name for field in fields(domain)}
        return domain(**self.model_dump(include=names))


class StytchResponse(BaseModel):
    status_code: int = 200
    request_id: str


class ErrorResponse(StytchResponse):
    error_type: str
    error_message: str
    error_url: str
