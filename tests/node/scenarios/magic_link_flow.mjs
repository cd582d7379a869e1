// The email magic-link flow of issue 4 through the Node SDK, in two runs because the token arrives by
// mail, which Python reads in between:
//   MAGIC_LINK_PHASE=send          MAGIC_LINK_EMAIL=...  loginOrCreate
//   MAGIC_LINK_PHASE=authenticate  MAGIC_LINK_TOKEN=...  authenticate into a week-long session, gate
//                                  by token and by JWT (locally), reuse fails, revoke, gate fails.
// Asserted on by tests/sdk/test_node_sdk.py::test_magic_link_flow.

const WEEK = 10080;

async function send({ client, env, step }) {
  await step("login_or_create", () => client.magicLinks.email.loginOrCreate({ email: env.MAGIC_LINK_EMAIL }));
}

async function authenticate({ client, env, step, expectError }) {
  const token = env.MAGIC_LINK_TOKEN;
  const auth = await step("authenticate", () =>
    client.magicLinks.authenticate({ token, session_duration_minutes: WEEK }),
  );
  const { session_token, session_jwt } = auth;
  await step("session", () => client.sessions.authenticate({ session_token }));
  await step("jwt_local", () => client.sessions.authenticateJwtLocal({ session_jwt }));
  await expectError("reuse", () => client.magicLinks.authenticate({ token }));
  await step("revoke", () => client.sessions.revoke({ session_token }));
  await expectError("session_after_revoke", () => client.sessions.authenticate({ session_token }));
  await expectError("jwt_after_revoke", () => client.sessions.authenticate({ session_jwt }));
}

const PHASES = { send, authenticate };

export default async function magicLinkFlow(ctx) {
  const phase = PHASES[ctx.env.MAGIC_LINK_PHASE];
  if (!phase) throw new Error(`MAGIC_LINK_PHASE must be one of ${Object.keys(PHASES).join(", ")}`);
  await phase(ctx);
}
