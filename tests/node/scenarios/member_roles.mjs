// Members' roles through the Node SDK's B2BClient: an organization assigning `editor` to its domain's
// addresses (RBAC_DOMAIN), a member created with `stytch_admin` explicitly (both listed with their
// sources), and a member with a role id the policy does not define (refused). The project's policy
// (defining `editor`) comes from Python. Asserted on by tests/sdk/test_b2b_member_roles.py.

export default async function ({ stytch, env, step, expectError }) {
  const client = new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
  const domain = env.RBAC_DOMAIN;
  const created = await step("organization_create", () =>
    client.organizations.create({
      organization_name: domain,
      rbac_email_implicit_role_assignments: [{ domain, role_id: "editor" }],
    }),
  );
  const organization_id = created.organization.organization_id;
  const member = await step("member_create", () =>
    client.organizations.members.create({
      organization_id,
      email_address: `ada@${domain}`,
      roles: ["stytch_admin"],
    }),
  );
  await step("member_get", () =>
    client.organizations.members.get({ organization_id, member_id: member.member_id }),
  );
  await expectError("unknown_role", () =>
    client.organizations.members.create({
      organization_id,
      email_address: `ghost@${domain}`,
      roles: ["ghost"],
    }),
  );
}
