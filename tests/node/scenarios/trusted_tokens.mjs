// sessions.attest with a trusted auth token minted by the Python test (TRUSTED_TOKEN, PROFILE_ID),
// then its replay. Asserted on by tests/sdk/test_node_trusted_tokens.py.

export default async function trustedTokens({ client, env, step, expectError }) {
  await step("user", () => client.users.create({ email: "node-attested@example.com" }));
  const attested = await step("attest", () =>
    client.sessions.attest({
      profile_id: env.PROFILE_ID,
      token: env.TRUSTED_TOKEN,
      session_duration_minutes: 30,
    }),
  );
  await step("authenticate", () =>
    client.sessions.authenticate({ session_token: attested.session_token }),
  );
  await expectError("replay", () =>
    client.sessions.attest({ profile_id: env.PROFILE_ID, token: env.TRUSTED_TOKEN }),
  );
}
