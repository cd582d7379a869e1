"""Use cases for crypto wallets: hand out the message a wallet must sign (creating the user and wallet
on first use), and authenticate its signature into a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from keystile.calls import Call
from keystile.db import single_use
from keystile.errors import CommittedRefusal, KeystileError
from keystile.factors.common import authentication_factor, session_for
from keystile.factors.crypto_wallets import signatures
from keystile.factors.crypto_wallets.models import CryptoWallet, CryptoWalletChallenge
from keystile.factors.crypto_wallets.repository import CryptoWalletRepository
from keystile.factors.crypto_wallets.signatures import ETHEREUM, SiweRequest
from keystile.identity.models import User
from keystile.identity.service import NewUser, create_user, existing_user
from keystile.identity.views import UserView
from keystile.ids import new_id
from keystile.projects.service import get_project
from keystile.sessions.service import IssuedSession
from keystile.sessions.types import SessionRequest

CHALLENGE_LIFETIME: Final = timedelta(minutes=5)


@dataclass(frozen=True)
class Challenge:
    user_id: str
    challenge: str
    user_created: bool


@dataclass(frozen=True)
class WalletAuthenticated:
    user: UserView
    issued: IssuedSession
    siwe_params: dict[str, Any] | None


async def _owner(call: Call, wallet: CryptoWallet | None, user_id: str | None) -> tuple[User, bool]:
    """Whose wallet it is: its user's, the named user's (a wallet of another user is refused), or a
    new user's; and whether that user was created now."""
    if user_id:
        user = await existing_user(call.db, call.project_id, user_id)
        if wallet is not None and wallet.user_id != user.user_id:
            raise KeystileError("invalid_wallet_address_user")
        return user, False
    if wallet is not None:
        return await existing_user(call.db, call.project_id, wallet.user_id), False
    created = await create_user(call.db, call.project_id, NewUser(), now=call.now)
    return created.user, True


async def authenticate_start(
    call: Call, *, wallet_type: str, address: str, user_id: str | None, siwe: SiweRequest | None
) -> Challenge:
    """The message the wallet must sign: an EIP-4361 message when SIWE parameters are given
    (Ethereum only), else the project's name and a nonce. Earlier unsigned messages are retired."""
    address = signatures.canonical_address(wallet_type, address)
    if siwe is not None and wallet_type != ETHEREUM:
        raise KeystileError("crypto_wallet_type_incompatible_with_siwe")
    wallets = CryptoWalletRepository(call.db, call.project_id)
    wallet = await wallets.wallet(wallet_type, address, for_update=True)
    user, user_created = await _owner(call, wallet, user_id)
    if wallet is None:
        wallet = CryptoWallet(
            crypto_wallet_id=new_id("crypto-wallet"),
            project_id=call.project_id,
            user_id=user.user_id,
            crypto_wallet_type=wallet_type,
            crypto_wallet_address=address,
            verified=False,
            created_at=call.now,
        )
        call.db.add(wallet)
    await wallets.retire_challenges(wallet.crypto_wallet_id, call.now)
    nonce, expires_at = signatures.new_nonce(), call.now + CHALLENGE_LIFETIME
    if siwe is not None:
        message = signatures.siwe_message(address, nonce, siwe, expires_at)
    else:
        message = signatures.plain_challenge((await get_project(call.db, call.project_id)).name, nonce)
    call.db.add(
        CryptoWalletChallenge(
            challenge_id=new_id("crypto-wallet-challenge"),
            project_id=call.project_id,
            crypto_wallet_id=wallet.crypto_wallet_id,
            user_id=user.user_id,
            message=message,
            nonce=nonce,
            siwe_domain=siwe.domain if siwe is not None else None,
            created_at=call.now,
            expires_at=expires_at,
        )
    )
    return Challenge(user.user_id, message, user_created)


def _siwe_params(message: str) -> dict[str, Any]:
    """The SIWE parameters of a signed message, as `crypto_wallets.authenticate` returns them."""
    parsed = signatures.parsed_siwe(message)
    return {
        "domain": parsed.domain,
        "uri": str(parsed.uri),
        "chain_id": str(parsed.chain_id),
        "resources": [str(resource) for resource in parsed.resources or []],
        "issued_at": str(parsed.issued_at),
        "message_request_id": parsed.request_id,
    }


async def authenticate(
    call: Call, *, wallet_type: str, address: str, signature: str, session_request: SessionRequest
) -> WalletAuthenticated:
    """Check the signature of the wallet's pending message (used up whatever the outcome), mark the
    wallet verified, and start or extend a session."""
    address = signatures.canonical_address(wallet_type, address)
    wallets = CryptoWalletRepository(call.db, call.project_id)
    wallet = await wallets.wallet(wallet_type, address)
    if wallet is None:
        raise KeystileError("crypto_wallet_not_found")
    pending = await wallets.pending_challenge(wallet.crypto_wallet_id)
    if pending is None or not await single_use.redeem(call.db, pending, call.now):
        expired_siwe = (
            pending is not None and pending.siwe_domain is not None and pending.expires_at <= call.now
        )
        raise KeystileError(
            "siwe_message_expired" if expired_siwe else "unable_to_authenticate_crypto_wallet"
        )
    try:
        if pending.siwe_domain is not None:
            signatures.verify_siwe(
                pending.message, signature, domain=pending.siwe_domain, nonce=pending.nonce, now=call.now
            )
        else:
            signatures.verify_signature(wallet_type, address, pending.message, signature)
    except KeystileError as refused:
        raise CommittedRefusal(refused.error_type) from refused
    wallet.verified = True
    user = await existing_user(call.db, call.project_id, wallet.user_id)
    factor = authentication_factor(
        "crypto",
        "crypto_wallet",
        call.now,
        crypto_wallet_factor={
            "crypto_wallet_id": wallet.crypto_wallet_id,
            "crypto_wallet_address": address,
            "crypto_wallet_type": wallet_type,
        },
    )
    view, issued = await session_for(call, user, factor, session_request)
    return WalletAuthenticated(
        view, issued, _siwe_params(pending.message) if pending.siwe_domain is not None else None
    )
