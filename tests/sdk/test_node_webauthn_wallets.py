"""WebAuthn's options and refusals, and a Solana wallet signing in with a real ed25519 key, through the
official `stytch` Node SDK (tests/node) against a real server."""

from __future__ import annotations

import json

from tests.support.node_sdk import run_node_scenario
from tests.support.server import KeystileServer, Project

DOMAIN = "passkeys.example.com"


def test_webauthn_and_wallets_through_node(server: KeystileServer, project: Project) -> None:
    server.cli_json("projects", "domains", "add", "--project", project.project_id, DOMAIN, "--json")
    steps = run_node_scenario(server, project, "webauthn_wallets", WEBAUTHN_DOMAIN=DOMAIN)["steps"]
    user_id = steps["user"]["user_id"]

    assert steps["register_start_unlisted"]["error_type"] == "invalid_webauthn_registration_domain"
    creation = json.loads(steps["register_start"]["public_key_credential_creation_options"])
    assert (steps["register_start"]["user_id"], creation["rp"]["id"]) == (user_id, DOMAIN)
    assert creation["authenticatorSelection"]["residentKey"] == "required"
    request = json.loads(steps["authenticate_start"]["public_key_credential_request_options"])
    assert (steps["authenticate_start"]["user_id"], request["rpId"]) == ("", DOMAIN)
    assert steps["register_garbage"]["error_type"] == "invalid_public_key_credential"
    assert steps["list_credentials"]["credentials"] == []
    assert steps["update_unknown"]["error_type"] == "webauthn_registration_not_found"
    assert steps["delete_registration_unknown"]["error_type"] == "webauthn_registration_not_found"

    assert steps["wallet_start"]["user_created"] is True
    signed_in = steps["wallet_authenticate"]
    assert signed_in["user_id"] == steps["wallet_start"]["user_id"]
    assert [w["verified"] for w in signed_in["user"]["crypto_wallets"]] == [True]
    assert signed_in["session"]["authentication_factors"][0]["type"] == "crypto"
    assert steps["wallet_replay"]["error_type"] == "unable_to_authenticate_crypto_wallet"
    assert steps["delete_wallet"]["user"]["crypto_wallets"] == []
