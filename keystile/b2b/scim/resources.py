"""What the SCIM service's /Users and /Groups share: reading a request body as a scim2-models message,
their weak ETags, and answering a filtered, 1-based page of resources (RFC 7644 section 3.4.2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypeVar

from pydantic import ValidationError
from scim2_models import (
    Context,
    InvalidFilterException,
    InvalidValueException,
    ListResponse,
    Meta,
    PreconditionFailedException,
    Resource,
    ResponseParameters,
    ScimFilter,
    ScimPolicy,
)

Document = dict[str, Any]
# The attributes and excludedAttributes a request names.
Shown = ResponseParameters[Any]
RESPONSE: Final = Context.RESOURCE_QUERY_RESPONSE
COUNT_MAX: Final = 100
Model = TypeVar("Model")


@dataclass(frozen=True)
class Listing:
    """A list request: its filter, 1-based startIndex, count, and the attributes to show."""

    filter_text: str | None
    start: int
    count: int
    shown: Shown | None


def validated(model: type[Model], body: object, context: Context, policy: ScimPolicy | None = None) -> Model:
    """`body` read as `model` in `context`; a body that does not fit is 400 invalidValue."""
    try:
        return model.model_validate(body, scim_ctx=context, scim_policy=policy)  # type: ignore[attr-defined, no-any-return]
    except ValidationError as error:
        detail = str(error.errors()[0].get("msg", f"invalid {model.__name__}"))[:300]
        raise InvalidValueException(detail=detail) from error


def version_tag(version: int) -> str:
    """The weak ETag of a resource's `version`."""
    return f'W/"{version}"'


def weakly_matches(header: str, tag: str) -> bool:
    """Whether an If-Match or If-None-Match `header` names the ETag `tag` or is "*" (RFC 7232's weak
    comparison: RFC 7644 section 3.14 uses weak ETags)."""
    named = {item.strip().removeprefix("W/") for item in header.split(",")}
    return "*" in named or tag.removeprefix("W/") in named


def require_version(if_match: str | None, version: int) -> None:
    """A change sent with If-Match applies only to the version it names: otherwise 412 (RFC 7644
    section 3.14)."""
    if if_match is not None and not weakly_matches(if_match, version_tag(version)):
        raise PreconditionFailedException(detail="The resource has changed since the version If-Match names.")


def meta(
    base_url: str, kind: str, resource_id: str, created: datetime, updated: datetime, version: int
) -> Meta:
    """A resource's meta: its version is its weak ETag, bumped by every change."""
    return Meta(
        resource_type=kind,
        created=created,
        last_modified=updated,
        version=version_tag(version),
        location=f"{base_url}/{kind}s/{resource_id}",
    )


def dumped(resource: Resource[Any], shown: Shown | None = None) -> Document:
    document: Document = resource.model_dump(scim_ctx=RESPONSE, response_parameters=shown)
    return document


def page(kind: Any, resources: Sequence[Resource[Any]], listing: Listing) -> Document:
    """The resources matching the listing's filter, from its 1-based start, at most its count. `kind` is
    their model, or a union of models (`User | Group`) for a search at the service root, where an
    attribute one of them lacks matches none of its resources (RFC 7644 section 3.4.2.1)."""
    try:
        text = listing.filter_text
        matcher = ScimFilter[kind](text) if text else None
    except (ValueError, ValidationError) as error:
        raise InvalidFilterException(detail=str(error)[:300]) from error
    found = [resource for resource in resources if matcher is None or matcher.match(resource)]
    start, count = max(listing.start, 1), min(max(listing.count, 0), COUNT_MAX)
    chosen = found[start - 1 : start - 1 + count]
    answer = ListResponse[kind](
        total_results=len(found), start_index=start, items_per_page=len(chosen), resources=chosen
    )
    document: Document = answer.model_dump(scim_ctx=RESPONSE, response_parameters=listing.shown)
    return document
