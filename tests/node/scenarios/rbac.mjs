// RBAC through the Node SDK's B2BClient: the project's policy and an organization's custom roles
// (RBAC_ORGANIZATION). Asserted on by tests/sdk/test_rbac_policy.py.

export default async function ({ stytch, env, step, expectError }) {
  const client = new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
  const organization_id = env.RBAC_ORGANIZATION;
  await step("policy", () => client.rbac.policy());
  await step("org_policy", () => client.rbac.organizations.getOrgPolicy({ organization_id }));
  await expectError("set_clashing_role", () =>
    client.rbac.organizations.setOrgPolicy({
      organization_id,
      org_policy: { roles: [{ role_id: "editor", description: "", permissions: [] }] },
    }),
  );
}
