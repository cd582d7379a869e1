"""The routes the installed official Python SDK (`stytch`) can call, read from its source, and which of
them a keystile serves, read from its OpenAPI schema (`/openapi.json`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

import stytch

# `url = self.api_base.url_for("/v1/...", data)` (or an f-string naming `self.project_id`), then the
# client call that sends it: `self.sync_client.post(url, ...)`; the JWKS helpers hand theirs to PyJWKClient.
URL_FOR = re.compile(r'url_for\(\s*f?"(?P<path>/v1/[^"]+)"')
SENT_WITH = re.compile(
    r"(?:sync_client|async_client)\.(?P<method>get|post|put|delete|post_form)\(|PyJWKClient\("
)
PARAMETER = re.compile(r"\{[^}]*\}")


class Route(NamedTuple):
    method: str
    path: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _normalized(method: str, path: str) -> Route:
    """Methods upper case (a form POST is a POST), path parameters unnamed (`{}`)."""
    return Route("POST" if method.upper() == "POST_FORM" else method.upper(), PARAMETER.sub("{}", path))


def sdk_routes() -> set[Route]:
    """Every route some method of the installed SDK sends a request to."""
    routes = set()
    for source in Path(stytch.__file__).parent.rglob("*.py"):
        text = source.read_text()
        for call in URL_FOR.finditer(text):
            sent = SENT_WITH.search(text, call.end())
            if sent is not None:
                routes.add(_normalized(sent.group("method") or "get", call.group("path")))
    return routes


def served_routes(openapi: dict[str, Any]) -> set[Route]:
    """Every route the OpenAPI schema describes."""
    return {_normalized(method, path) for path, item in openapi["paths"].items() for method in item}


def coverage(openapi: dict[str, Any]) -> tuple[list[Route], list[Route]]:
    """The SDK's routes that the schema serves and those it does not, each sorted by path."""
    wanted, served = sdk_routes(), served_routes(openapi)
    order = lambda route: (route.path, route.method)  # noqa: E731
    return sorted(wanted & served, key=order), sorted(wanted - served, key=order)
