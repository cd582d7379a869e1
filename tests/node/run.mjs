// Drives keystile with the official Stytch Node SDK (`stytch` on npm). Run by tests/node_sdk.py:
//
//   KEYSTILE_BASE_URL=http://127.0.0.1:PORT/ STYTCH_PROJECT_ID=... STYTCH_SECRET=... \
//     node tests/node/run.mjs <scenario>
//
// Prints exactly ONE JSON line on stdout and nothing else (console.log is sent to stderr):
//   {"scenario", "ok": true,  "steps": {...}, "requests": [...], "warnings": [...]}         exit 0
//   {"scenario", "ok": false, "failed_step", "error": {...}, "steps", "requests", "warnings"} exit 1
// `steps` maps each step name to the SDK's response, or for an expected failure to
// {status_code, error_type, error_message, request_id} of the thrown StytchError.
// `requests` lists what the SDK put on the wire (method, path, query, content_type, body, status),
// `warnings` what the SDK printed with console.warn (e.g. the one about a custom `env`).
//
// Adding a scenario (e.g. magic_link_flow): create scenarios/<name>.mjs with
//   export default async function (ctx) { ... }
// and call it from Python with run_node_scenario(server, project, "<name>", EXTRA_ENV="...").
// ctx gives you:
//   ctx.client                 stytch.Client for STYTCH_PROJECT_ID/STYTCH_SECRET at KEYSTILE_BASE_URL
//   ctx.newClient({...})       another Client, overriding project_id / secret / env
//   ctx.stytch, ctx.env        the SDK module, process.env (extra env vars from Python arrive here)
//   await ctx.step(name, fn)   runs fn, records its result under steps[name], returns it; a throw
//                              fails the scenario at that step
//   await ctx.expectError(name, fn)  fn must throw a StytchError; records its fields
//   ctx.record(name, value)    records any JSON value (e.g. a derived check) under steps[name]
// For JWTs use client.sessions.authenticateJwtLocal: authenticateJwt silently falls back to the
// server when local verification fails, which would hide a broken JWT. Local verification (jose)
// wants RS256 keys from GET /v1/sessions/jwks/{project_id} (fetched over node:http, without auth,
// so it does not show up in `requests`; cached ~10 min), header typ "JWT", aud = project_id,
// iss = "stytch.com/{project_id}" (the base URL without its trailing slash is accepted too).
// To read mail, have Python pass what the scenario needs (an inbox URL, or the link itself) as an
// extra env var.

import { readdir } from "node:fs/promises";
import * as stytch from "stytch";

const stdoutWrite = process.stdout.write.bind(process.stdout);
console.log = console.error; // keep stdout for the single result line

const warnings = [];
const originalWarn = console.warn;
console.warn = (...args) => {
  warnings.push(args.map(String).join(" "));
  originalWarn(...args);
};

const requests = [];
const originalFetch = globalThis.fetch;
globalThis.fetch = async (input, init = {}) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  const headers = new Headers(init.headers);
  const entry = {
    method: init.method ?? "GET",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    content_type: headers.get("content-type"),
    user_agent: headers.get("user-agent"),
    body: typeof init.body === "string" ? parseMaybeJson(init.body) : (init.body ?? null),
    status: null,
  };
  requests.push(entry);
  const response = await originalFetch(input, init);
  entry.status = response.status;
  return response;
};

function parseMaybeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeError(err) {
  if (err instanceof stytch.StytchError) {
    return {
      name: "StytchError",
      status_code: err.status_code,
      error_type: err.error_type,
      error_message: err.error_message,
      request_id: err.request_id,
    };
  }
  return {
    name: err?.constructor?.name ?? typeof err, // RequestError, ClientError, TypeError, ...
    message: String(err?.message ?? err),
    code: err?.code,
    cause: err?.cause === undefined ? undefined : String(err.cause?.message ?? err.cause),
    stack: err?.stack,
  };
}

class UnexpectedSuccess extends Error {
  constructor(step, response) {
    super(`step ${step}: expected a StytchError, got a successful response`);
    this.name = "UnexpectedSuccess";
    this.response = response;
  }
}

function emit(result, exitCode) {
  stdoutWrite(`${JSON.stringify(result)}\n`, () => process.exit(exitCode));
}

async function main() {
  const name = process.argv[2] ?? "";
  const dir = new URL("./scenarios/", import.meta.url);
  const available = (await readdir(dir)).filter((f) => f.endsWith(".mjs")).map((f) => f.slice(0, -4));
  if (!/^[a-z0-9_]+$/.test(name) || !available.includes(name)) {
    emit({ scenario: name, ok: false, error: { name: "UsageError", message: `unknown scenario ${JSON.stringify(name)}; available: ${available.join(", ")}` } }, 2);
    return;
  }
  const env = process.env;
  const missing = ["KEYSTILE_BASE_URL", "STYTCH_PROJECT_ID", "STYTCH_SECRET"].filter((k) => !env[k]);
  if (missing.length) {
    emit({ scenario: name, ok: false, error: { name: "UsageError", message: `missing env: ${missing.join(", ")}` } }, 2);
    return;
  }

  const steps = {};
  let current = null;
  const newClient = (overrides = {}) =>
    new stytch.Client({
      project_id: env.STYTCH_PROJECT_ID,
      secret: env.STYTCH_SECRET,
      env: env.KEYSTILE_BASE_URL,
      ...overrides,
    });
  const ctx = {
    stytch,
    env,
    client: newClient(),
    newClient,
    record(stepName, value) {
      steps[stepName] = value;
    },
    async step(stepName, fn) {
      current = stepName;
      const value = await fn();
      steps[stepName] = value ?? null;
      current = null;
      return value;
    },
    async expectError(stepName, fn) {
      current = stepName;
      let response;
      try {
        response = await fn();
      } catch (err) {
        if (!(err instanceof stytch.StytchError)) throw err;
        const { name: _name, ...fields } = describeError(err);
        steps[stepName] = fields;
        current = null;
        return fields;
      }
      throw new UnexpectedSuccess(stepName, response);
    },
  };

  try {
    const scenario = await import(new URL(`${name}.mjs`, dir));
    await scenario.default(ctx);
  } catch (err) {
    const error = describeError(err);
    if (err instanceof UnexpectedSuccess) error.response = err.response;
    emit({ scenario: name, ok: false, failed_step: current, error, steps, requests, warnings }, 1);
    return;
  }
  emit({ scenario: name, ok: true, steps, requests, warnings }, 0);
}

await main();
