"""scim2-client's synchronous engine over a plain `httpx.Client` (scim2-client ships one only for
httpx2), so scim2-tester can drive a keystile SCIM connection."""

from __future__ import annotations

from typing import Any

import httpx
from scim2_client import BaseSyncSCIMClient


class HttpxSCIMClient(BaseSyncSCIMClient):
    """Sends scim2-client's requests with `client`, whose base URL is the SCIM service's."""

    def __init__(self, client: httpx.Client, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.client = client

    def _stays_under_base_url(self, endpoint: str) -> bool:
        base = self.client.base_url
        try:
            url = self.client.build_request("GET", endpoint).url
        except httpx.InvalidURL:
            return False
        same_origin = (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)
        return same_origin and url.raw_path.startswith(base.raw_path)

    def _parse_json(self, response: Any) -> Any:
        return response.json()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, url, **kwargs)
