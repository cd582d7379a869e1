// An organization that requires MFA, through the Node SDK's B2BClient, in two phases (Python reads
// the magic link from the SMTP sink and the passcode from the SMS sink between them):
//   B2B_PHASE=start   B2B_TOKEN, B2B_ORG, B2B_MEMBER, B2B_PHONE: the magic link gives an intermediate
//                     session, and an SMS passcode is sent to the new MFA phone number
//   B2B_PHASE=finish  B2B_IST, B2B_ORG, B2B_MEMBER, B2B_CODE: the passcode completes the member session
// Asserted on by tests/sdk/test_node_b2b.py::test_b2b_mfa_flow.

export default async function ({ stytch, env, step, expectError }) {
  const client = new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
  const organization_id = env.B2B_ORG;
  const member_id = env.B2B_MEMBER;
  if (env.B2B_PHASE === "start") {
    const primary = await step("authenticate", () =>
      client.magicLinks.authenticate({ magic_links_token: env.B2B_TOKEN }),
    );
    await expectError("sms_authenticate_alone", () =>
      client.otps.sms.authenticate({ organization_id, member_id, code: "000000" }),
    );
    await step("sms_send", () =>
      client.otps.sms.send({
        organization_id,
        member_id,
        mfa_phone_number: env.B2B_PHONE,
        intermediate_session_token: primary.intermediate_session_token,
      }),
    );
    return;
  }
  const done = await step("sms_authenticate", () =>
    client.otps.sms.authenticate({
      organization_id,
      member_id,
      code: env.B2B_CODE,
      intermediate_session_token: env.B2B_IST,
    }),
  );
  await step("session", () => client.sessions.authenticate({ session_token: done.session_token }));
  await expectError("sms_authenticate_again", () =>
    client.otps.sms.authenticate({
      organization_id,
      member_id,
      code: env.B2B_CODE,
      intermediate_session_token: env.B2B_IST,
    }),
  );
}
