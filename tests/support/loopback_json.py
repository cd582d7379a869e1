"""A real HTTP server on loopback answering JSON (a token issuer's JWKS, an identity provider's
userinfo endpoint, a relying party's callback), recording the requests it got; run in a thread for the
length of a test. Routes match the request's path without its query."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.serving import serving

# A route answers (status, JSON body) for the request's headers.
Route = Callable[[dict[str, str]], tuple[int, Any]]


@dataclass
class LoopbackJson:
    """The running server: its base URL, its routes (path -> Route, changeable while it runs) and the
    headers of each request it answered."""

    base_url: str
    routes: dict[str, Route]
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


@contextmanager
def loopback_json(routes: dict[str, Route]) -> Iterator[LoopbackJson]:
    """Serve `routes` on 127.0.0.1 (a free port) until the block ends."""
    state: LoopbackJson

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            state.seen.append((self.path, headers))
            route = state.routes.get(self.path.split("?", 1)[0])
            status, body = route(headers) if route is not None else (404, {"error": "not_found"})
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = LoopbackJson(f"http://127.0.0.1:{httpd.server_address[1]}", routes)
    with serving(httpd):
        yield state
