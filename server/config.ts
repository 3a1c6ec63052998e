// Environment configuration, validated once at start. Bad values -> clear message + exit(1).
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import { z } from "zod";
import { DEFAULT_ROUTER_CONSUMER_THRESHOLD } from "./rooms/router-placement";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** See MAX_PEERS_PER_ROOM below. */
export const DEFAULT_MAX_PEERS_PER_ROOM = 60;

/** First non-internal IPv4 address of this machine, else 127.0.0.1. */
export function defaultAnnouncedAddress(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === "IPv4" && !a.internal) return a.address;
    }
  }
  return "127.0.0.1";
}

/** "<hostname>-<port>", trimmed to what NODE_ID allows. */
export function defaultNodeId(port: number): string {
  const host = os.hostname().replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 50) || "node";
  return `${host}-${port}`;
}

const hostnameRe = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Empty strings count as "not set" (e.g. `PORT= npm run dev`). */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

function intVar(name: string, def: number, min: number, max: number) {
  return optionalString.pipe(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return def;
        if (!/^\d+$/.test(v)) {
          ctx.addIssue({ code: "custom", message: `${name} must be an integer, got "${v}"` });
          return z.NEVER;
        }
        const n = Number(v);
        if (n < min || n > max) {
          ctx.addIssue({ code: "custom", message: `${name} must be between ${min} and ${max}, got ${n}` });
          return z.NEVER;
        }
        return n;
      }),
  );
}

/** An http(s) URL without query/fragment, returned without a trailing slash. */
function httpUrlVar(name: string) {
  return optionalString.pipe(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        let u: URL;
        try {
          u = new URL(v);
        } catch {
          ctx.addIssue({ code: "custom", message: `${name} must be a URL such as https://node-a.example.org, got "${v}"` });
          return z.NEVER;
        }
        if ((u.protocol !== "http:" && u.protocol !== "https:") || u.search || u.hash || u.username) {
          ctx.addIssue({ code: "custom", message: `${name} must be a plain http:// or https:// URL, got "${v}"` });
          return z.NEVER;
        }
        return u.href.replace(/\/+$/, "");
      }),
  );
}

/** Comma-separated list (blank items dropped), each item checked by `item`. */
function listVar(name: string, item: (v: string) => string | null) {
  return optionalString.pipe(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        const items = (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
        for (const i of items) {
          const problem = item(i);
          if (problem) ctx.addIssue({ code: "custom", message: `${name}: ${problem}` });
        }
        return items;
      }),
  );
}

const turnUrlRe = /^(turns?|stun):[A-Za-z0-9.\-\[\]:]+(\?transport=(udp|tcp))?$/;

export const envSchema = z
  .object({
    PORT: intVar("PORT", 3000, 0, 65535),
    LISTEN_IP: optionalString.pipe(
      z
        .string()
        .optional()
        .refine((v) => v === undefined || net.isIP(v) !== 0, "LISTEN_IP must be an IPv4 or IPv6 address")
        .transform((v) => v ?? "0.0.0.0"),
    ),
    ANNOUNCED_ADDRESS: optionalString.pipe(
      z
        .string()
        .optional()
        .refine(
          (v) => v === undefined || net.isIP(v) !== 0 || hostnameRe.test(v),
          "ANNOUNCED_ADDRESS must be an IP address or a hostname",
        )
        .refine((v) => v !== "0.0.0.0" && v !== "::", "ANNOUNCED_ADDRESS cannot be a wildcard address")
        .transform((v) => v ?? defaultAnnouncedAddress()),
    ),
    RTC_MIN_PORT: intVar("RTC_MIN_PORT", 40000, 1024, 65535),
    /**
     * Address the ingest PlainTransports (admins streaming ffmpeg/RTP into a room) listen on.
     * Loopback by default: such a transport takes media from whoever sends to it first.
     */
    INGEST_LISTEN_IP: optionalString.pipe(
      z
        .string()
        .optional()
        .refine((v) => v === undefined || net.isIP(v) !== 0, "INGEST_LISTEN_IP must be an IPv4 or IPv6 address")
        .transform((v) => v ?? "127.0.0.1"),
    ),
    NUM_WORKERS: intVar("NUM_WORKERS", os.availableParallelism(), 1, 64),
    LOG_LEVEL: optionalString.pipe(
      z
        .enum(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}` })
        .optional()
        .transform((v) => v ?? "info"),
    ),
    /**
     * Room full beyond this. 60: a room of 70 was measured to run on this 2-core machine under
     * 1 % loss (bench:room-capacity, docs/benchmarks.md), less the product's per-consumer cost
     * over bare PlainTransports (~1.2×, bench/load).
     */
    MAX_PEERS_PER_ROOM: intVar("MAX_PEERS_PER_ROOM", DEFAULT_MAX_PEERS_PER_ROOM, 1, 1000),
    /**
     * Rooms across cores: expected consumers on one of a room's routers before further peers
     * get a router on another worker (server/rooms/router-placement.ts).
     */
    ROUTER_CONSUMER_THRESHOLD: intVar("ROUTER_CONSUMER_THRESHOLD", DEFAULT_ROUTER_CONSUMER_THRESHOLD, 1, 100_000),
    /** How long a participant whose connection dropped is kept (media and all) for a resume. */
    RECONNECT_GRACE_SECONDS: intVar("RECONNECT_GRACE_SECONDS", 30, 1, 3600),
    /** Days chat messages are kept with the meeting history; 0 = chat is never written to the database. */
    CHAT_RETENTION_DAYS: intVar("CHAT_RETENTION_DAYS", 90, 0, 36500),
    /** Sockets that have not shown a join token yet: at most this many per client address... */
    WS_MAX_UNAUTHENTICATED_PER_IP: intVar("WS_MAX_UNAUTHENTICATED_PER_IP", 50, 1, 100_000),
    /** ...and in total. */
    WS_MAX_UNAUTHENTICATED: intVar("WS_MAX_UNAUTHENTICATED", 2000, 1, 1_000_000),
    /** Origins besides the site's own that may open signaling sockets (comma-separated, for embedding). */
    ALLOWED_ORIGINS: optionalString.pipe(
      z
        .string()
        .optional()
        .transform((v, ctx) => {
          const list = (v ?? "").split(",").map((o) => o.trim()).filter(Boolean);
          for (const o of list) {
            let ok = false;
            try {
              const u = new URL(o);
              ok = (u.protocol === "http:" || u.protocol === "https:") && u.origin === o.replace(/\/$/, "");
            } catch {
              ok = false;
            }
            if (!ok) {
              ctx.addIssue({ code: "custom", message: `ALLOWED_ORIGINS: "${o}" is not an origin like https://example.org` });
              return z.NEVER;
            }
          }
          return list;
        }),
    ),
    /** The site's public origin (invite links); also allowed to open signaling sockets. */
    PUBLIC_URL: optionalString.pipe(
      z
        .string()
        .optional()
        .refine((v) => {
          if (v === undefined) return true;
          try {
            return /^https?:$/.test(new URL(v).protocol);
          } catch {
            return false;
          }
        }, "PUBLIC_URL must be an http(s) URL"),
    ),
    TLS_CERT_FILE: optionalString,
    TLS_KEY_FILE: optionalString,
    JOIN_TOKEN_SECRET: optionalString,
    /** "1"/"true" when a reverse proxy sets x-forwarded-for (else the socket address is used). */
    TRUST_PROXY: optionalString.pipe(
      z
        .enum(["0", "1", "true", "false"], { message: "TRUST_PROXY must be 1/true or 0/false" })
        .optional()
        .transform((v) => v === "1" || v === "true"),
    ),
    NEXTAUTH_SECRET: optionalString,
    // ---- several nodes (docs/deploy.md); unset REDIS_URL = one process, all state in memory
    REDIS_URL: optionalString.pipe(
      z
        .string()
        .optional()
        .refine((v) => v === undefined || /^rediss?:\/\/./.test(v), "REDIS_URL must start with redis:// or rediss://"),
    ),
    /** This process's node id (stable across restarts, so a restarted node recognises its rows). */
    NODE_ID: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9._:-]{1,64}$/, "NODE_ID: 1-64 letters, digits, '.', '_', ':' or '-'")
        .optional(),
    ),
    /** Where browsers reach this node's pages and /ws (required with REDIS_URL). */
    NODE_PUBLIC_URL: httpUrlVar("NODE_PUBLIC_URL"),
    NODE_HEARTBEAT_MS: intVar("NODE_HEARTBEAT_MS", 1000, 100, 60_000),
    /** Joined peers one node takes; beyond, a room's new participants go to another node (cascade). 0: no limit. */
    NODE_MAX_PEERS: intVar("NODE_MAX_PEERS", 0, 0, 100_000),
    /** A node whose heartbeat is older than this is declared dead and its rooms re-placed. */
    NODE_DEAD_AFTER_MS: intVar("NODE_DEAD_AFTER_MS", 3000, 300, 600_000),
    // ---- TURN (coturn with use-auth-secret; TURN REST credentials)
    TURN_URLS: listVar("TURN_URLS", (v) =>
      turnUrlRe.test(v) ? null : `"${v}" is not a turn:/turns:/stun: URL (e.g. turn:turn.example.org:3478?transport=udp)`,
    ),
    TURN_SECRET: optionalString,
    TURN_TTL_SECONDS: intVar("TURN_TTL_SECONDS", 3600, 60, 7 * 24 * 3600),
    // ---- operations
    /** Bearer token that lets non-loopback clients read /metrics (unset: loopback only). */
    METRICS_TOKEN: optionalString,
    NODE_ENV: optionalString.pipe(
      z
        .enum(["development", "production", "test"], {
          message: "NODE_ENV must be development, production or test (or unset)",
        })
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.RTC_MIN_PORT + env.NUM_WORKERS - 1 > 65535) {
      ctx.addIssue({
        code: "custom",
        path: ["RTC_MIN_PORT"],
        message: `RTC_MIN_PORT + NUM_WORKERS - 1 must be <= 65535 (one RTC port per worker)`,
      });
    }
    if (!!env.TLS_CERT_FILE !== !!env.TLS_KEY_FILE) {
      ctx.addIssue({
        code: "custom",
        path: [env.TLS_CERT_FILE ? "TLS_KEY_FILE" : "TLS_CERT_FILE"],
        message: "set both TLS_CERT_FILE and TLS_KEY_FILE (HTTPS) or neither (HTTP)",
      });
    }
    for (const key of ["TLS_CERT_FILE", "TLS_KEY_FILE"] as const) {
      const file = env[key];
      if (file) {
        try {
          fs.accessSync(file, fs.constants.R_OK);
        } catch {
          ctx.addIssue({ code: "custom", path: [key], message: `${key}: cannot read "${file}"` });
        }
      }
    }
    if (env.REDIS_URL && !env.NODE_PUBLIC_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["NODE_PUBLIC_URL"],
        message: "NODE_PUBLIC_URL is required with REDIS_URL (browsers connect their signaling to the node hosting their room)",
      });
    }
    if (env.NODE_DEAD_AFTER_MS < 2 * env.NODE_HEARTBEAT_MS) {
      ctx.addIssue({
        code: "custom",
        path: ["NODE_DEAD_AFTER_MS"],
        message: "NODE_DEAD_AFTER_MS must be at least twice NODE_HEARTBEAT_MS (one lost heartbeat is not a death)",
      });
    }
    if (env.TURN_URLS.some((u) => u.startsWith("turn")) && !env.TURN_SECRET) {
      ctx.addIssue({ code: "custom", path: ["TURN_SECRET"], message: "TURN_SECRET is required with turn:/turns: TURN_URLS (coturn's static-auth-secret)" });
    }
    if (env.TURN_SECRET !== undefined && env.TURN_SECRET.length < 16 && env.NODE_ENV === "production") {
      ctx.addIssue({ code: "custom", path: ["TURN_SECRET"], message: "TURN_SECRET must be at least 16 characters in production" });
    }
    if (env.METRICS_TOKEN !== undefined && env.METRICS_TOKEN.length < 16) {
      ctx.addIssue({ code: "custom", path: ["METRICS_TOKEN"], message: "METRICS_TOKEN must be at least 16 characters" });
    }
    const secret = env.JOIN_TOKEN_SECRET ?? env.NEXTAUTH_SECRET;
    if (secret !== undefined && secret.length < 16 && env.NODE_ENV === "production") {
      ctx.addIssue({
        code: "custom",
        path: [env.JOIN_TOKEN_SECRET ? "JOIN_TOKEN_SECRET" : "NEXTAUTH_SECRET"],
        message: "the join token secret must be at least 16 characters in production",
      });
    }
  });

export type Config = z.output<typeof envSchema> & {
  /** NODE_ID, else "<hostname>-<PORT>" (stable across restarts of the same process slot). */
  nodeId: string;
  /** REDIS_URL is set: this process is one node of several. */
  clustered: boolean;
  /** True when TLS_CERT_FILE/TLS_KEY_FILE are set. */
  https: boolean;
  /** Next dev mode (NODE_ENV != production). */
  dev: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/** Parses and validates the environment; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = i.path.length ? String(i.path[0]) : "";
        return key && !i.message.startsWith(key) ? `${key}: ${i.message}` : i.message;
      }),
    );
  }
  const c = parsed.data;
  return {
    ...c,
    nodeId: c.NODE_ID ?? defaultNodeId(c.PORT),
    clustered: c.REDIS_URL !== undefined,
    https: !!(c.TLS_CERT_FILE && c.TLS_KEY_FILE),
    dev: c.NODE_ENV !== "production",
  };
}

/** loadConfig(), or print what is wrong and exit(1). */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`\n[config] ${err.message}\n\nFix the environment variables above and start again.\n`);
      process.exit(1);
    }
    throw err;
  }
}
