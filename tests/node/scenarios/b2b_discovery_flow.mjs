// The B2B discovery quickstart through the Node SDK's B2BClient, in phases because each link arrives by
// mail, which Python reads in between:
//   B2B_PHASE=send      B2B_EMAIL=...                      magicLinks.email.discovery.send
//   B2B_PHASE=create    B2B_TOKEN=... B2B_DOMAIN=... B2B_COLLEAGUE=...
//                       discovery authenticate (no organizations) -> discovery.organizations.create with
//                       the IST alone -> gate by token and by JWT (locally) -> the IST is used up ->
//                       the organization admits its domain -> loginOrSignup for a colleague
//   B2B_PHASE=join      B2B_TOKEN=...                      the colleague's magicLinks.authenticate
//   B2B_PHASE=exchange  B2B_TOKEN=...                      discovery authenticate (lists the organization)
//                       -> discovery.intermediateSessions.exchange -> gate
// Asserted on by tests/sdk/test_node_b2b.py::test_b2b_discovery_flow.

function b2bClient({ stytch, env }) {
  return new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
}

async function send(ctx) {
  const client = b2bClient(ctx);
  await ctx.step("discovery_send", () =>
    client.magicLinks.email.discovery.send({ email_address: ctx.env.B2B_EMAIL }),
  );
}

async function create(ctx) {
  const { env, step, expectError } = ctx;
  const client = b2bClient(ctx);
  const auth = await step("discovery_authenticate", () =>
    client.magicLinks.discovery.authenticate({ discovery_magic_links_token: env.B2B_TOKEN }),
  );
  const ist = auth.intermediate_session_token;
  const created = await step("organization_create", () =>
    client.discovery.organizations.create({ intermediate_session_token: ist }),
  );
  await expectError("organization_create_again", () =>
    client.discovery.organizations.create({ intermediate_session_token: ist }),
  );
  const { session_token, session_jwt } = created;
  await step("session", () => client.sessions.authenticate({ session_token }));
  await step("jwt_local", () => client.sessions.authenticateJwtLocal({ session_jwt }));
  const organization_id = created.organization.organization_id;
  await step("organization_update", () =>
    client.organizations.update({
      organization_id,
      email_jit_provisioning: "RESTRICTED",
      email_allowed_domains: [env.B2B_DOMAIN],
    }),
  );
  await step("login_or_signup", () =>
    client.magicLinks.email.loginOrSignup({ organization_id, email_address: env.B2B_COLLEAGUE }),
  );
}

async function join(ctx) {
  const client = b2bClient(ctx);
  const joined = await ctx.step("authenticate", () =>
    client.magicLinks.authenticate({ magic_links_token: ctx.env.B2B_TOKEN }),
  );
  await ctx.step("session", () => client.sessions.authenticate({ session_token: joined.session_token }));
}

async function exchange(ctx) {
  const client = b2bClient(ctx);
  const auth = await ctx.step("discovery_authenticate", () =>
    client.magicLinks.discovery.authenticate({ discovery_magic_links_token: ctx.env.B2B_TOKEN }),
  );
  const exchanged = await ctx.step("exchange", () =>
    client.discovery.intermediateSessions.exchange({
      intermediate_session_token: auth.intermediate_session_token,
      organization_id: auth.discovered_organizations[0].organization.organization_id,
    }),
  );
  await ctx.step("session", () => client.sessions.authenticate({ session_token: exchanged.session_token }));
}

const PHASES = { send, create, join, exchange };

export default async function b2bDiscoveryFlow(ctx) {
  const phase = PHASES[ctx.env.B2B_PHASE];
  if (!phase) throw new Error(`B2B_PHASE must be one of ${Object.keys(PHASES).join(", ")}`);
  await phase(ctx);
}
