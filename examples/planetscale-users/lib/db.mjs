// The guide's backend: the MySQL `users` table (PlanetScale speaks MySQL; here MariaDB) and the
// handlers that get, add and delete users.
import { readFile } from "node:fs/promises";
import mysql from "mysql2/promise";
import { requireEnv } from "./env.mjs";

const sqlConn = mysql.createPool(requireEnv("DATABASE_URL"));

export async function createUsersTable() {
  await sqlConn.query(await readFile(new URL("../schema.sql", import.meta.url), "utf8"));
}

export async function closeDatabase() {
  await sqlConn.end();
}

// getUsers retrieve all users.
export async function getUsers(req, res) {
  try {
    const [rows] = await sqlConn.query("SELECT id, name, email FROM users ORDER BY id");
    res.status(200).json(rows);
  } catch (error) {
    console.error(error);
    res.status(500).json({ error: "an error occurred" });
  }
}

// addUser create a new user.
export async function addUser(req, res) {
  const { name, email } = req.body ?? {};
  if (typeof email !== "string" || email.trim() === "") {
    res.status(400).json({ error: "email is required" });
    return;
  }
  try {
    const [result] = await sqlConn.query("INSERT INTO users (name, email) VALUES (?,?)", [
      typeof name === "string" && name.trim() !== "" ? name.trim() : null,
      email.trim(),
    ]);
    res.status(201).json({ id: result.insertId });
  } catch (error) {
    console.error(error);
    res.status(500).json({ error: "an error occurred" });
  }
}

// deleteUser remove a single user (304 when there was none, as in the guide).
export async function deleteUser(req, res) {
  try {
    const [result] = await sqlConn.query("DELETE FROM users WHERE id=?", [req.params.uid]);
    res.status(result.affectedRows === 0 ? 304 : 200).json({ message: "success" });
  } catch (error) {
    console.error(error);
    res.status(500).json({ error: "an error occurred" });
  }
}
