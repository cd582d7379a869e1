// The B2B password routes b2b_password_flow does not drive, through the Node SDK's B2BClient, in
// phases (Python enables cross-organization passwords and reads the reset mail in between):
//   B2B_PHASE=organization  B2B_ORG, B2B_EMAIL, B2B_MIGRATE (the JSON of a hash to migrate), B2B_PASSWORD,
//                           B2B_NEW_PASSWORD, B2B_NEWER_PASSWORD: passwords.migrate -> authenticate ->
//                           existingPassword.reset (wrong existing password refused, then right) ->
//                           sessions.reset -> authenticate with each password
//   B2B_PHASE=discovery_start  B2B_EMAIL: passwords.discovery.email.resetStart
//   B2B_PHASE=discovery_reset  B2B_EMAIL, B2B_TOKEN, B2B_PASSWORD: passwords.discovery.email.reset ->
//                              the token again (refused) -> passwords.discovery.authenticate (wrong,
//                              then right)
// Asserted on by tests/sdk/test_node_b2b_factors.py.

function b2bClient({ stytch, env }) {
  return new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
}

async function organization(ctx) {
  const { env, step, expectError } = ctx;
  const client = b2bClient(ctx);
  const login = { organization_id: env.B2B_ORG, email_address: env.B2B_EMAIL };
  await step("migrate", () => client.passwords.migrate({ ...login, ...JSON.parse(env.B2B_MIGRATE) }));
  await step("authenticate", () => client.passwords.authenticate({ ...login, password: env.B2B_PASSWORD }));
  await expectError("existing_reset_wrong", () =>
    client.passwords.existingPassword.reset({
      ...login,
      existing_password: `${env.B2B_PASSWORD}!`,
      new_password: env.B2B_NEW_PASSWORD,
    }),
  );
  const reset = await step("existing_reset", () =>
    client.passwords.existingPassword.reset({
      ...login,
      existing_password: env.B2B_PASSWORD,
      new_password: env.B2B_NEW_PASSWORD,
    }),
  );
  await step("session_reset", () =>
    client.passwords.sessions.reset({
      organization_id: env.B2B_ORG,
      session_token: reset.session_token,
      password: env.B2B_NEWER_PASSWORD,
    }),
  );
  for (const [name, password] of [
    ["authenticate_old", env.B2B_PASSWORD],
    ["authenticate_replaced", env.B2B_NEW_PASSWORD],
  ]) {
    await expectError(name, () => client.passwords.authenticate({ ...login, password }));
  }
  await step("authenticate_newest", () =>
    client.passwords.authenticate({ ...login, password: env.B2B_NEWER_PASSWORD }),
  );
}

async function discoveryStart(ctx) {
  const client = b2bClient(ctx);
  await ctx.step("reset_start", () =>
    client.passwords.discovery.email.resetStart({ email_address: ctx.env.B2B_EMAIL }),
  );
}

async function discoveryReset(ctx) {
  const { env, step, expectError } = ctx;
  const client = b2bClient(ctx);
  const reset = { password_reset_token: env.B2B_TOKEN, password: env.B2B_PASSWORD };
  await step("reset", () => client.passwords.discovery.email.reset(reset));
  await expectError("reset_again", () => client.passwords.discovery.email.reset(reset));
  await expectError("authenticate_wrong", () =>
    client.passwords.discovery.authenticate({ email_address: env.B2B_EMAIL, password: `${env.B2B_PASSWORD}!` }),
  );
  await step("authenticate", () =>
    client.passwords.discovery.authenticate({ email_address: env.B2B_EMAIL, password: env.B2B_PASSWORD }),
  );
}

const PHASES = { organization, discovery_start: discoveryStart, discovery_reset: discoveryReset };

export default async function b2bPasswordRoutes(ctx) {
  const phase = PHASES[ctx.env.B2B_PHASE];
  if (!phase) throw new Error(`B2B_PHASE must be one of ${Object.keys(PHASES).join(", ")}`);
  await phase(ctx);
}
