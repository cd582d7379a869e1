// An organization's OIDC connection through the Node SDK's B2BClient: created, completed from the
// issuer's discovery document, listed; then sso.authenticate with the SSO token of a login the Python
// test walked through the provider, and the same token again.
//   ORGANIZATION_ID=...  ISSUER=...  SSO_TOKEN=...
// Asserted on by tests/sdk/test_b2b_sso_oidc.py::test_node_sdk.

export default async function ({ stytch, env, step, expectError }) {
  const client = new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
  const organization_id = env.ORGANIZATION_ID;
  const created = await step("create", () =>
    client.sso.oidc.createConnection({ organization_id, display_name: "Node IdP", identity_provider: "okta" }),
  );
  const connection_id = created.connection.connection_id;
  await step("update", () =>
    client.sso.oidc.updateConnection({
      organization_id,
      connection_id,
      issuer: env.ISSUER,
      client_id: "node-client",
      client_secret: "node-secret",
    }),
  );
  await step("list", () => client.sso.getConnections({ organization_id }));
  await step("authenticate", () => client.sso.authenticate({ sso_token: env.SSO_TOKEN, session_duration_minutes: 30 }));
  await expectError("again", () => client.sso.authenticate({ sso_token: env.SSO_TOKEN }));
}
