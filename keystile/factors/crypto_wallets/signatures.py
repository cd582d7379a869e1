"""Wallet addresses and signatures: Ethereum (EIP-55 addresses, EIP-191 personal signatures via
eth-account, EIP-4361 Sign-In with Ethereum messages via siwe) and Solana (base58 ed25519 keys and
signatures via PyNaCl)."""

from __future__ import annotations

import importlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any, Final

import base58
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils.address import is_address, to_checksum_address
from eth_utils.exceptions import ValidationError as EthValidationError
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from pydantic import ValidationError

from keystile.clock import rfc3339
from keystile.errors import ErrorType, KeystileError

ETHEREUM: Final = "ethereum"
SOLANA: Final = "solana"
# The siwe field each of Stytch's SIWE validation errors names.
SIWE_FIELD_ERRORS: Final[dict[str, ErrorType]] = {
    "domain": "invalid_siwe_domain",
    "uri": "invalid_siwe_uri",
    "chain_id": "invalid_siwe_chain_id",
    "statement": "invalid_siwe_statement",
    "resources": "invalid_siwe_resource",
    "request_id": "invalid_siwe_message_request_id",
}
MAX_CHAIN_ID: Final = 9_223_372_036_854_775_771


def _siwe() -> ModuleType:
    """siwe, imported on first use: its ABNF grammar and web3 would double every server's start-up."""
    return importlib.import_module("siwe")


def canonical_address(wallet_type: str, address: str) -> str:
    """The address in its canonical form: EIP-55 for Ethereum, base58 of 32 bytes for Solana."""
    if wallet_type == ETHEREUM:
        if not is_address(address):
            raise KeystileError("invalid_ethereum_address")
        return str(to_checksum_address(address))
    if wallet_type == SOLANA:
        try:
            valid = len(base58.b58decode(address)) == 32
        except ValueError:
            valid = False
        if not valid or len(address) > 44:
            raise KeystileError("invalid_solana_address")
        return address
    raise KeystileError("invalid_wallet_type")


def new_nonce() -> str:
    """128 random bits, alphanumeric as EIP-4361 nonces must be."""
    return secrets.token_hex(16)


def plain_challenge(project_name: str, nonce: str) -> str:
    """Stytch's non-SIWE message: the project's name and a random string."""
    return f"Sign in to {project_name} with your wallet.\nNonce: {nonce}"


@dataclass(frozen=True)
class SiweRequest:
    domain: str
    uri: str
    resources: list[str]
    chain_id: str | None
    statement: str | None
    issued_at: datetime
    not_before: datetime | None
    request_id: str | None


def siwe_message(address: str, nonce: str, request: SiweRequest, expires_at: datetime) -> str:
    """An EIP-4361 message for `address`, valid until the challenge expires."""
    chain_id = request.chain_id or "1"
    if not chain_id.isdigit() or not 1 <= int(chain_id) <= MAX_CHAIN_ID:
        raise KeystileError("invalid_siwe_chain_id")
    try:
        message = _siwe().SiweMessage(
            domain=request.domain,
            address=address,
            uri=request.uri,
            version="1",
            chain_id=int(chain_id),
            issued_at=rfc3339(request.issued_at),
            nonce=nonce,
            statement=request.statement,
            expiration_time=rfc3339(expires_at),
            not_before=rfc3339(request.not_before) if request.not_before is not None else None,
            request_id=request.request_id,
            resources=request.resources or None,
        )
    except ValidationError as error:
        field = str(error.errors()[0]["loc"][0]) if error.errors() else ""
        raise KeystileError(SIWE_FIELD_ERRORS.get(field, "bad_request")) from error
    return str(message.prepare_message())


def parsed_siwe(message: str) -> Any:
    """The fields of an EIP-4361 message (a siwe.SiweMessage)."""
    return _siwe().SiweMessage.from_message(message)


def verify_siwe(message: str, signature: str, *, domain: str, nonce: str, now: datetime) -> None:
    """The message's signature by its address, its domain and nonce as issued, and `now` within its
    validity (Stytch's siwe_message_expired / siwe_message_not_valid_yet otherwise)."""
    library = _siwe()
    try:
        parsed_siwe(message).verify(signature, domain=domain, nonce=nonce, timestamp=now)
    except library.ExpiredMessage as error:
        raise KeystileError("siwe_message_expired") from error
    except library.NotYetValidMessage as error:
        raise KeystileError("siwe_message_not_valid_yet") from error
    except (library.VerificationError, ValueError, TypeError) as error:
        raise KeystileError("unable_to_authenticate_crypto_wallet") from error


def verify_signature(wallet_type: str, address: str, message: str, signature: str) -> None:
    """`signature` of `message` by `address`: an EIP-191 personal signature (0x hex) recovered with
    eth-account, or an ed25519 signature (base58) checked with PyNaCl."""
    try:
        if wallet_type == ETHEREUM:
            signer = Account.recover_message(encode_defunct(text=message), signature=signature)
            valid = signer == address
        else:
            VerifyKey(base58.b58decode(address)).verify(message.encode(), base58.b58decode(signature))
            valid = True
    except (BadSignatureError, ValueError, TypeError, EthValidationError):
        valid = False
    if not valid:
        raise KeystileError("unable_to_authenticate_crypto_wallet")
