"""Consumer crypto wallets through the official Python SDK, signed with real keys (eth-account,
PyNaCl): Ethereum personal messages and Sign-In with Ethereum, Solana ed25519; the wallet creates
its user, serves as a second factor, and replayed, wrong or stale signatures are refused."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta

import stytch
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.cli.runtime import run_in_transaction
from keystile.clock import SystemClock
from keystile.config import Settings
from keystile.factors.crypto_wallets.models import CryptoWalletChallenge
from tests.support.sdk_errors import error_type
from tests.support.server import KeystileServer
from tests.support.wallets import EthereumWallet, SolanaWallet

SIWE = {
    "domain": "app.example.com",
    "uri": "https://app.example.com/login",
    "resources": ["https://app.example.com/terms"],
}


def sessions_of(client: stytch.Client, user_id: str) -> int:
    return len(client.sessions.get(user_id=user_id).sessions)


def test_ethereum_wallet_signs_in_once_per_challenge(client: stytch.Client) -> None:
    wallet, stranger = EthereumWallet.new(), EthereumWallet.new()
    started = client.crypto_wallets.authenticate_start(
        crypto_wallet_type="ethereum", crypto_wallet_address=wallet.address.lower()
    )
    assert started.user_created and wallet.address not in started.challenge
    signature = wallet.sign(started.challenge)
    signed_in = client.crypto_wallets.authenticate(
        crypto_wallet_type="ethereum",
        crypto_wallet_address=wallet.address,
        signature=signature,
        session_duration_minutes=60,
    )
    assert signed_in.user_id == started.user_id and signed_in.siwe_params is None
    [listed] = signed_in.user.crypto_wallets
    assert (listed.crypto_wallet_address, listed.crypto_wallet_type, listed.verified) == (
        wallet.address,
        "ethereum",
        True,
    )
    assert signed_in.session is not None
    factor = signed_in.session.authentication_factors[0]
    assert (factor.type, factor.delivery_method) == ("crypto", "crypto_wallet")
    assert factor.crypto_wallet_factor is not None
    assert factor.crypto_wallet_factor.crypto_wallet_id == listed.crypto_wallet_id

    def authenticate(signed: str) -> object:
        return client.crypto_wallets.authenticate(
            crypto_wallet_type="ethereum",
            crypto_wallet_address=wallet.address,
            signature=signed,
            session_duration_minutes=60,
        )

    # Replayed: the challenge was used.
    assert error_type(lambda: authenticate(signature)) == "unable_to_authenticate_crypto_wallet"
    # Another key's signature, then a signature of an earlier challenge: both refused.
    again = client.crypto_wallets.authenticate_start(
        crypto_wallet_type="ethereum", crypto_wallet_address=wallet.address
    )
    assert (again.user_id, again.user_created) == (started.user_id, False)
    assert (
        error_type(lambda: authenticate(stranger.sign(again.challenge)))
        == "unable_to_authenticate_crypto_wallet"
    )
    earlier = client.crypto_wallets.authenticate_start(
        crypto_wallet_type="ethereum", crypto_wallet_address=wallet.address
    )
    client.crypto_wallets.authenticate_start(
        crypto_wallet_type="ethereum", crypto_wallet_address=wallet.address
    )
    assert (
        error_type(lambda: authenticate(wallet.sign(earlier.challenge)))
        == "unable_to_authenticate_crypto_wallet"
    )
    assert error_type(lambda: authenticate("0x1234")) == "unable_to_authenticate_crypto_wallet"
    assert sessions_of(client, started.user_id) == 1

    deleted = client.users.delete_crypto_wallet(crypto_wallet_id=listed.crypto_wallet_id)
    assert deleted.user.crypto_wallets == []
    assert error_type(
        lambda: client.users.delete_crypto_wallet(crypto_wallet_id=listed.crypto_wallet_id)
    ) == ("crypto_wallet_not_found")


def test_sign_in_with_ethereum(client: stytch.Client) -> None:
    wallet = EthereumWallet.new()
    started = client.crypto_wallets.authenticate_start(
        crypto_wallet_type="ethereum", crypto_wallet_address=wallet.address, siwe_params=SIWE
    )
    assert started.challenge.startswith(
        f"app.example.com wants you to sign in with your Ethereum account:\n{wallet.address}\n"
    )
    assert (
        "URI: https://app.example.com/login" in started.challenge and "Expiration Time: " in started.challenge
    )
    signed_in = client.crypto_wallets.authenticate(
        crypto_wallet_type="ethereum",
        crypto_wallet_address=wallet.address,
        signature=wallet.sign(started.challenge),
    )
    assert signed_in.siwe_params is not None
    assert (signed_in.siwe_params.domain, signed_in.siwe_params.uri, signed_in.siwe_params.chain_id) == (
        SIWE["domain"],
        SIWE["uri"],
        "1",
    )
    assert signed_in.siwe_params.resources == SIWE["resources"]

    later = datetime.now(UTC) + timedelta(hours=1)
    early = client.crypto_wallets.authenticate_start(
        crypto_wallet_type="ethereum",
        crypto_wallet_address=wallet.address,
        siwe_params={**SIWE, "not_before": later.isoformat()},
    )
    assert (
        error_type(
            lambda: client.crypto_wallets.authenticate(
                crypto_wallet_type="ethereum",
                crypto_wallet_address=wallet.address,
                signature=wallet.sign(early.challenge),
            )
        )
        == "siwe_message_not_valid_yet"
    )
    assert (
        error_type(
            lambda: client.crypto_wallets.authenticate_start(
                crypto_wallet_type="ethereum",
                crypto_wallet_address=wallet.address,
                siwe_params={**SIWE, "chain_id": "0"},
            )
        )
        == "invalid_siwe_chain_id"
    )
    assert (
        error_type(
            lambda: client.crypto_wallets.authenticate_start(
                crypto_wallet_type="ethereum",
                crypto_wallet_address=wallet.address,
                siwe_params={**SIWE, "statement": "two\nlines"},
            )
        )
        == "invalid_siwe_statement"
    )


def test_an_expired_siwe_message_is_refused(client: stytch.Client, server: KeystileServer) -> None:
    """A SIWE message signed after its Expiration Time (its challenge's lifetime, moved into the past
    in the database rather than slept through) answers siwe_message_expired, and signs nobody in."""
    wallet = EthereumWallet.new()
    started = client.crypto_wallets.authenticate_start(
        crypto_wallet_type="ethereum", crypto_wallet_address=wallet.address, siwe_params=SIWE
    )

    def expire(db: AsyncSession) -> Awaitable[object]:
        return db.execute(
            update(CryptoWalletChallenge)
            .where(CryptoWalletChallenge.user_id == started.user_id)
            .values(expires_at=SystemClock().now() - timedelta(seconds=1))
        )

    run_in_transaction(Settings(database_url=server.database_url), expire)
    assert (
        error_type(
            lambda: client.crypto_wallets.authenticate(
                crypto_wallet_type="ethereum",
                crypto_wallet_address=wallet.address,
                signature=wallet.sign(started.challenge),
            )
        )
        == "siwe_message_expired"
    )
    assert sessions_of(client, started.user_id) == 0


def test_solana_wallet_as_a_second_factor(client: stytch.Client) -> None:
    wallet = SolanaWallet.new()
    first = client.passwords.create(
        email=f"wallet-{uuid.uuid4().hex[:8]}@example.com",
        password="correct horse battery staple 42!",
        session_duration_minutes=60,
    )
    other = client.users.create(email=f"other-{uuid.uuid4().hex[:8]}@example.com")
    started = client.crypto_wallets.authenticate_start(
        crypto_wallet_type="solana", crypto_wallet_address=wallet.address, user_id=first.user_id
    )
    assert (started.user_id, started.user_created) == (first.user_id, False)
    assert (
        error_type(
            lambda: client.crypto_wallets.authenticate(
                crypto_wallet_type="solana",
                crypto_wallet_address=wallet.address,
                signature=SolanaWallet.new().sign(started.challenge),
            )
        )
        == "unable_to_authenticate_crypto_wallet"
    )
    started = client.crypto_wallets.authenticate_start(
        crypto_wallet_type="solana", crypto_wallet_address=wallet.address
    )
    upgraded = client.crypto_wallets.authenticate(
        crypto_wallet_type="solana",
        crypto_wallet_address=wallet.address,
        signature=wallet.sign(started.challenge),
        session_token=first.session_token,
    )
    assert upgraded.session is not None
    assert {f.type for f in upgraded.session.authentication_factors} == {"password", "crypto"}
    assert [w.crypto_wallet_type for w in client.users.get(user_id=first.user_id).crypto_wallets] == [
        "solana"
    ]

    refusals = {
        "invalid_wallet_address_user": dict(
            crypto_wallet_type="solana", crypto_wallet_address=wallet.address, user_id=other.user_id
        ),
        "crypto_wallet_type_incompatible_with_siwe": dict(
            crypto_wallet_type="solana", crypto_wallet_address=wallet.address, siwe_params=SIWE
        ),
        "invalid_solana_address": dict(crypto_wallet_type="solana", crypto_wallet_address="0OIl"),
        "invalid_ethereum_address": dict(crypto_wallet_type="ethereum", crypto_wallet_address="0x1234"),
        "invalid_wallet_type": dict(crypto_wallet_type="bitcoin", crypto_wallet_address=wallet.address),
    }
    for expected, arguments in refusals.items():
        assert error_type(lambda a=arguments: client.crypto_wallets.authenticate_start(**a)) == expected, (
            expected
        )
    assert (
        error_type(
            lambda: client.crypto_wallets.authenticate(
                crypto_wallet_type="solana", crypto_wallet_address=SolanaWallet.new().address, signature="x"
            )
        )
        == "crypto_wallet_not_found"
    )
