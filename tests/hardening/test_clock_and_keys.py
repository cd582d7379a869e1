"""JWTs across a fleet, with real servers: clocks up to 30 s apart (tolerated by keystile, and by the
SDK's local verification only with `leeway`), and a signing-key rotation under concurrent traffic on
two servers sharing PostgreSQL (no valid JWT refused; the old key refused once its window is over)."""

from __future__ import annotations

import asyncio
import random
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import asyncpg
import httpx
import jwt
import pytest
import stytch
from stytch.core.response_base import StytchError

from keystile.clock import SystemClock
from keystile.sessions.service import IssuedSession
from tests.hardening.conftest import StartServer
from tests.support.direct_sessions import fresh_client, kid_of, start_session
from tests.support.limits import assert_stytch_error, call
from tests.support.server import KeystileServer, Project

CACHE_SECONDS = 1.0  # the servers' key cache: a rotated key signs 2 s after it is stored


def session_id(issued: IssuedSession) -> str:
    assert issued.session is not None
    return issued.session.session_id


def test_jwts_minted_up_to_30_s_ahead_or_behind_are_accepted_and_no_further(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    user = client.users.create(email="skew@example.com")
    now = SystemClock().now()
    ahead, behind, far_ahead = (
        start_session(server, project, user.user_id, now=now + timedelta(seconds=skew))
        for skew in (30, -30, 60)
    )
    for issued in (ahead, behind):
        answer = client.sessions.authenticate(session_jwt=issued.session_jwt)
        assert answer.session.session_id == session_id(issued)

    with pytest.raises(StytchError) as caught:
        client.sessions.authenticate(session_jwt=far_ahead.session_jwt)
    assert caught.value.details.error_type == "jwt_invalid_claims"
    # The session itself is fine: only its JWT is from too far in the future.
    assert client.sessions.authenticate(session_token=far_ahead.session_token).user.user_id == user.user_id

    # The SDK's local check has no leeway by default: to a client whose clock is 30 s behind the
    # minting server, the JWT is not valid yet, and authenticate_jwt asks the server (which accepts).
    verifier = fresh_client(server, project)
    assert verifier.sessions.authenticate_jwt_local(session_jwt=ahead.session_jwt) is None
    assert verifier.sessions.authenticate_jwt_local(session_jwt=ahead.session_jwt, leeway=30) is not None
    fallback = verifier.sessions.authenticate_jwt(session_jwt=ahead.session_jwt)
    assert fallback.session.session_id == session_id(ahead)
    # A client 30 s ahead sees a JWT 30 s older than it is: still well within its five minutes.
    assert verifier.sessions.authenticate_jwt_local(session_jwt=behind.session_jwt) is not None


class Traffic:
    """Sessions created and JWTs authenticated, round robin over the servers, from several threads;
    every answer that is not a 200 is a failure."""

    def __init__(self, servers: list[KeystileServer], project: Project, jwts: list[str]) -> None:
        self.servers, self.project = servers, project
        self.jwts = list(jwts)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.issued: list[tuple[float, str]] = []  # (when, kid) of every JWT a server handed out
        self.verified: set[tuple[str, int]] = set()  # (kid, server index) of JWTs a server accepted
        self.jwks: list[tuple[int, set[str]]] = []  # (server index, kids published)

    def _client(self) -> httpx.Client:
        return httpx.Client(auth=(self.project.project_id, self.project.secret), timeout=30)

    def _accepted(self, response: httpx.Response) -> bool:
        if response.status_code != 200:
            with self.lock:
                self.failures.append(f"{response.request.url.path}: {response.status_code} {response.text}")
            return False
        token = str(response.json()["session_jwt"])
        with self.lock:
            self.jwts.append(token)
            self.issued.append((time.monotonic(), kid_of(token)))
        return True

    def authenticate(self, worker: int) -> None:
        with self._client() as http:
            for turn in range(worker, 1_000_000):
                if self.stop.is_set():
                    return
                which = turn % len(self.servers)
                with self.lock:
                    # Mostly the newest JWTs, so that those of a new key reach the other server soon.
                    token = self.jwts[-random.randint(1, min(8, len(self.jwts)))]
                url = f"{self.servers[which].base_url}v1/sessions/authenticate"
                if self._accepted(http.post(url, json={"session_jwt": token})):
                    with self.lock:
                        self.verified.add((kid_of(token), which))

    def create(self, worker: int) -> None:
        with self._client() as http:
            for turn in range(worker, 1_000_000):
                if self.stop.is_set():
                    return
                body = {
                    "email": f"load-{secrets.token_hex(6)}@example.com",
                    "password": f"{secrets.token_urlsafe(18)}-Aa1!",
                    "session_duration_minutes": 60,
                }
                url = f"{self.servers[turn % len(self.servers)].base_url}v1/passwords"
                self._accepted(http.post(url, json=body))

    def watch_jwks(self) -> None:
        with httpx.Client(timeout=30) as http:
            while not self.stop.is_set():
                for which, server in enumerate(self.servers):
                    answer = http.get(f"{server.base_url}v1/sessions/jwks/{self.project.project_id}")
                    with self.lock:
                        self.jwks.append((which, {key["kid"] for key in answer.json()["keys"]}))
                time.sleep(0.05)

    def _caught_up(self, kid: str) -> bool:
        """Whether JWTs of `kid` were handed out, every server has accepted some and publishes it:
        each server's key cache holds it, so none can refuse its JWTs any more."""
        with self.lock:
            handed_out = any(issued == kid for _, issued in self.issued)
            accepted = all((kid, which) in self.verified for which in range(len(self.servers)))
            latest = {which: published for which, published in self.jwks}
        published = len(latest) == len(self.servers) and all(kid in keys for keys in latest.values())
        return handed_out and accepted and published

    def run(self, rotate: Callable[[], str]) -> str:
        """Keep the traffic going while `rotate()` adds a key, and then until every server has
        accepted some of its JWTs and publishes it (its key cache caught up: a server still without
        the key would refuse its JWTs until then); return the new key's kid."""
        threads = [threading.Thread(target=self.authenticate, args=(n,)) for n in range(4)]
        threads += [threading.Thread(target=self.create, args=(n,)) for n in range(2)]
        threads.append(threading.Thread(target=self.watch_jwks))
        for thread in threads:
            thread.start()
        try:
            time.sleep(0.3)
            new_kid = rotate()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not self.failures:
                if self._caught_up(new_kid):
                    break
                time.sleep(0.1)
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(timeout=60)
        return new_kid


async def _close_window(database_url: str, kid: str) -> timedelta:
    """Move the end of a retired key's window to now, as if the 5 minutes of its last JWT had passed;
    return how long the window lasted after the key retired."""
    connection = await asyncpg.connect(database_url)
    try:
        window = await connection.fetchval(
            "SELECT expires_at - retired_at FROM signing_keys WHERE kid = $1", kid
        )
        await connection.execute("UPDATE signing_keys SET expires_at = now() WHERE kid = $1", kid)
    finally:
        await connection.close()
    assert isinstance(window, timedelta)
    return window


def _published_after_the_old_key(server: KeystileServer, project: Project) -> list[str]:
    """The kids a server publishes once it has dropped a retired key (its cache expired and was read
    again): polled for, up to 15 s, instead of sleeping a cache period."""
    url = f"{server.base_url}v1/sessions/jwks/{project.project_id}"
    deadline = time.monotonic() + 15
    while True:
        kids = [key["kid"] for key in httpx.get(url).json()["keys"]]
        if len(kids) == 1 or time.monotonic() > deadline:
            return kids
        time.sleep(0.05)


def test_key_rotation_under_load_refuses_no_valid_jwt_and_the_old_key_after_its_window(
    postgres_url: str, start_server: StartServer
) -> None:
    settings = {"KEYSTILE_SIGNING_KEY_CACHE_SECONDS": str(CACHE_SECONDS)}
    with ThreadPoolExecutor(2) as pool:  # two servers of a fleet, sharing one database
        servers = list(pool.map(lambda _: start_server(postgres_url, **settings), range(2)))
    project = servers[0].create_project()
    seed = {"email": "seed@example.com", "password": "correct horse battery staple 42"}
    signup = call(servers[0], project, "/v1/passwords", {**seed, "session_duration_minutes": 60})
    assert signup.status_code == 200, signup.text
    first = signup.json()
    seed_token = first["session_token"]
    old_kid = kid_of(first["session_jwt"])

    traffic = Traffic(servers, project, [first["session_jwt"]])

    def rotate() -> str:
        rotated = servers[1].cli_json("keys", "rotate", "--project", project.project_id, "--json")
        assert isinstance(rotated, dict)
        return str(rotated["kid"])

    new_kid = traffic.run(rotate)

    assert traffic.failures == [], traffic.failures[:5]
    kids = [kid for _, kid in traffic.issued]
    assert kids[0] == old_kid and kids[-1] == new_kid and set(kids) == {old_kid, new_kid}
    # Each server accepted JWTs of both keys (drawn from one pool, whichever server signed them).
    assert {(kid, which) for kid in kids for which in range(len(servers))} == traffic.verified
    # The old key stayed published throughout; both are once the servers' caches have caught up.
    assert all(old_kid in published for _, published in traffic.jwks)
    for which in range(len(servers)):
        assert [published for server, published in traffic.jwks if server == which][-1] == {old_kid, new_kid}
    verifier = fresh_client(servers[0], project)
    assert verifier.sessions.authenticate_jwt_local(session_jwt=first["session_jwt"]) is not None
    assert verifier.sessions.authenticate_jwt_local(session_jwt=traffic.jwts[-1]) is not None

    # The old key's window: until the last JWT it can have signed (5 min after it retired) has
    # expired, plus one cache period. Close it now instead of waiting, and let the caches expire:
    # each server stops publishing the old key once its cache has.
    window = asyncio.run(_close_window(postgres_url, old_kid))
    assert window == timedelta(minutes=5, seconds=CACHE_SECONDS)

    for server in servers:
        assert _published_after_the_old_key(server, project) == [new_kid]
        # A JWT of the old key is refused even though its session is active (an expired JWT is
        # otherwise refreshed while its session lives): its signature can no longer be checked.
        stale = call(server, project, "/v1/sessions/authenticate", {"session_jwt": first["session_jwt"]})
        assert_stytch_error(stale, 400, "unable_to_parse_session_jwt")
        by_token = call(server, project, "/v1/sessions/authenticate", {"session_token": seed_token})
        assert by_token.status_code == 200, by_token.text
        assert kid_of(by_token.json()["session_jwt"]) == new_kid
    with pytest.raises(jwt.PyJWTError):
        fresh_client(servers[0], project).sessions.authenticate_jwt_local(session_jwt=first["session_jwt"])
