// The one process: mediasoup workers + WebSocket signaling + Next.js (dev or prod) on one
// HTTP(S) server. `npm run dev` (NODE_ENV unset -> Next dev mode) / `npm start` (production).
import "./env";
import { EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import { loadConfigOrExit } from "./config";
import { logger, setLogLevel } from "./logger";
import { startSignaling, SFU_STATS_PATH } from "./app";
import { WorkerPool } from "./sfu/worker-pool";
import { ensureDatabaseMigrated } from "./db-migrate";
import { createHistoryObserver } from "./history";
import { WS_PATH } from "../lib/signaling/protocol";

const config = loadConfigOrExit();
setLogLevel(config.LOG_LEVEL);
const log = logger;

// Join tokens are signed by Next route handlers running in THIS process and verified by the
// signaling server; both read JOIN_TOKEN_SECRET ?? NEXTAUTH_SECRET from process.env at call
// time, so the secret must be in process.env before Next starts.
async function ensureJoinTokenSecret(): Promise<void> {
  if (process.env.JOIN_TOKEN_SECRET || process.env.NEXTAUTH_SECRET) return;
  try {
    // lib/auth/secret.ts (web helper): AUTH_SECRET or a persisted data/secret -> NEXTAUTH_SECRET
    const { ensureAuthSecret } = await import("../lib/auth/secret");
    ensureAuthSecret();
  } catch (err) {
    log.warn({ err }, "cannot load/persist the auth secret");
  }
  if (!process.env.JOIN_TOKEN_SECRET && !process.env.NEXTAUTH_SECRET) {
    process.env.JOIN_TOKEN_SECRET = randomBytes(32).toString("base64url");
    log.warn("JOIN_TOKEN_SECRET/NEXTAUTH_SECRET not set: using a random per-process secret");
  }
}

process.on("unhandledRejection", (reason) => log.error({ err: reason }, "unhandled promise rejection"));
process.on("uncaughtException", (err) => log.fatal({ err }, "uncaught exception (process kept alive)"));

async function main(): Promise<void> {
  await ensureJoinTokenSecret();
  // Schema first: Next pages and the history recorder both need the tables.
  await ensureDatabaseMigrated();
  const pool = await WorkerPool.create({
    numWorkers: config.NUM_WORKERS,
    rtcMinPort: config.RTC_MIN_PORT,
    listenIp: config.LISTEN_IP,
    announcedAddress: config.ANNOUNCED_ADDRESS,
    logger: log,
  });

  // Next attaches its own 'upgrade' listener (dev HMR) to options.httpServer. We hand it a
  // stand-in emitter so that only /ws reaches `ws` and only other paths reach Next.
  const nextUpgrades = new EventEmitter();
  const { default: next } = await import("next");
  const hostname = config.LISTEN_IP === "0.0.0.0" || config.LISTEN_IP === "::" ? "localhost" : config.LISTEN_IP;
  const app = next({
    dev: config.dev,
    dir: process.cwd(),
    hostname,
    port: config.PORT,
    httpServer: nextUpgrades as unknown as http.Server,
  });
  await app.prepare();
  const handle = app.getRequestHandler();
  const nextUpgrade = app.getUpgradeHandler();
  // Register Next's HMR upgrade listener now rather than on the first HTTP request.
  (app as unknown as { setupWebSocketHandler?: (s: unknown) => void }).setupWebSocketHandler?.(nextUpgrades);

  const onRequest: http.RequestListener = (req, res) => {
    if (signaling.handleHttp(req, res)) return;
    // The login rate limit keys on the client address: unless a trusted proxy sits in
    // front, a client must not be able to pick its own x-forwarded-for.
    if (!config.TRUST_PROXY) req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
    handle(req, res).catch((err: unknown) => {
      log.error({ err, url: req.url }, "next request handler failed");
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end("internal server error");
      } else {
        res.destroy();
      }
    });
  };
  const server = config.https
    ? https.createServer(
        { cert: fs.readFileSync(config.TLS_CERT_FILE!), key: fs.readFileSync(config.TLS_KEY_FILE!) },
        onRequest,
      )
    : http.createServer(onRequest);

  const onOtherUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (nextUpgrades.listenerCount("upgrade") > 0) nextUpgrades.emit("upgrade", req, socket, head);
    else void nextUpgrade(req, socket, head).catch(() => socket.destroy());
  };

  const observer = await createHistoryObserver({ logger: log });
  const signaling = await startSignaling({ httpServer: server, config, pool, observer, logger: log, onOtherUpgrade });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.LISTEN_IP, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (err) => log.error({ err }, "http server error"));

  const scheme = config.https ? "https" : "http";
  const shownHost = config.LISTEN_IP === "0.0.0.0" || config.LISTEN_IP === "::" ? "localhost" : config.LISTEN_IP;
  const ports = pool.ports;
  const banner = [
    "",
    `  meet is running (${config.dev ? "development" : "production"})`,
    `  URL:               ${scheme}://${shownHost}:${config.PORT}` +
      (config.LISTEN_IP === "0.0.0.0" ? `  (also ${scheme}://${config.ANNOUNCED_ADDRESS}:${config.PORT})` : ""),
    `  Signaling:         ${scheme === "https" ? "wss" : "ws"}://…:${config.PORT}${WS_PATH}`,
    `  Announced address: ${config.ANNOUNCED_ADDRESS} (ICE candidates)`,
    `  RTC ports:         ${ports[0]}${ports.length > 1 ? `-${ports[ports.length - 1]}` : ""} UDP+TCP (${ports.length} worker${ports.length > 1 ? "s" : ""}) — open these in the firewall`,
    `  SFU stats:         ${scheme}://127.0.0.1:${config.PORT}${SFU_STATS_PATH} (loopback only)`,
    ...(config.https || config.dev ? [] : ["  Note: browsers only allow camera/mic on https:// or localhost."]),
    "",
  ].join("\n");
  console.log(banner);

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, "shutting down");
    pool.beginShutdown();
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    void (async () => {
      try {
        observer.beginShutdown(); // leaves from here on are the restart, not people leaving
        await signaling.close();
        await observer.shutdown(); // ends open meeting sessions (as "restart"), flushes pending writes
        pool.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections?.();
        });
        await app.close().catch(() => undefined);
      } catch (err) {
        log.error({ err }, "error during shutdown");
      }
      process.exit(0);
    })();
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  log.fatal({ err }, "server failed to start");
  console.error(`\nserver failed to start: ${(err as Error)?.message ?? err}\n`);
  process.exit(1);
});
