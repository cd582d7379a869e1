"""`sessions.attest`, consumer and B2B, through the official `stytch` Python SDK: trusted auth token
profiles set up with `keystile projects trusted-tokens`, tokens signed by a key published on a real
JWKS server on loopback (or given as PEM), verified with pinned algorithms and used once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import stytch
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.loopback_json import LoopbackJson, loopback_json
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer, Project

ISSUER = "https://idp.example.test"
AUDIENCE = "keystile-tests"
KID = "issuer-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


ISSUER_KEY = new_key()
OTHER_KEY = new_key()


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def jwks(key: rsa.RSAPrivateKey) -> dict[str, Any]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]}


def token(email: str, *, key: Any = ISSUER_KEY, algorithm: str = "RS256", **claims: Any) -> str:
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 300,
        "email": email,
        "jti": str(uuid.uuid4()),
        **claims,
    }
    return jwt.encode(body, key, algorithm=algorithm, headers={"kid": KID})


def b64(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


def forged(email: str, algorithm: str) -> str:
    """A token whose header claims `algorithm`: `none` (no signature), or HS256 keyed with the issuer's
    public key (the algorithm-confusion attack; PyJWT refuses to make one, so it is made by hand)."""
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "exp": now + 300, "email": email, "jti": str(uuid.uuid4())}
    signed = f"{b64(json.dumps({'alg': algorithm, 'kid': KID}).encode())}.{b64(json.dumps(claims).encode())}"
    if algorithm == "none":
        return f"{signed}."
    mac = hmac.new(public_pem(ISSUER_KEY), signed.encode(), hashlib.sha256).digest()
    return f"{signed}.{b64(mac)}"


@pytest.fixture
def issuer() -> Iterator[LoopbackJson]:
    with loopback_json({"/.well-known/jwks.json": lambda headers: (200, jwks(ISSUER_KEY))}) as served:
        yield served


def add_profile(server: KeystileServer, project: Project, *args: str) -> dict[str, Any]:
    added = server.cli_json(
        "projects", "trusted-tokens", "add", "--project", project.project_id, "--name", "idp",
        "--issuer", ISSUER, "--audience", AUDIENCE, *args, "--json",
    )  # fmt: skip
    assert isinstance(added, dict)
    return added


@pytest.fixture
def profile_id(server: KeystileServer, project: Project, issuer: LoopbackJson) -> str:
    added = add_profile(server, project, "--jwks-url", issuer.url("/.well-known/jwks.json"))
    assert added["profile_id"].startswith("trusted-token-profile-test-")
    assert added["algorithms"] == ["RS256"]
    assert added["claims"] == {"email": "email", "token_id": "jti"}
    return str(added["profile_id"])


def test_attest_starts_a_session_with_the_trusted_token_factor(
    client: stytch.Client, profile_id: str, issuer: LoopbackJson
) -> None:
    user = client.users.create(email="attested@example.com")
    presented = token("Attested@Example.com", jti="token-42")
    attested = client.sessions.attest(profile_id=profile_id, token=presented, session_duration_minutes=30)
    assert attested.status_code == 200
    assert attested.user_id == user.user_id
    assert attested.user.emails[0].email == "attested@example.com"
    assert attested.session is not None
    [factor] = attested.session.authentication_factors
    assert factor.type == "trusted_auth_token"
    assert factor.delivery_method == "trusted_token_exchange"
    assert factor.trusted_auth_token_factor is not None
    assert factor.trusted_auth_token_factor.token_id == "token-42"
    assert issuer.seen and issuer.seen[0][0] == "/.well-known/jwks.json"
    found = client.sessions.authenticate(session_token=attested.session_token)
    assert found.session.session_id == attested.session.session_id
    local = client.sessions.authenticate_jwt_local(attested.session_jwt)
    assert local is not None and local.user_id == user.user_id

    # Each token is exchanged once: a replay is refused, and no session is added.
    assert error_type(lambda: client.sessions.attest(profile_id=profile_id, token=presented)) == (
        "invalid_trusted_auth_token"
    )
    assert len(client.sessions.get(user_id=user.user_id).sessions) == 1


def test_attest_without_a_duration_starts_no_session(client: stytch.Client, profile_id: str) -> None:
    user = client.users.create(email="no-session@example.com")
    attested = client.sessions.attest(profile_id=profile_id, token=token("no-session@example.com"))
    assert (attested.user_id, attested.session_token, attested.session) == (user.user_id, "", None)
    assert client.sessions.get(user_id=user.user_id).sessions == []


def test_attest_adds_the_factor_to_an_existing_session(client: stytch.Client, profile_id: str) -> None:
    client.users.create(email="stacked@example.com")
    first = client.sessions.attest(
        profile_id=profile_id, token=token("stacked@example.com"), session_duration_minutes=30
    )
    second = client.sessions.attest(
        profile_id=profile_id, token=token("stacked@example.com"), session_token=first.session_token
    )
    assert second.session is not None and first.session is not None
    assert second.session.session_id == first.session.session_id
    assert second.session_token != first.session_token  # a new token: no fixation
    assert len(second.session.authentication_factors) >= 1
    assert error_type(lambda: client.sessions.authenticate(session_token=first.session_token)) == (
        "session_not_found"
    )


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("wrong audience", lambda email: token(email, aud="someone-else")),
        ("wrong issuer", lambda email: token(email, iss="https://evil.example.test")),
        ("expired", lambda email: token(email, exp=int(time.time()) - 120)),
        ("another key", lambda email: token(email, key=OTHER_KEY)),
        ("alg none", lambda email: forged(email, "none")),
        ("hs256 with the public key", lambda email: forged(email, "HS256")),
        ("no token id", lambda email: token(email, jti=None)),
        ("not a jwt", lambda email: "not-a-jwt"),
    ],
)
def test_attest_refuses_tokens_that_do_not_verify(
    client: stytch.Client, profile_id: str, name: str, make: Any
) -> None:
    user = client.users.create(email=f"refused-{uuid.uuid4().hex[:8]}@example.com")
    presented = make(user.user.emails[0].email)
    assert (
        error_type(
            lambda: client.sessions.attest(
                profile_id=profile_id, token=presented, session_duration_minutes=30
            )
        )
        == "invalid_trusted_auth_token"
    ), name
    assert client.sessions.get(user_id=user.user_id).sessions == []


def test_attest_refuses_unknown_profiles_and_users(
    server: KeystileServer, client: stytch.Client, profile_id: str, tmp_path: Path
) -> None:
    user = client.users.create(email="known@example.com")
    unknown_profile = f"trusted-token-profile-test-{uuid.uuid4()}"
    assert (
        error_type(
            lambda: client.sessions.attest(profile_id=unknown_profile, token=token("known@example.com"))
        )
        == "trusted_auth_token_profile_not_found"
    )
    # Another project's profile is no profile of this one.
    pem = tmp_path / "issuer.pem"
    pem.write_bytes(public_pem(ISSUER_KEY))
    other_profile = add_profile(server, server.create_project(), "--pem-key", str(pem))["profile_id"]
    assert (
        error_type(lambda: client.sessions.attest(profile_id=other_profile, token=token("known@example.com")))
        == "trusted_auth_token_profile_not_found"
    )
    presented = token("nobody@example.com", jti="unknown-user-token")
    assert (
        error_type(
            lambda: client.sessions.attest(
                profile_id=profile_id, token=presented, session_duration_minutes=30
            )
        )
        == "user_not_found"
    )
    # The refused exchange used nothing up: once the user exists, the same token attests.
    client.users.create(email="nobody@example.com")
    assert client.sessions.attest(profile_id=profile_id, token=presented).user_id != user.user_id


def test_pem_profile_list_and_remove(
    server: KeystileServer, project: Project, client: stytch.Client, tmp_path: Path
) -> None:
    pem = tmp_path / "issuer.pem"
    pem.write_bytes(public_pem(ISSUER_KEY))
    added = add_profile(server, project, "--pem-key", str(pem), "--claim", "token_id=token_ref")
    assert added["pem_keys"] == 1 and added["jwks_url"] is None
    client.users.create(email="pem@example.com")
    attested = client.sessions.attest(
        profile_id=added["profile_id"], token=token("pem@example.com", token_ref="ref-7")
    )
    assert attested.user.emails[0].email == "pem@example.com"

    listed = server.cli_json("projects", "trusted-tokens", "list", "--project", project.project_id, "--json")
    assert [item["profile_id"] for item in listed] == [added["profile_id"]]  # type: ignore[union-attr]
    server.cli_json(
        "projects", "trusted-tokens", "remove", "--project", project.project_id,
        "--profile-id", added["profile_id"], "--json",
    )  # fmt: skip
    assert (
        error_type(
            lambda: client.sessions.attest(profile_id=added["profile_id"], token=token("pem@example.com"))
        )
        == "trusted_auth_token_profile_not_found"
    )
    again = server.cli(
        "projects", "trusted-tokens", "remove", "--project", project.project_id,
        "--profile-id", added["profile_id"],
    )  # fmt: skip
    assert again.returncode == 1 and "trusted_auth_token_profile_not_found" in again.stderr


def test_profile_refusals(server: KeystileServer, project: Project, tmp_path: Path) -> None:
    pem = tmp_path / "issuer.pem"
    pem.write_bytes(public_pem(ISSUER_KEY))
    for args in (
        [],  # neither JWKS URL nor keys
        ["--jwks-url", "http://127.0.0.1:9/jwks", "--pem-key", str(pem)],  # both
        ["--pem-key", str(pem), "--algorithm", "HS256"],  # a shared-secret algorithm
        ["--jwks-url", "javascript:alert(1)"],
        ["--pem-key", str(pem), "--claim", "favourite_colour=c"],
    ):
        done = server.cli(
            "projects", "trusted-tokens", "add", "--project", project.project_id, "--name", "x",
            "--issuer", ISSUER, "--audience", AUDIENCE, *args,
        )  # fmt: skip
        assert done.returncode == 1, args
        assert "invalid_argument" in done.stderr, args
    listed = server.cli_json("projects", "trusted-tokens", "list", "--project", project.project_id, "--json")
    assert listed == []


def test_b2b_attest(
    server: KeystileServer, b2b_project: Project, b2b_client: stytch.B2BClient, issuer: LoopbackJson
) -> None:
    added = add_profile(
        server, b2b_project, "--jwks-url", issuer.url("/.well-known/jwks.json"),
        "--claim", "organization_id=org",
    )  # fmt: skip
    org = b2b_client.organizations.create(organization_name="Attest Co", organization_slug="attest-co")
    organization_id = org.organization.organization_id
    member = b2b_client.organizations.members.create(organization_id, email_address="ada@attest.example")
    member_id = member.member.member_id

    by_claim = b2b_client.sessions.attest(
        profile_id=added["profile_id"], token=token("ada@attest.example", org=organization_id)
    )
    assert by_claim.status_code == 200
    assert (by_claim.member_id, by_claim.organization.organization_id) == (member_id, organization_id)
    [factor] = by_claim.member_session.authentication_factors
    assert (factor.type, factor.delivery_method) == ("trusted_auth_token", "trusted_token_exchange")
    assert (
        b2b_client.sessions.authenticate(session_token=by_claim.session_token).member.member_id == member_id
    )

    # The request's organization_id serves when the token has no organization claim.
    by_request = b2b_client.sessions.attest(
        profile_id=added["profile_id"], token=token("ada@attest.example"), organization_id="attest-co"
    )
    assert by_request.member_id == member_id

    sessions_before = len(
        b2b_client.sessions.get(organization_id=organization_id, member_id=member_id).member_sessions
    )
    for presented, expected in (
        (token("ada@attest.example"), "invalid_argument"),  # no organization at all
        (token("nobody@attest.example", org=organization_id), "member_not_found"),
        (token("ada@attest.example", org=organization_id, aud="other"), "invalid_trusted_auth_token"),
    ):
        assert (
            error_type(
                lambda t=presented: b2b_client.sessions.attest(profile_id=added["profile_id"], token=t)
            )
            == expected
        )
    after = b2b_client.sessions.get(organization_id=organization_id, member_id=member_id).member_sessions
    assert len(after) == sessions_before == 2
