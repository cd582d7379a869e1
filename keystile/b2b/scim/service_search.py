"""The SCIM service root's POST /.search (RFC 7644 section 3.4.3): the connection's Users and Groups
together, filtered and paged as one list."""

from __future__ import annotations

from scim2_models import Group, User

from keystile.b2b.scim import resources, service_groups, service_users
from keystile.b2b.scim.models import SCIMConnection
from keystile.b2b.scim.resources import Document, Listing
from keystile.calls import Call


async def search_all(call: Call, connection: SCIMConnection, base_url: str, listing: Listing) -> Document:
    users = await service_users.all_users(call, connection, base_url)
    groups = await service_groups.all_groups(call, connection, base_url)
    return resources.page(User | Group, [*users, *groups], listing)
