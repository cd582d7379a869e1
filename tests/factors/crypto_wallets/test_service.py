"""The crypto-wallet service in process: a signed message is good only until its challenge expires
(an EIP-4361 message then answers siwe_message_expired), and only once."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta

from keystile.factors.crypto_wallets import service
from keystile.factors.crypto_wallets.signatures import SiweRequest
from keystile.sessions.keys import KeyRing
from keystile.sessions.types import SessionRequest
from tests.support.services import NOW, Sessions, call_for, refusal, within
from tests.support.wallets import EthereumWallet

SIWE = SiweRequest(
    domain="app.example.com",
    uri="https://app.example.com/login",
    resources=[],
    chain_id=None,
    statement="Sign in to the example app",
    issued_at=NOW,
    not_before=None,
    request_id=None,
)


async def test_a_signed_message_expires_with_its_challenge(
    db_sessions: Sessions, keys: KeyRing, project_id: str
) -> None:
    wallet = EthereumWallet.new()

    async def start(siwe: SiweRequest | None) -> str:
        started = await within(
            db_sessions,
            lambda db: service.authenticate_start(
                call_for(db, project_id, keys),
                wallet_type="ethereum",
                address=wallet.address,
                user_id=None,
                siwe=siwe,
            ),
        )
        return started.challenge

    def authenticate(challenge: str, minutes: int) -> Awaitable[service.WalletAuthenticated]:
        return within(
            db_sessions,
            lambda db: service.authenticate(
                call_for(db, project_id, keys, now=NOW + timedelta(minutes=minutes)),
                wallet_type="ethereum",
                address=wallet.address,
                signature=wallet.sign(challenge),
                session_request=SessionRequest(),
            ),
        )

    assert await refusal(authenticate(await start(SIWE), 6)) == "siwe_message_expired"
    assert await refusal(authenticate(await start(None), 6)) == "unable_to_authenticate_crypto_wallet"
    message = await start(SIWE)
    assert "Statement" not in message and "Sign in to the example app" in message
    signed_in = await authenticate(message, 4)
    assert signed_in.siwe_params is not None and signed_in.siwe_params["domain"] == "app.example.com"
    assert await refusal(authenticate(message, 4)) == "unable_to_authenticate_crypto_wallet"
