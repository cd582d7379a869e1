// Settings from the environment: the app fails at start, by name, when one is missing.

export function requireEnv(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set (see the "Seed apps" section of keystile's README)`);
    process.exit(2);
  }
  return value;
}
