"""The SCIM service's discovery resources (RFC 7644 section 4): ServiceProviderConfig, ResourceTypes and
Schemas, as scim2-models describes User and Group."""

from __future__ import annotations

from typing import Any, Final

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    ETag,
    Filter,
    Group,
    ListResponse,
    Meta,
    NotFoundException,
    Patch,
    Required,
    Resource,
    ResourceType,
    Schema,
    ServiceProviderConfig,
    Sort,
    User,
)

MAX_RESULTS: Final = 100
RESOURCES: Final[tuple[type[Resource[Any]], ...]] = (User, Group)
RESPONSE: Final = Context.RESOURCE_QUERY_RESPONSE
Document = dict[str, Any]


def service_provider_config(base_url: str) -> Document:
    config = ServiceProviderConfig(
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=True),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="The SCIM connection's bearer token, in an Authorization: Bearer header.",
                primary=True,
            )
        ],
        meta=Meta(resource_type="ServiceProviderConfig", location=f"{base_url}/ServiceProviderConfig"),
    )
    return config.model_dump(scim_ctx=RESPONSE)


def _resource_types(base_url: str) -> list[ResourceType]:
    found = []
    for resource in RESOURCES:
        described = ResourceType.from_resource(resource)
        described.meta = Meta(
            resource_type="ResourceType", location=f"{base_url}/ResourceTypes/{described.id}"
        )
        found.append(described)
    return found


def _served(schema: Schema) -> Schema:
    """The schema as keystile serves it: a User is a member, who needs an email address, so `emails` and
    their `value` are required (an IdP, and scim2-tester, send one); a Group's members are `value`,
    `$ref` and `type`, as in RFC 7643 section 8.7.1 (no `display`, which keystile does not keep)."""
    for attribute in schema.attributes or []:
        if attribute.name == "emails":
            attribute.required = Required.true
            for sub_attribute in attribute.sub_attributes or []:
                sub_attribute.required = (
                    Required.true if sub_attribute.name == "value" else sub_attribute.required
                )
        if attribute.name == "members":
            attribute.sub_attributes = [
                item for item in attribute.sub_attributes or [] if item.name != "display"
            ]
    return schema


def _schemas(base_url: str) -> list[Schema]:
    found = []
    for resource in RESOURCES:
        described = _served(resource.to_schema())
        described.meta = Meta(resource_type="Schema", location=f"{base_url}/Schemas/{described.id}")
        found.append(described)
    return found


def _listed(kind: type[ResourceType] | type[Schema], items: list[ResourceType] | list[Schema]) -> Document:
    answer = ListResponse[kind](  # type: ignore[valid-type]
        total_results=len(items), start_index=1, items_per_page=len(items), resources=items
    )
    dumped: Document = answer.model_dump(scim_ctx=RESPONSE)
    return dumped


def _one(items: list[ResourceType] | list[Schema], item_id: str) -> Document:
    for item in items:
        if item.id == item_id:
            return item.model_dump(scim_ctx=RESPONSE)
    raise NotFoundException(detail=f"{item_id} is not known to this service.")


def resource_types(base_url: str) -> Document:
    return _listed(ResourceType, _resource_types(base_url))


def resource_type(base_url: str, type_id: str) -> Document:
    return _one(_resource_types(base_url), type_id)


def schemas(base_url: str) -> Document:
    return _listed(Schema, _schemas(base_url))


def schema(base_url: str, schema_id: str) -> Document:
    return _one(_schemas(base_url), schema_id)
