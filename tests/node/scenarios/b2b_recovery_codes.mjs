// TOTP migration and recovery codes through the Node SDK's B2BClient:
//   B2B_ORG, B2B_MEMBER, B2B_SECRET, B2B_CODES (comma-separated), B2B_TOKEN (an organization magic link
//   of the member, whose organization requires MFA): totps.migrate, recoveryCodes.get and rotate (the
//   migrated codes stop working), then the magic link's intermediate session completed by a rotated
//   recovery code, which is then used up.
// Asserted on by tests/sdk/test_node_b2b.py::test_b2b_recovery_codes.

export default async function ({ stytch, env, step, expectError }) {
  const client = new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
  const organization_id = env.B2B_ORG;
  const member_id = env.B2B_MEMBER;
  const migrated_codes = env.B2B_CODES.split(",");
  await step("totp_migrate", () =>
    client.totps.migrate({ organization_id, member_id, secret: env.B2B_SECRET, recovery_codes: migrated_codes }),
  );
  await step("get", () => client.recoveryCodes.get({ organization_id, member_id }));
  const rotated = await step("rotate", () => client.recoveryCodes.rotate({ organization_id, member_id }));
  await step("get_rotated", () => client.recoveryCodes.get({ organization_id, member_id }));
  const primary = await step("authenticate", () =>
    client.magicLinks.authenticate({ magic_links_token: env.B2B_TOKEN }),
  );
  const ist = primary.intermediate_session_token;
  await expectError("recover_migrated", () =>
    client.recoveryCodes.recover({
      organization_id,
      member_id,
      recovery_code: migrated_codes[0],
      intermediate_session_token: ist,
    }),
  );
  await step("recover", () =>
    client.recoveryCodes.recover({
      organization_id,
      member_id,
      recovery_code: rotated.recovery_codes[0],
      intermediate_session_token: ist,
    }),
  );
  await expectError("get_unknown_member", () =>
    client.recoveryCodes.get({ organization_id, member_id: "member-test-00000000-0000-4000-8000-000000000000" }),
  );
}
