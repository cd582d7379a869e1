"""Web3 wallets: Ethereum (EIP-191 messages or Sign-In with Ethereum, via eth-account and siwe) and
Solana (ed25519, via PyNaCl), each proving its address by signing a single-use challenge."""

from keystile.factors.crypto_wallets.models import CryptoWallet, CryptoWalletChallenge
from keystile.factors.crypto_wallets.profile import CRYPTO_WALLETS
from keystile.identity.detach import Detachable, register_detachable
from keystile.identity.profile import register_user_data

register_user_data(owned=(CryptoWallet, CryptoWalletChallenge), parts=(CRYPTO_WALLETS,))
register_detachable(Detachable("crypto_wallet", CryptoWallet, "crypto_wallet_id", "crypto_wallet_not_found"))
