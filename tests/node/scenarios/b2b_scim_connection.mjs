// An organization's SCIM connection through the Node SDK's B2BClient: created (the bearer token shown
// once), read back by its last four characters, a second one refused.
//   B2B_DOMAIN=...   a fresh name for the organization
// Asserted on by tests/sdk/test_node_b2b.py::test_b2b_scim_connection.

export default async function ({ stytch, env, step, expectError }) {
  const client = new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
  const created = await step("organization_create", () =>
    client.organizations.create({ organization_name: env.B2B_DOMAIN }),
  );
  const organization_id = created.organization.organization_id;
  await step("get_none", () => client.scim.connection.get({ organization_id }));
  await step("create", () =>
    client.scim.connection.create({ organization_id, display_name: "Okta", identity_provider: "okta" }),
  );
  await step("get", () => client.scim.connection.get({ organization_id }));
  await expectError("create_again", () => client.scim.connection.create({ organization_id }));
}
