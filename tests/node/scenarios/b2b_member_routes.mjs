// The smaller B2B organization and member routes through the Node SDK's B2BClient: organization
// metrics, external ids cleared, and a member's MFA phone number, TOTP and password deleted.
//   B2B_DOMAIN=...   a fresh email domain for the organization's members
// Asserted on by tests/sdk/test_node_b2b.py::test_b2b_member_routes.

export default async function ({ stytch, env, step, expectError }) {
  const client = new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
  const domain = env.B2B_DOMAIN;
  const created = await step("organization_create", () =>
    client.organizations.create({ organization_name: domain, organization_external_id: `ext-${domain}` }),
  );
  const organization_id = created.organization.organization_id;
  const member = await step("member_create", () =>
    client.organizations.members.create({
      organization_id,
      email_address: `ada@${domain}`,
      external_id: "ada-ext",
      mfa_phone_number: "+12025550123",
    }),
  );
  const member_id = member.member_id;
  await step("metrics", () => client.organizations.metrics({ organization_id }));
  await step("organization_delete_external_id", () =>
    client.organizations.deleteExternalId({ organization_id }),
  );
  await step("member_delete_external_id", () =>
    client.organizations.members.deleteExternalId({ organization_id, member_id }),
  );
  await step("delete_mfa_phone_number", () =>
    client.organizations.members.deleteMFAPhoneNumber({ organization_id, member_id }),
  );
  await expectError("delete_mfa_phone_number_again", () =>
    client.organizations.members.deleteMFAPhoneNumber({ organization_id, member_id }),
  );
  await expectError("delete_totp", () => client.organizations.members.deleteTOTP({ organization_id, member_id }));
  await expectError("delete_password", () =>
    client.organizations.members.deletePassword({
      organization_id,
      member_password_id: "member-password-test-00000000-0000-4000-8000-000000000000",
    }),
  );
  await expectError("metrics_unknown", () =>
    client.organizations.metrics({ organization_id: "organization-test-00000000-0000-4000-8000-000000000000" }),
  );
}
