// B2B email passcodes and TOTP through the Node SDK's B2BClient, in phases (Python reads the codes
// from the SMTP sink, and computes TOTP codes, in between):
//   B2B_PHASE=email_send              B2B_ORG, B2B_EMAIL: otps.email.loginOrSignup
//   B2B_PHASE=email_authenticate      B2B_ORG, B2B_EMAIL, B2B_CODE, B2B_WRONG: otps.email.authenticate
//                                     (the wrong code refused, then the right one)
//   B2B_PHASE=discovery_send          B2B_EMAIL: otps.email.discovery.send
//   B2B_PHASE=discovery_authenticate  B2B_EMAIL, B2B_CODE, B2B_ORG: otps.email.discovery.authenticate,
//                                     then the intermediate session exchanged into the organization
//   B2B_PHASE=totp_create             B2B_ORG, B2B_MEMBER, B2B_IST: totps.create on the member's
//                                     intermediate session
//   B2B_PHASE=totp_authenticate       B2B_ORG, B2B_MEMBER, B2B_IST, B2B_CODE, B2B_WRONG, B2B_NEXT_CODE:
//                                     totps.authenticate (wrong, right, then the used-up session again)
// Asserted on by tests/sdk/test_node_b2b_factors.py.

function b2bClient({ stytch, env }) {
  return new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
}

async function emailSend(ctx) {
  const { env } = ctx;
  await ctx.step("login_or_signup", () =>
    b2bClient(ctx).otps.email.loginOrSignup({ organization_id: env.B2B_ORG, email_address: env.B2B_EMAIL }),
  );
}

async function emailAuthenticate(ctx) {
  const { env, step, expectError } = ctx;
  const client = b2bClient(ctx);
  const login = { organization_id: env.B2B_ORG, email_address: env.B2B_EMAIL };
  await expectError("authenticate_wrong", () => client.otps.email.authenticate({ ...login, code: env.B2B_WRONG }));
  await step("authenticate", () => client.otps.email.authenticate({ ...login, code: env.B2B_CODE }));
}

async function discoverySend(ctx) {
  await ctx.step("discovery_send", () =>
    b2bClient(ctx).otps.email.discovery.send({ email_address: ctx.env.B2B_EMAIL }),
  );
}

async function discoveryAuthenticate(ctx) {
  const { env, step } = ctx;
  const client = b2bClient(ctx);
  const found = await step("discovery_authenticate", () =>
    client.otps.email.discovery.authenticate({ email_address: env.B2B_EMAIL, code: env.B2B_CODE }),
  );
  await step("exchange", () =>
    client.discovery.intermediateSessions.exchange({
      intermediate_session_token: found.intermediate_session_token,
      organization_id: env.B2B_ORG,
    }),
  );
}

async function totpCreate(ctx) {
  const { env } = ctx;
  await ctx.step("totp_create", () =>
    b2bClient(ctx).totps.create({
      organization_id: env.B2B_ORG,
      member_id: env.B2B_MEMBER,
      intermediate_session_token: env.B2B_IST,
    }),
  );
}

async function totpAuthenticate(ctx) {
  const { env, step, expectError } = ctx;
  const client = b2bClient(ctx);
  const mfa = { organization_id: env.B2B_ORG, member_id: env.B2B_MEMBER, intermediate_session_token: env.B2B_IST };
  await expectError("totp_wrong", () => client.totps.authenticate({ ...mfa, code: env.B2B_WRONG }));
  await step("totp_authenticate", () => client.totps.authenticate({ ...mfa, code: env.B2B_CODE }));
  await expectError("totp_again", () => client.totps.authenticate({ ...mfa, code: env.B2B_NEXT_CODE }));
}

const PHASES = {
  email_send: emailSend,
  email_authenticate: emailAuthenticate,
  discovery_send: discoverySend,
  discovery_authenticate: discoveryAuthenticate,
  totp_create: totpCreate,
  totp_authenticate: totpAuthenticate,
};

export default async function b2bPasscodeRoutes(ctx) {
  const phase = PHASES[ctx.env.B2B_PHASE];
  if (!phase) throw new Error(`B2B_PHASE must be one of ${Object.keys(PHASES).join(", ")}`);
  await phase(ctx);
}
