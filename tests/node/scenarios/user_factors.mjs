// Detaching a user's factors, exchanging its primary factor, whoami and the project's metrics.
// Asserted on by tests/sdk/test_node_user_factors.py.

const UNKNOWN = "00000000-0000-4000-8000-000000000000";

export default async function userFactors({ client, step, expectError }) {
  const created = await step("password_create", () =>
    client.passwords.create({ email: "node-pw@example.com", password: "violet tangerine oboe 71" }),
  );
  const user = await step("get", () => client.users.get({ user_id: created.user_id }));
  await step("delete_password", () =>
    client.users.deletePassword({ password_id: user.password.password_id }),
  );
  await expectError("delete_password_again", () =>
    client.users.deletePassword({ password_id: user.password.password_id }),
  );

  const totp = await step("totp_create", () => client.totps.create({ user_id: created.user_id }));
  await step("delete_totp", () => client.users.deleteTOTP({ totp_id: totp.totp_id }));
  await expectError("delete_totp_unknown", () =>
    client.users.deleteTOTP({ totp_id: `totp-test-${UNKNOWN}` }),
  );

  await step("set_external_id", () =>
    client.users.update({ user_id: created.user_id, external_id: "node-legacy-1" }),
  );
  await step("delete_external_id", () => client.users.deleteExternalId({ user_id: "node-legacy-1" }));
  await expectError("delete_external_id_unknown", () =>
    client.users.deleteExternalId({ user_id: `user-test-${UNKNOWN}` }),
  );

  await step("exchange", () =>
    client.users.exchangePrimaryFactor({ user_id: created.user_id, phone_number: "+14155550190" }),
  );
  await expectError("exchange_none", () =>
    client.users.exchangePrimaryFactor({ user_id: created.user_id }),
  );

  await step("whoami", () => client.debug.whoami());
  await step("metrics", () => client.project.metrics());
}
