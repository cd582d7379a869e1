// Consumer OAuth through the Node SDK's Client, in two phases around the browser walks the Python test
// makes through the loopback providers:
//   OAUTH_PHASE=login     LOGIN_TOKEN=... CODE_VERIFIER=...  (a GitHub sign-up started with PKCE)
//     oauth.authenticate, the same token again, then oauth.attach of Google for the signed-up user
//   OAUTH_PHASE=attached  ATTACH_TOKEN=... USER_ID=...        (the Google flow started with the attach token)
//     oauth.authenticate of the attached account, and the user with both providers
// Asserted on by tests/sdk/test_node_oauth.py.

export default async function ({ client, env, step, expectError }) {
  if (env.OAUTH_PHASE === "login") {
    const login = await step("login", () =>
      client.oauth.authenticate({
        token: env.LOGIN_TOKEN,
        code_verifier: env.CODE_VERIFIER,
        session_duration_minutes: 30,
      }),
    );
    await expectError("login_again", () =>
      client.oauth.authenticate({ token: env.LOGIN_TOKEN, code_verifier: env.CODE_VERIFIER }),
    );
    await step("session", () => client.sessions.authenticate({ session_token: login.session_token }));
    await step("attach", () => client.oauth.attach({ provider: "google", user_id: login.user_id }));
    return;
  }
  await step("attached", () => client.oauth.authenticate({ token: env.ATTACH_TOKEN }));
  await step("user", () => client.users.get({ user_id: env.USER_ID }));
}
