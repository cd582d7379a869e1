"""Info items of the attack review on requests: headers or a body trickled slowly are cut off at a
deadline (the connection closed; a 408); a body is not read or parsed before the request's credentials
are checked; a forged X-Forwarded-For does not choose the rate-limit key unless the peer is a trusted
proxy; `scope` is a reserved session claim (a session JWT could pass as an M2M token otherwise); a PKCE
verifier outside RFC 7636's alphabet is refused rather than mangled into one that may match; a
guessable imported M2M secret is refused."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import time

import pytest
import stytch

from tests.hardening.conftest import StartServer
from tests.support.limits import assert_stytch_error, random_ip, send_magic_link
from tests.support.magic_links import new_address, received_link, token_of
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink


def _basic(project_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{project_id}:{secret}".encode()).decode()


def _head(server: KeystileServer, authorization: str | None, length: int, path: str = "/v1/users") -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{server.port}",
        "Content-Type: application/json",
        f"Content-Length: {length}",
        *([f"Authorization: {authorization}"] if authorization else []),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _response(sock: socket.socket) -> tuple[int, dict[str, object]]:
    """The status and JSON body of the one response on `sock` (the server closes the connection)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = [
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        ]
        if length and len(body) >= length[0]:
            break
    status = int(data.split(b" ", 2)[1])
    return status, json.loads(data.partition(b"\r\n\r\n")[2])


def test_i_a_slow_body_gets_408_at_the_deadline(database_url: str, start_server: StartServer) -> None:
    server = start_server(database_url, KEYSTILE_REQUEST_READ_TIMEOUT_SECONDS="1")
    project = server.create_project()
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(_head(server, _basic(project.project_id, project.secret), 100))
        sock.settimeout(0.25)
        for _ in range(40):  # one byte every 0.25 s: the body would take 25 s
            try:
                sock.sendall(b" ")
                if sock.recv(1, socket.MSG_PEEK):
                    break
            except TimeoutError:
                continue
        sock.settimeout(5)
        status, body = _response(sock)
    assert status == 408, body
    assert body["error_type"] == "request_timeout"
    assert body["request_id"] and body["error_message"] and body["error_url"]
    assert time.monotonic() - started < 4


@pytest.mark.parametrize(
    ("sent", "trickled"),
    [(b"", b""), (b"POST /v1/users HTTP/1.1\r\nHost: x\r\nX-Slow: ", b"a")],
    ids=["nothing", "one_header_byte_at_a_time"],
)
def test_i_a_connection_whose_headers_are_late_is_closed_at_the_deadline(
    database_url: str, start_server: StartServer, sent: bytes, trickled: bytes
) -> None:
    server = start_server(database_url, KEYSTILE_REQUEST_READ_TIMEOUT_SECONDS="1")
    started = time.monotonic()
    closed = False
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(sent)
        sock.settimeout(0.25)
        while not closed and time.monotonic() - started < 8:
            try:
                sock.sendall(trickled)
                closed = sock.recv(1) == b""
            except TimeoutError:
                continue
            except OSError:  # reset: closed by the server
                closed = True
    assert closed
    assert time.monotonic() - started < 4


def test_i_a_body_with_wrong_credentials_is_refused_before_it_is_read(
    server: KeystileServer, project: Project
) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        # 800 KB declared, 1 KB sent: the answer comes without the rest of the body.
        sock.sendall(_head(server, _basic(project.project_id, "wrong-" + project.secret), 800_000))
        sock.sendall(b"[" + b"1," * 500)
        status, body = _response(sock)
    assert (status, body["error_type"]) == (401, "unauthorized_credentials")


@pytest.mark.parametrize(
    ("path", "refusal"),
    [
        ("/v1/users", (401, "unauthorized_credentials")),
        # Client credentials go in this body: it is read, but only up to a small pre-authentication cap.
        ("/v1/public/{project_id}/oauth2/token", (413, "request_too_large")),
    ],
)
def test_i_an_unauthenticated_large_body_is_refused_unread(
    server: KeystileServer, project: Project, path: str, refusal: tuple[int, str]
) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(_head(server, None, 800_000, path.format(project_id=project.project_id)))
        sock.sendall(b"[" + b"1," * 500)
        status, body = _response(sock)
    assert (status, body["error_type"]) == refusal


def test_i_forged_x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    postgres_url: str, start_server: StartServer
) -> None:
    # A database of its own: the per-IP count of 127.0.0.1 in a shared one includes other tests' sends.
    limits = {"KEYSTILE_RATE_LIMIT_WINDOW_SECONDS": "3600", "KEYSTILE_RATE_LIMIT_SENDS_PER_IP": "2"}
    direct = start_server(postgres_url, **limits)
    behind_proxy = start_server(postgres_url, KEYSTILE_TRUSTED_PROXIES="127.0.0.1", **limits)

    project = direct.create_project()
    statuses = [send_magic_link(direct, project, ip=random_ip()).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert_stytch_error(send_magic_link(direct, project, ip=random_ip()), 429, "too_many_requests")

    project = behind_proxy.create_project()
    statuses = [send_magic_link(behind_proxy, project, ip=random_ip()).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]


def test_i_scope_is_a_reserved_session_claim(client: stytch.Client) -> None:
    issued = client.passwords.create(
        email=new_address("scope"), password="violet tangerine oboe 71", session_duration_minutes=60
    )
    assert error_type(
        lambda: client.sessions.authenticate(
            session_token=issued.session_token, session_custom_claims={"scope": "read:users write:users"}
        )
    ) == ("reserved_claims_in_custom_claims")


@pytest.mark.parametrize(
    "verifier",
    [
        "\u00fc" * 43,  # encoded with errors="replace", as "?" * 43: the same as any other non-ASCII one
        "?" * 43,  # not in RFC 7636's alphabet either
        "a" * 42,  # too short
        "a" * 129,  # too long
    ],
    ids=["non_ascii", "outside_alphabet", "short", "long"],
)
def test_i_a_pkce_verifier_outside_rfc_7636_is_refused(
    client: stytch.Client, smtp_sink: SmtpSink, verifier: str
) -> None:
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii", errors="replace")).digest())
    email = new_address("pkce")
    client.magic_links.email.login_or_create(email=email, code_challenge=challenge.decode().rstrip("="))
    token = token_of(received_link(smtp_sink, email))
    other = "\u00e9" * 43 if verifier.startswith("\u00fc") else verifier
    assert error_type(lambda: client.magic_links.authenticate(token=token, code_verifier=other)) == (
        "pkce_mismatch"
    )


def test_i_an_rfc_7636_verifier_of_every_allowed_character_still_matches(
    client: stytch.Client, smtp_sink: SmtpSink
) -> None:
    verifier = "AZaz09-._~" + secrets.token_urlsafe(40)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    email = new_address("pkce-ok")
    client.magic_links.email.login_or_create(email=email, code_challenge=challenge)
    token = token_of(received_link(smtp_sink, email))
    assert client.magic_links.authenticate(token=token, code_verifier=verifier).user_id


@pytest.mark.parametrize("secret", ["Summer2024!Summer2024!", "CorrectHorseBatteryStaple1!"])
def test_i_a_guessable_imported_m2m_secret_is_refused(client: stytch.Client, secret: str) -> None:
    assert error_type(
        lambda: client.m2m.clients.create(
            scopes=[], client_id=f"legacy-{secrets.token_hex(4)}", client_secret=secret
        )
    ) == ("m2m_client_invalid_client_secret")
