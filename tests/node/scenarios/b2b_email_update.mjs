// A member's email update through the Node SDK's B2BClient, in two phases around the magic link the
// Python test redeems: B2B_PHASE=start startEmailUpdate (the new address B2B_NEW, once taken by
// B2B_TAKEN refused), B2B_PHASE=unlink unlinkRetiredEmail (an unknown email id refused, then the
// retired B2B_OLD by address). B2B_ORG and B2B_MEMBER name the member.
// Asserted on by tests/sdk/test_node_b2b.py::test_b2b_email_update.

const UNKNOWN_EMAIL_ID = "member-email-test-00000000-0000-4000-8000-000000000000";

export default async function ({ stytch, env, step, expectError }) {
  const client = new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
  const member = { organization_id: env.B2B_ORG, member_id: env.B2B_MEMBER };
  if (env.B2B_PHASE === "start") {
    await expectError("start_taken", () =>
      client.organizations.members.startEmailUpdate({ ...member, email_address: env.B2B_TAKEN }),
    );
    await step("start", () =>
      client.organizations.members.startEmailUpdate({ ...member, email_address: env.B2B_NEW }),
    );
    return;
  }
  await expectError("unlink_unknown", () =>
    client.organizations.members.unlinkRetiredEmail({ ...member, email_id: UNKNOWN_EMAIL_ID }),
  );
  await step("unlink", () =>
    client.organizations.members.unlinkRetiredEmail({ ...member, email_address: env.B2B_OLD }),
  );
}
