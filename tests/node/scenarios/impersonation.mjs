// impersonation.authenticate with a token the Python test minted (IMPERSONATION_TOKEN), then again.
// Asserted on by tests/sdk/test_node_impersonation.py.

export default async function impersonation({ client, env, step, expectError }) {
  await step("authenticate", () =>
    client.impersonation.authenticate({ impersonation_token: env.IMPERSONATION_TOKEN }),
  );
  await expectError("again", () =>
    client.impersonation.authenticate({ impersonation_token: env.IMPERSONATION_TOKEN }),
  );
}
