"""`sessions.attest` through the official Node SDK: a token from a PEM-keyed profile."""

from __future__ import annotations

from pathlib import Path

from tests.sdk.test_trusted_tokens import ISSUER_KEY, add_profile, public_pem, token
from tests.support.node_sdk import run_node_scenario
from tests.support.server import KeystileServer, Project


def test_attest(server: KeystileServer, project: Project, tmp_path: Path) -> None:
    pem = tmp_path / "issuer.pem"
    pem.write_bytes(public_pem(ISSUER_KEY))
    profile_id = add_profile(server, project, "--pem-key", str(pem))["profile_id"]
    presented = token("node-attested@example.com", jti="node-token-1")
    steps = run_node_scenario(
        server, project, "trusted_tokens", PROFILE_ID=profile_id, TRUSTED_TOKEN=presented
    )["steps"]
    attested = steps["attest"]
    assert attested["status_code"] == 200
    assert attested["user_id"] == steps["user"]["user_id"]
    [factor] = attested["session"]["authentication_factors"]
    assert factor["type"] == "trusted_auth_token"
    assert factor["delivery_method"] == "trusted_token_exchange"
    assert factor["trusted_auth_token_factor"] == {"token_id": "node-token-1"}
    assert steps["authenticate"]["session"]["session_id"] == attested["session"]["session_id"]
    assert steps["replay"]["error_type"] == "invalid_trusted_auth_token"
    assert steps["replay"]["status_code"] == 401
