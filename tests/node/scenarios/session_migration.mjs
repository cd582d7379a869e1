// sessions.migrate against a userinfo endpoint the Python test serves (set up for the project).
// Asserted on by tests/sdk/test_node_session_migration.py.

export default async function sessionMigration({ client, step, expectError }) {
  await step("user", () => client.users.create({ email: "ada@legacy.example" }));
  const migrated = await step("migrate", () =>
    client.sessions.migrate({ session_token: "legacy-token-ada", session_duration_minutes: 30 }),
  );
  await step("authenticate", () =>
    client.sessions.authenticate({ session_token: migrated.session_token }),
  );
  await expectError("refused", () => client.sessions.migrate({ session_token: "legacy-token-unknown" }));
}
