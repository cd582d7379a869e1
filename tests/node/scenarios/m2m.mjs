// M2M through the Node SDK: create a client, get a token (form-encoded), verify it locally with a
// scope it holds and with one it lacks, rotate the secret (both work during the rotation, only the
// new one after), delete the client (its secret gets no more tokens).
// Asserted on by tests/sdk/test_m2m.py::test_node_sdk.

const SCOPES = ["read:users", "write:users"];

async function getsToken(client, client_id, client_secret) {
  try {
    await client.m2m.token({ client_id, client_secret });
    return true;
  } catch (err) {
    if (err.error_type === "invalid_client") return false;
    throw err;
  }
}

export default async function m2m({ client, step, expectError, record }) {
  const created = await step("create", () =>
    client.m2m.clients.create({ scopes: SCOPES, client_name: "node-service" }),
  );
  const { client_id, client_secret: oldSecret } = created.m2m_client;

  const token = await step("token", () => client.m2m.token({ client_id, client_secret: oldSecret }));
  await step("verify", () =>
    client.m2m.authenticateToken({ access_token: token.access_token, required_scopes: ["read:users"] }),
  );
  try {
    await client.m2m.authenticateToken({
      access_token: token.access_token,
      required_scopes: ["delete:users"],
    });
    record("verify_missing_scope", { code: "verified" });
  } catch (err) {
    record("verify_missing_scope", { code: err.code ?? String(err) });
  }

  const started = await step("rotate_start", () => client.m2m.clients.secrets.rotateStart({ client_id }));
  const newSecret = started.m2m_client.next_client_secret;
  record("both_secrets", {
    old: await getsToken(client, client_id, oldSecret),
    new: await getsToken(client, client_id, newSecret),
  });
  await step("rotate", () => client.m2m.clients.secrets.rotate({ client_id }));
  record("after_rotate", {
    old: await getsToken(client, client_id, oldSecret),
    new: await getsToken(client, client_id, newSecret),
  });
  await expectError("old_secret_after_rotate", () =>
    client.m2m.token({ client_id, client_secret: oldSecret }),
  );

  await step("delete", () => client.m2m.clients.delete({ client_id }));
  await expectError("token_after_delete", () =>
    client.m2m.token({ client_id, client_secret: newSecret }),
  );
}
