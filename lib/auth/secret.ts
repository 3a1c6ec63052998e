// The signing secret for next-auth sessions (and, by default, room join tokens).
//
// Order: NEXTAUTH_SECRET, then AUTH_SECRET, then a random secret persisted in
// `data/secret` (DATA_DIR overrides `data/`, AUTH_SECRET_FILE overrides the path), created
// on first use with mode 0600 so sessions survive restarts. ensureAuthSecret() also puts
// it into process.env.NEXTAUTH_SECRET, so next-auth internals and the join-token signer
// (`JOIN_TOKEN_SECRET ?? NEXTAUTH_SECRET`) all see the same value.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

const MIN_LENGTH = 32;

export function secretFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AUTH_SECRET_FILE) return resolve(env.AUTH_SECRET_FILE);
  return resolve(env.DATA_DIR ?? "data", "secret");
}

function readSecret(file: string): string | null {
  try {
    const s = readFileSync(file, "utf8").trim();
    return s.length >= MIN_LENGTH ? s : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/** Reads the persisted secret, creating it (race-free: O_EXCL) when missing. */
export function loadOrCreateSecretFile(file: string = secretFilePath()): string {
  const existing = readSecret(file);
  if (existing) return existing;
  mkdirSync(dirname(file), { recursive: true });
  const fresh = randomBytes(48).toString("base64url");
  try {
    writeFileSync(file, fresh + "\n", { flag: "wx", mode: 0o600 });
    return fresh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    // Another process created it first, or the file exists but is too short: use / replace it.
    const other = readSecret(file);
    if (other) return other;
    writeFileSync(file, fresh + "\n", { mode: 0o600 });
    return fresh;
  }
}

let cached: string | undefined;

/** The auth secret (see the file comment); stable for the life of the process. */
export function getAuthSecret(): string {
  const fromEnv = process.env.NEXTAUTH_SECRET || process.env.AUTH_SECRET;
  if (fromEnv) return fromEnv;
  cached ??= loadOrCreateSecretFile();
  return cached;
}

/** Resolves the secret and exports it as NEXTAUTH_SECRET. Call once at server start. */
export function ensureAuthSecret(): string {
  const secret = getAuthSecret();
  if (!process.env.NEXTAUTH_SECRET) process.env.NEXTAUTH_SECRET = secret;
  return secret;
}

/** Join tokens: JOIN_TOKEN_SECRET if set, else the auth secret. */
export function getJoinTokenSecret(): string {
  return process.env.JOIN_TOKEN_SECRET || ensureAuthSecret();
}

