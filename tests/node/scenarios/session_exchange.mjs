// sessions.exchangeAccessToken through the Node SDK, consumer (VERTICAL=consumer) or B2B: a first-party
// client's full_access ACCESS_TOKEN becomes a session, then is refused as already exchanged.
// Asserted on by tests/idp/test_session_exchange.py::test_the_node_sdk_exchanges_a_token_once.

export default async function ({ stytch, env, step, expectError }) {
  const settings = { project_id: env.STYTCH_PROJECT_ID, secret: env.STYTCH_SECRET, env: env.KEYSTILE_BASE_URL };
  const client = env.VERTICAL === "consumer" ? new stytch.Client(settings) : new stytch.B2BClient(settings);
  const request = { access_token: env.ACCESS_TOKEN, session_duration_minutes: 30 };
  await step("exchange", () => client.sessions.exchangeAccessToken(request));
  await expectError("again", () => client.sessions.exchangeAccessToken(request));
}
