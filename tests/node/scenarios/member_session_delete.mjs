// A member delete made with a member's session through the Node SDK's method options: refused for a
// stytch_member (PLAIN_TOKEN), allowed for a stytch_admin (ADMIN_JWT). Asserted on by
// tests/sdk/test_b2b_member_session_authorization.py.

export default async function ({ stytch, env, step, expectError }) {
  const client = new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
  const target = { organization_id: env.ORGANIZATION, member_id: env.VICTIM };
  await expectError("member_refused", () =>
    client.organizations.members.delete(target, { authorization: { session_token: env.PLAIN_TOKEN } }),
  );
  await step("still_there", () => client.organizations.members.get(target));
  await step("admin_allowed", () =>
    client.organizations.members.delete(target, { authorization: { session_jwt: env.ADMIN_JWT } }),
  );
}
