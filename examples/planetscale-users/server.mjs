// Stytch's PlanetScale user-database guide as an Express app: magic-link sign-in, sessions, and a
// MySQL `users` table. Settings: STYTCH_PROJECT_ID, STYTCH_SECRET, STYTCH_BASE_URL, DATABASE_URL,
// APP_URL (where people reach this app; default http://localhost:$PORT), HOST, PORT (3000).
import express from "express";
import { addUser, closeDatabase, createUsersTable, deleteUser, getUsers } from "./lib/db.mjs";
import loadStytch from "./lib/loadStytch.mjs";
import { authenticate, currentUser, inviteUser, logout, requireSession } from "./lib/sessions.mjs";

const host = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT || 3000);

const app = express();
app.disable("x-powered-by");
app.use(express.json());
app.use(express.static(new URL("./public", import.meta.url).pathname, { extensions: ["html"] }));

app.post("/api/login", inviteUser);
app.get("/api/authenticate_magic_link", authenticate);
app.post("/api/logout", logout);
app.get("/api/me", requireSession, currentUser);
app.get("/api/users", requireSession, getUsers);
app.post("/api/users", requireSession, addUser);
app.delete("/api/users/:uid", requireSession, deleteUser);

loadStytch();
await createUsersTable();
const server = app.listen(port, host, () => {
  console.log(`PlanetScale users example on http://${host}:${port}`);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => closeDatabase().then(() => process.exit(0))));
}
