// authorization_check through the Node SDK's B2BClient, remote (sessions.authenticate) and local
// (authenticateJwtLocal, which fetches the policy and the organization's roles). Sessions come from
// Python (EDITOR_*, PLAIN_*); a remote check on an action the policy does not define is a 400. Asserted on by tests/sdk/test_rbac_checks.py.

export default async function ({ stytch, env, step, expectError, record }) {
  const client = new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
  const authorization_check = {
    organization_id: env.RBAC_ORGANIZATION,
    resource_id: "documents",
    action: "write",
  };
  await step("remote_allowed", () =>
    client.sessions.authenticate({ session_token: env.EDITOR_TOKEN, authorization_check }),
  );
  await expectError("remote_refused", () =>
    client.sessions.authenticate({ session_token: env.PLAIN_TOKEN, authorization_check }),
  );
  await expectError("remote_unknown_action", () =>
    client.sessions.authenticate({
      session_token: env.EDITOR_TOKEN,
      authorization_check: { ...authorization_check, action: "fly" },
    }),
  );
  await step("local_allowed", () =>
    client.sessions.authenticateJwtLocal({ session_jwt: env.EDITOR_JWT, authorization_check }),
  );
  try {
    await client.sessions.authenticateJwtLocal({ session_jwt: env.PLAIN_JWT, authorization_check });
    record("local_refused", "allowed");
  } catch (err) {
    record("local_refused", err.code ?? String(err));
  }
}
