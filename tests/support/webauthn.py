"""Credentials as a browser posts them to `webauthn.register`/`authenticate`: forged ones made by no
authenticator, and assertions of a software authenticator's ES256 credential."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid

import cbor2
import stytch
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

ORIGIN = "https://app.example.com"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def forged(ceremony: str, challenge: str, *, origin: str = ORIGIN, credential_id: str | None = None) -> str:
    """A `create` (attestation) or `get` (assertion) response for `challenge` (base64url), of a new
    credential id unless given one."""
    client_data = {"type": f"webauthn.{ceremony}", "challenge": challenge, "origin": origin}
    response: dict[str, str] = {"clientDataJSON": b64url(json.dumps(client_data).encode())}
    if ceremony == "create":
        response["attestationObject"] = b64url(b"\xa3cfmtdnonegattStmt\xa0hauthData\x41\x00")
    else:
        response |= {"authenticatorData": b64url(bytes(37)), "signature": b64url(bytes(64))}
    credential_id = credential_id or b64url(uuid.uuid4().bytes)
    return json.dumps(
        {"id": credential_id, "rawId": credential_id, "type": "public-key", "response": response}
    )


def challenge_of(options: str) -> str:
    """The challenge (base64url) of creation or request options returned with base64url encoding."""
    return str(json.loads(options)["challenge"])


class SoftwareAuthenticator:
    """One ES256 credential held in memory that signs assertions as an authenticator would (user
    present, its counter raised each time): for refusals that must not hinge on a bad signature."""

    def __init__(self, rp_id: str) -> None:
        self.rp_id = rp_id
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = b64url(uuid.uuid4().bytes)
        self.counter = 0

    def cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return bytes(
            cbor2.dumps(
                {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
            )
        )

    def attestation(self, challenge: str, *, origin: str = ORIGIN) -> str:
        """A `create` response registering this credential: attestation format "none", user present."""
        client_data = json.dumps(
            {"type": "webauthn.create", "challenge": challenge, "origin": origin}
        ).encode()
        credential_id = b64url_decode(self.credential_id)
        authenticator_data = (
            hashlib.sha256(self.rp_id.encode()).digest()
            + b"\x41"
            + self.counter.to_bytes(4, "big")
            + bytes(16)
            + len(credential_id).to_bytes(2, "big")
            + credential_id
            + self.cose_public_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": authenticator_data})
        response = {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation)}
        return self._credential(response)

    def _credential(self, response: dict[str, str]) -> str:
        return json.dumps(
            {
                "id": self.credential_id,
                "rawId": self.credential_id,
                "type": "public-key",
                "response": response,
            }
        )

    def assertion(self, challenge: str, *, origin: str = ORIGIN) -> str:
        self.counter += 1
        client_data = json.dumps({"type": "webauthn.get", "challenge": challenge, "origin": origin}).encode()
        authenticator_data = (
            hashlib.sha256(self.rp_id.encode()).digest() + b"\x01" + self.counter.to_bytes(4, "big")
        )
        signature = self.key.sign(
            authenticator_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        response = {
            "clientDataJSON": b64url(client_data),
            "authenticatorData": b64url(authenticator_data),
            "signature": b64url(signature),
        }
        return self._credential(response)


def registered(client: stytch.Client, user_id: str, authenticator: SoftwareAuthenticator) -> str:
    """Registers `authenticator`'s credential to the user on its RP id through the SDK: the
    registration's id."""
    started = client.webauthn.register_start(
        user_id=user_id, domain=authenticator.rp_id, use_base64_url_encoding=True
    )
    attestation = authenticator.attestation(challenge_of(started.public_key_credential_creation_options))
    done = client.webauthn.register(user_id=user_id, public_key_credential=attestation)
    assert done.user_id == user_id
    return str(done.webauthn_registration_id)


def request_challenge(client: stytch.Client, domain: str, user_id: str) -> str:
    """The challenge of a second-factor `authenticate_start` for the user on `domain`."""
    started = client.webauthn.authenticate_start(domain=domain, user_id=user_id, use_base64_url_encoding=True)
    return challenge_of(started.public_key_credential_request_options)
