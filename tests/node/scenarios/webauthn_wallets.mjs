// WebAuthn options and refusals, and a Solana wallet signing in with a real ed25519 key (node:crypto),
// through the Node SDK. Asserted on by tests/sdk/test_node_webauthn_wallets.py.

import { generateKeyPairSync, sign } from "node:crypto";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

// Base58 (Bitcoin alphabet), as Solana writes keys and signatures.
function base58(bytes) {
  let value = BigInt(`0x${Buffer.from(bytes).toString("hex") || "0"}`);
  let text = "";
  while (value > 0n) {
    text = ALPHABET[Number(value % 58n)] + text;
    value /= 58n;
  }
  for (const byte of bytes) {
    if (byte !== 0) break;
    text = `1${text}`;
  }
  return text;
}

export default async function webauthnWallets({ client, step, expectError, env }) {
  const user = await step("user", () => client.users.create({ email: "node-passkey@example.com" }));
  await expectError("register_start_unlisted", () =>
    client.webauthn.registerStart({ user_id: user.user_id, domain: "elsewhere.example" }),
  );
  await step("register_start", () =>
    client.webauthn.registerStart({
      user_id: user.user_id,
      domain: env.WEBAUTHN_DOMAIN,
      return_passkey_credential_options: true,
      use_base64_url_encoding: true,
    }),
  );
  await step("authenticate_start", () =>
    client.webauthn.authenticateStart({ domain: env.WEBAUTHN_DOMAIN, use_base64_url_encoding: true }),
  );
  await expectError("register_garbage", () =>
    client.webauthn.register({ user_id: user.user_id, public_key_credential: "{}" }),
  );
  await step("list_credentials", () =>
    client.webauthn.listCredentials({ user_id: user.user_id, domain: env.WEBAUTHN_DOMAIN }),
  );
  await expectError("update_unknown", () =>
    client.webauthn.update({ webauthn_registration_id: `webauthn-registration-test-${UNKNOWN}`, name: "x" }),
  );
  await expectError("delete_registration_unknown", () =>
    client.users.deleteWebAuthnRegistration({
      webauthn_registration_id: `webauthn-registration-test-${UNKNOWN}`,
    }),
  );

  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const address = base58(Buffer.from(publicKey.export({ format: "jwk" }).x, "base64url"));
  const started = await step("wallet_start", () =>
    client.cryptoWallets.authenticateStart({ crypto_wallet_type: "solana", crypto_wallet_address: address }),
  );
  const signature = base58(sign(null, Buffer.from(started.challenge), privateKey));
  const signedIn = await step("wallet_authenticate", () =>
    client.cryptoWallets.authenticate({
      crypto_wallet_type: "solana",
      crypto_wallet_address: address,
      signature,
      session_duration_minutes: 60,
    }),
  );
  await expectError("wallet_replay", () =>
    client.cryptoWallets.authenticate({ crypto_wallet_type: "solana", crypto_wallet_address: address, signature }),
  );
  await step("delete_wallet", () =>
    client.users.deleteCryptoWallet({ crypto_wallet_id: signedIn.user.crypto_wallets[0].crypto_wallet_id }),
  );
}
