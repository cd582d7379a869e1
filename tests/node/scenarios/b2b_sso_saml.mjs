// An organization's SAML connection through the Node SDK's B2BClient: created, completed from the IdP's
// metadata URL and an attribute mapping, listed; then sso.authenticate with the SSO token of a login the
// Python test walked through the IdP, and the same token again.
//   ORGANIZATION_ID=...  METADATA_URL=...  SSO_TOKEN=...
// Asserted on by tests/sdk/test_b2b_sso_saml.py::test_node_sdk.

export default async function ({ stytch, env, step, expectError }) {
  const client = new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
  const organization_id = env.ORGANIZATION_ID;
  const created = await step("create", () =>
    client.sso.saml.createConnection({ organization_id, display_name: "Node IdP", identity_provider: "okta" }),
  );
  const connection_id = created.connection.connection_id;
  await step("update_by_url", () =>
    client.sso.saml.updateByURL({ organization_id, connection_id, metadata_url: env.METADATA_URL }),
  );
  await step("update", () =>
    client.sso.saml.updateConnection({
      organization_id,
      connection_id,
      attribute_mapping: { email: "email", first_name: "firstName", last_name: "lastName" },
    }),
  );
  await step("list", () => client.sso.getConnections({ organization_id }));
  await step("authenticate", () => client.sso.authenticate({ sso_token: env.SSO_TOKEN, session_duration_minutes: 30 }));
  await expectError("again", () => client.sso.authenticate({ sso_token: env.SSO_TOKEN }));
}
