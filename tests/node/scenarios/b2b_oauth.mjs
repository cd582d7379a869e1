// B2B OAuth login through the Node SDK's B2BClient, with the `oauth` token of a GitHub login into an
// organization the Python test walked through the loopback provider (started with a PKCE challenge):
// oauth.authenticate, the session, the same token again, and the member's GitHub token as the app
// reads it.
//   OAUTH_TOKEN=...  CODE_VERIFIER=...  ORGANIZATION_ID=...
// Asserted on by tests/sdk/test_node_oauth.py.

export default async function ({ stytch, env, step, expectError }) {
  const client = new stytch.B2BClient({
    project_id: env.STYTCH_PROJECT_ID,
    secret: env.STYTCH_SECRET,
    env: env.KEYSTILE_BASE_URL,
  });
  const done = await step("authenticate", () =>
    client.oauth.authenticate({
      oauth_token: env.OAUTH_TOKEN,
      pkce_code_verifier: env.CODE_VERIFIER,
      session_duration_minutes: 30,
    }),
  );
  await step("session", () => client.sessions.authenticate({ session_token: done.session_token }));
  await expectError("again", () =>
    client.oauth.authenticate({ oauth_token: env.OAUTH_TOKEN, pkce_code_verifier: env.CODE_VERIFIER }),
  );
  await step("github_tokens", () =>
    client.organizations.members.oauthProviders.github({
      organization_id: env.ORGANIZATION_ID,
      member_id: done.member_id,
    }),
  );
}
