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
import { closeStaleSessions, createHistoryObserver } from "./history";
import { NodeServices } from "./cluster/node-services";
import { followClusterEvents } from "./cluster/room-events";
import { Cascade } from "./cluster/cascade";
import { combineObservers } from "./rooms/combined-observer";
import type { RoomObserver } from "./rooms/room-observer";
import { metrics } from "./metrics";
import { createOpsHandler, HEALTHZ_PATH, METRICS_PATH, READYZ_PATH, type NodeLifecycle } from "./ops/ops-http";
import { prisma } from "../lib/db";
import { WS_PATH } from "../lib/signaling/protocol";
import { iceServersFor } from "../lib/turn/credentials";
import { createDbMeetingGate } from "./rooms/db-meeting-gate";

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
  // Shared state (memory, or Redis with REDIS_URL; exits here if Redis is unreachable).
  const node = await NodeServices.start(config, log);
  let lifecycle: NodeLifecycle = "starting";
  metrics().bindNode(config.nodeId, () => lifecycle);
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

  const ops = createOpsHandler({
    nodeId: config.nodeId,
    lifecycle: () => lifecycle,
    metrics: metrics(),
    metricsToken: config.METRICS_TOKEN,
    checks: {
      workers: async () => {
        if (pool.workers.length === 0) throw new Error("no live mediasoup worker");
      },
      database: async () => {
        await prisma.$queryRaw`SELECT 1`;
      },
      ...(config.clustered ? { redis: () => node.ping() } : {}),
    },
  });

  const onRequest: http.RequestListener = (req, res) => {
    if (ops.handle(req, res)) return;
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

  const observer = await createHistoryObserver({
    logger: log,
    nodeId: config.nodeId,
    staleNodeIds: await node.staleNodeIds(),
    adoptable: node.adoptable,
  });
  const turn = { urls: config.TURN_URLS, secret: config.TURN_SECRET, ttlSeconds: config.TURN_TTL_SECONDS };
  // Several nodes: rooms may span nodes (server/cluster/cascade.ts); it needs the registry,
  // which needs the observer: bound once the registry exists.
  let cascade: Cascade | null = null;
  const cascadeObserver: RoomObserver = {
    peerJoined: (r, p) => cascade?.peerJoined(r, p),
    peerLeft: (r, p) => cascade?.peerLeft(r, p),
    qualitySample: () => {},
    roomClosed: (r) => cascade?.roomClosed(r),
  };
  const signaling = await startSignaling({
    httpServer: server,
    config,
    pool,
    observer: config.clustered ? combineObservers(log, observer, cascadeObserver) : observer,
    logger: log,
    onOtherUpgrade,
    services: { admission: node.admission, iceServers: (participantKey) => iceServersFor(turn, participantKey) },
    isSiteOrigin: (origin) => node.clusterNode?.isNodeOrigin(origin) ?? false,
    // token epoch + invite fingerprint against the database, and the meeting's room settings
    gate: createDbMeetingGate(prisma),
  });
  if (config.clustered) {
    cascade = new Cascade({
      state: node.state,
      nodeId: config.nodeId,
      registry: signaling.registry,
      listenIp: config.LISTEN_IP,
      announcedAddress: config.ANNOUNCED_ADDRESS,
      logger: log,
    });
    cascade.start();
  }
  const stopFollowingEvents = followClusterEvents({ events: node.state.events, rooms: signaling.registry, nodeId: config.nodeId, logger: log });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.LISTEN_IP, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (err) => log.error({ err }, "http server error"));
  // Several nodes: join the registry now that this node can serve. The node that declares
  // another dead closes its open history rows as a crash: the node its rooms move to
  // continues those sessions (one session, one attendance per person).
  await node.startNode(
    signaling.registry,
    async (deadId) => {
      // sessions this node shares with the dead one continue here, untouched by the close
      await observer.takeOver(deadId);
      const closed = await closeStaleSessions(prisma, { nodeIds: [deadId] });
      log.info({ dead: deadId, ...closed }, "closed the history rows of a dead node (as a crash)");
    },
    (live) => cascade?.tick(live) ?? Promise.resolve(),
  );
  lifecycle = "ready";

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
    `  Health:            ${HEALTHZ_PATH}, ${READYZ_PATH}; ${METRICS_PATH} (${config.METRICS_TOKEN ? "loopback or bearer token" : "loopback only"})`,
    config.clustered
      ? `  Node:              ${config.nodeId} at ${config.NODE_PUBLIC_URL} (shared state in Redis)`
      : `  Node:              one node, state in memory (set REDIS_URL for several)`,
    ...(config.TURN_URLS.length ? [`  TURN:              ${config.TURN_URLS.join(", ")} (credentials for ${config.TURN_TTL_SECONDS} s)`] : []),
    ...(config.https || config.dev ? [] : ["  Note: browsers only allow camera/mic on https:// or localhost."]),
    "",
  ].join("\n");
  console.log(banner);

  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, "shutting down");
    lifecycle = "draining"; // /readyz -> 503: load balancers stop sending new requests
    pool.beginShutdown();
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    void (async () => {
      try {
        await node.drain(); // no new rooms placed here
        observer.beginShutdown(); // leaves from here on are the restart, not people leaving
        await signaling.close();
        stopFollowingEvents();
        cascade?.stop();
        await observer.shutdown(); // ends open meeting sessions (as "restart"), flushes pending writes
        await node.close(); // releases this node's rooms, leaves the registry, closes Redis
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
