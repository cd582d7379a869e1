// The guide's loadStytch: one Stytch client. Against keystile only `env` changes, to keystile's base
// URL (the SDK prints a warning about the custom `env`; that is expected).
import * as stytch from "stytch";
import { requireEnv } from "./env.mjs";

let client;

export default function loadStytch() {
  if (!client) {
    client = new stytch.Client({
      project_id: requireEnv("STYTCH_PROJECT_ID"),
      secret: requireEnv("STYTCH_SECRET"),
      env: process.env.STYTCH_BASE_URL || stytch.envs.test,
    });
  }
  return client;
}
