// B2B passwords through the Node SDK's B2BClient, in phases because the reset link arrives by mail,
// which Python reads in between:
//   B2B_PHASE=start  B2B_DOMAIN, B2B_EMAIL: organization and member -> strengthCheck ->
//                    passwords.email.resetStart
//   B2B_PHASE=reset  B2B_ORG, B2B_EMAIL, B2B_TOKEN, B2B_PASSWORD: passwords.email.reset -> the token again
//                    (refused) -> passwords.authenticate (wrong, then right) -> gate by token
// Asserted on by tests/sdk/test_node_b2b.py::test_b2b_password_flow.

function b2bClient({ stytch, env }) {
  return new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
}

async function start(ctx) {
  const { env, step } = ctx;
  const client = b2bClient(ctx);
  const created = await step("organization_create", () =>
    client.organizations.create({ organization_name: env.B2B_DOMAIN, organization_slug: env.B2B_DOMAIN }),
  );
  const organization_id = created.organization.organization_id;
  await step("member_create", () =>
    client.organizations.members.create({ organization_id, email_address: env.B2B_EMAIL }),
  );
  await step("strength_check", () => client.passwords.strengthCheck({ password: "password" }));
  await step("reset_start", () =>
    client.passwords.email.resetStart({ organization_id, email_address: env.B2B_EMAIL }),
  );
}

async function reset(ctx) {
  const { env, step, expectError } = ctx;
  const client = b2bClient(ctx);
  const token = env.B2B_TOKEN;
  await step("reset", () =>
    client.passwords.email.reset({ password_reset_token: token, password: env.B2B_PASSWORD }),
  );
  await expectError("reset_again", () =>
    client.passwords.email.reset({ password_reset_token: token, password: env.B2B_PASSWORD }),
  );
  const login = { organization_id: env.B2B_ORG, email_address: env.B2B_EMAIL };
  await expectError("authenticate_wrong", () =>
    client.passwords.authenticate({ ...login, password: `${env.B2B_PASSWORD}!` }),
  );
  const auth = await step("authenticate", () =>
    client.passwords.authenticate({ ...login, password: env.B2B_PASSWORD, session_duration_minutes: 30 }),
  );
  await step("session", () => client.sessions.authenticate({ session_token: auth.session_token }));
}

const PHASES = { start, reset };

export default async function b2bPasswordFlow(ctx) {
  const phase = PHASES[ctx.env.B2B_PHASE];
  if (!phase) throw new Error(`B2B_PHASE must be one of ${Object.keys(PHASES).join(", ")}`);
  await phase(ctx);
}
