// The consumer Users API: create, get, update, search, the three common error types, delete.
// Asserted on by tests/sdk/test_node_sdk.py::test_users.

const MISSING_USER_ID = "user-test-00000000-0000-4000-8000-000000000000";

export default async function users({ client, newClient, env, step, expectError }) {
  const created = await step("create", () =>
    client.users.create({
      email: "Ada.Lovelace@Example.COM",
      name: { first_name: "Ada", last_name: "Lovelace" },
      untrusted_metadata: { theme: "dark" },
    }),
  );
  const user_id = created.user_id;

  await step("get", () => client.users.get({ user_id }));
  await step("update", () =>
    client.users.update({ user_id, untrusted_metadata: { theme: "light", visits: 2 } }),
  );
  await step("search", () =>
    client.users.search({
      limit: 10,
      query: {
        operator: "AND",
        operands: [{ filter_name: "email_address", filter_value: ["ADA.lovelace@example.com"] }],
      },
    }),
  );

  await expectError("get_missing", () => client.users.get({ user_id: MISSING_USER_ID }));
  await expectError("create_duplicate", () =>
    client.users.create({ email: "ada.LOVELACE@example.com" }),
  );
  const secret = env.STYTCH_SECRET;
  const wrongSecret = secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A");
  await expectError("wrong_secret", () =>
    newClient({ secret: wrongSecret }).users.search({ limit: 1 }),
  );

  await step("delete", () => client.users.delete({ user_id }));
  await expectError("get_deleted", () => client.users.get({ user_id }));
}
