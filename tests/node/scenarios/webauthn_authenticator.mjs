// A software authenticator made with WebCrypto (one ES256 credential, attestation format "none")
// registers and signs in through the Node SDK; a replayed assertion and a decreased signature counter
// are refused. Asserted on by tests/sdk/test_node_webauthn_authenticator.py.

const { subtle } = globalThis.crypto;
const encoder = new TextEncoder();

// The CBOR (RFC 8949) the attestation needs: unsigned and negative integers, byte and text strings, maps.
function cbor(value) {
  const head = (major, length) => {
    if (length < 24) return [(major << 5) | length];
    if (length < 0x100) return [(major << 5) | 24, length];
    return [(major << 5) | 25, length >> 8, length & 0xff];
  };
  if (typeof value === "number") return Buffer.from(value >= 0 ? head(0, value) : head(1, -1 - value));
  if (typeof value === "string") {
    const text = encoder.encode(value);
    return Buffer.concat([Buffer.from(head(3, text.length)), text]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([Buffer.from(head(2, value.length)), value]);
  const entries = value instanceof Map ? [...value] : Object.entries(value);
  return Buffer.concat([Buffer.from(head(5, entries.length)), ...entries.flat().map(cbor)]);
}

// WebCrypto signs ECDSA as r || s; WebAuthn carries the ASN.1 DER SEQUENCE of two INTEGERs.
function der(signature) {
  const integer = (bytes) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
    const trimmed = bytes.subarray(start);
    const body = trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
    return Buffer.concat([Buffer.from([0x02, body.length]), body]);
  };
  const bytes = Buffer.from(signature);
  const body = Buffer.concat([integer(bytes.subarray(0, 32)), integer(bytes.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

const sha256 = async (data) => Buffer.from(await subtle.digest("SHA-256", data));
const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
const counterBytes = (count) => Buffer.from([count >>> 24, (count >>> 16) & 0xff, (count >>> 8) & 0xff, count & 0xff]);

async function softwareAuthenticator(rpId) {
  const keys = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const jwk = await subtle.exportKey("jwk", keys.publicKey);
  const credentialId = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const rpIdHash = await sha256(encoder.encode(rpId));
  const origin = `https://${rpId}`;
  const clientData = (type, challenge) => Buffer.from(JSON.stringify({ type, challenge, origin }));
  const credential = (response) =>
    JSON.stringify({ id: b64url(credentialId), rawId: b64url(credentialId), type: "public-key", response });
  return {
    attestation(challenge) {
      const coseKey = new Map([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x, "base64url")],
        [-3, Buffer.from(jwk.y, "base64url")],
      ]);
      const authData = Buffer.concat([
        rpIdHash,
        Buffer.from([0x41]), // user present, attested credential data
        counterBytes(0),
        Buffer.alloc(16), // AAGUID
        Buffer.from([0, credentialId.length]),
        credentialId,
        cbor(coseKey),
      ]);
      const attestationObject = cbor({ fmt: "none", attStmt: {}, authData });
      return credential({
        clientDataJSON: b64url(clientData("webauthn.create", challenge)),
        attestationObject: b64url(attestationObject),
      });
    },
    async assertion(challenge, count) {
      const clientDataJSON = clientData("webauthn.get", challenge);
      const authData = Buffer.concat([rpIdHash, Buffer.from([0x01]), counterBytes(count)]);
      const signed = Buffer.concat([authData, await sha256(clientDataJSON)]);
      const signature = await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, keys.privateKey, signed);
      return credential({
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(der(signature)),
      });
    },
  };
}

export default async function webauthnAuthenticator({ client, step, expectError, env }) {
  const domain = env.WEBAUTHN_DOMAIN;
  const authenticator = await softwareAuthenticator(domain);
  const challengeOf = (options) => JSON.parse(options).challenge;
  const user = await step("user", () => client.users.create({ email: "node-authenticator@example.com" }));
  const creation = await step("register_start", () =>
    client.webauthn.registerStart({ user_id: user.user_id, domain, use_base64_url_encoding: true }),
  );
  await step("register", () =>
    client.webauthn.register({
      user_id: user.user_id,
      public_key_credential: authenticator.attestation(challengeOf(creation.public_key_credential_creation_options)),
    }),
  );
  const challenge = async () =>
    challengeOf(
      (await client.webauthn.authenticateStart({ user_id: user.user_id, domain, use_base64_url_encoding: true }))
        .public_key_credential_request_options,
    );
  const assertion = await authenticator.assertion(await challenge(), 5);
  await step("authenticate", () =>
    client.webauthn.authenticate({ public_key_credential: assertion, session_duration_minutes: 60 }),
  );
  await expectError("replayed", () =>
    client.webauthn.authenticate({ public_key_credential: assertion, session_duration_minutes: 60 }),
  );
  const lower = await authenticator.assertion(await challenge(), 4);
  await expectError("decreased_counter", () =>
    client.webauthn.authenticate({ public_key_credential: lower, session_duration_minutes: 60 }),
  );
  await step("sessions", () => client.sessions.get({ user_id: user.user_id }));
}
