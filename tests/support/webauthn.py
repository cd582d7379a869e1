"""Credentials as a browser posts them to `webauthn.register`/`authenticate`, made by no authenticator:
for the refusals that must come before (or regardless of) any signature check."""

from __future__ import annotations

import base64
import json
import uuid

ORIGIN = "https://app.example.com"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def forged(ceremony: str, challenge: str, *, origin: str = ORIGIN) -> str:
    """A `create` (attestation) or `get` (assertion) response for `challenge` (base64url)."""
    client_data = {"type": f"webauthn.{ceremony}", "challenge": challenge, "origin": origin}
    response: dict[str, str] = {"clientDataJSON": b64url(json.dumps(client_data).encode())}
    if ceremony == "create":
        response["attestationObject"] = b64url(b"\xa3cfmtdnonegattStmt\xa0hauthData\x41\x00")
    else:
        response |= {"authenticatorData": b64url(bytes(37)), "signature": b64url(bytes(64))}
    credential_id = b64url(uuid.uuid4().bytes)
    return json.dumps(
        {"id": credential_id, "rawId": credential_id, "type": "public-key", "response": response}
    )


def challenge_of(options: str) -> str:
    """The challenge (base64url) of creation or request options returned with base64url encoding."""
    return str(json.loads(options)["challenge"])
