// Connected Apps clients through the Node SDK: create a confidential client (its secret shown once),
// read it back (no secret, the last four only), and a client id no project has (404).
// Asserted on by tests/sdk/test_connected_apps.py::test_node_sdk_creates_and_gets.

export default async function connectedApps({ client, step, expectError }) {
  const created = await step("create", () =>
    client.connectedApp.clients.create({
      client_type: "third_party",
      client_name: "node-app",
      redirect_urls: ["https://node.example.com/callback"],
    }),
  );
  const { client_id } = created.connected_app;
  await step("get", () => client.connectedApp.clients.get({ client_id }));
  await expectError("get_unknown", () =>
    client.connectedApp.clients.get({ client_id: "connected-app-test-00000000-0000-4000-8000-000000000000" }),
  );
}
