"""Real wallet keys for the crypto-wallet tests: Ethereum accounts (eth-account) signing EIP-191
personal messages, and Solana ed25519 keys (PyNaCl) with base58 addresses and signatures."""

from __future__ import annotations

from dataclasses import dataclass

import base58
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from nacl.signing import SigningKey


@dataclass
class EthereumWallet:
    account: LocalAccount

    @classmethod
    def new(cls) -> EthereumWallet:
        return cls(Account.create())

    @property
    def address(self) -> str:
        return str(self.account.address)

    def sign(self, message: str) -> str:
        return "0x" + bytes(self.account.sign_message(encode_defunct(text=message)).signature).hex()


@dataclass
class SolanaWallet:
    key: SigningKey

    @classmethod
    def new(cls) -> SolanaWallet:
        return cls(SigningKey.generate())

    @property
    def address(self) -> str:
        return base58.b58encode(bytes(self.key.verify_key)).decode()

    def sign(self, message: str) -> str:
        return base58.b58encode(self.key.sign(message.encode()).signature).decode()
