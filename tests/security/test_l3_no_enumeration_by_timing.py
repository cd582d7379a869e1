"""L3: passwords.authenticate takes as long for an unknown address, or a user without a password, as
for a wrong password; and a user without a password gets the wrong password's very answer. (Unknown
addresses keep Stytch's documented 404 `email_not_found`.)"""

from __future__ import annotations

import statistics
import time

import httpx
import stytch

from tests.support.magic_links import new_address
from tests.support.server import KeystileServer, Project

PASSWORD = "violet tangerine oboe 71"
WRONG = "copper lantern walrus 28"
ROUNDS = 11
# Each known user takes a few wrong guesses only, far from its 10-failure lock.
GUESSES_PER_USER = 3


def _timed(http: httpx.Client, email: str) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = http.post("v1/passwords/authenticate", json={"email": email, "password": WRONG})
    return time.perf_counter() - started, response


def test_l3_unknown_and_passwordless_addresses_take_as_long_as_a_wrong_password(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    with_password = [new_address("known") for _ in range(-(-ROUNDS // GUESSES_PER_USER))]
    for email in with_password:
        client.passwords.create(email=email, password=PASSWORD)
    passwordless = []
    for _ in range(ROUNDS):
        email = new_address("nopw")
        client.users.create(email=email)
        passwordless.append(email)

    times: dict[str, list[float]] = {"known": [], "unknown": [], "passwordless": []}
    auth = (project.project_id, project.secret)
    with httpx.Client(base_url=server.base_url, auth=auth, timeout=30) as http:
        _timed(http, new_address("warm-up"))
        for n in range(ROUNDS):
            elapsed, answer = _timed(http, with_password[n // GUESSES_PER_USER])
            assert answer.status_code == 401 and answer.json()["error_type"] == "unauthorized_credentials"
            wrong_message = answer.json()["error_message"]
            times["known"].append(elapsed)

            elapsed, answer = _timed(http, new_address("unknown"))
            assert answer.status_code == 404 and answer.json()["error_type"] == "email_not_found"
            times["unknown"].append(elapsed)

            elapsed, answer = _timed(http, passwordless[n])
            assert answer.status_code == 401 and answer.json()["error_type"] == "unauthorized_credentials"
            assert answer.json()["error_message"] == wrong_message
            times["passwordless"].append(elapsed)

    known = statistics.median(times["known"])
    # A known wrong password also commits its counted attempt (two more transactions, slow on a
    # loaded PostgreSQL); what must not be missing is the hash: without the decoy it was 0.15x.
    for kind in ("unknown", "passwordless"):
        assert statistics.median(times[kind]) >= 0.3 * known, {
            k: statistics.median(v) for k, v in times.items()
        }
