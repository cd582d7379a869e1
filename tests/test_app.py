"""The application's route table: each method and path is served by exactly one handler."""

from __future__ import annotations

from collections import Counter

from fastapi.routing import APIRoute

from keystile.app import API_ROUTERS


def test_no_router_is_listed_twice_and_no_route_is_served_twice() -> None:
    assert len(set(map(id, API_ROUTERS))) == len(API_ROUTERS)
    served = Counter(
        (method, route.path)
        for router in API_ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    )
    assert [key for key, count in served.items() if count > 1] == []
