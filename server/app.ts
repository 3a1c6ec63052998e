// The SFU + signaling part of the server, startable without Next (unit tests use this):
// worker pool -> room registry -> WebSocket signaling on the given HTTP(S) server, plus the
// loopback-only /api/sfu/stats endpoint.
import type { IncomingMessage, ServerResponse, Server as HttpServer } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Config } from "./config";
import { logger as defaultLogger, type Logger } from "./logger";
import type { MeetingGate } from "./rooms/meeting-gate";
import { RoomRegistry, type RegistryCounts } from "./rooms/room-registry";
import type { ChatArchive } from "./rooms/room-chat";
import { describePlacement, describeRoom } from "./rooms/room-report";
import { noopRoomObserver, type RoomObserver } from "./rooms/room-observer";
import { WorkerPool } from "./sfu/worker-pool";
import { attachSignalingServer, type SignalingServer, type UpgradeHandler } from "./signaling/ws-server";
import type { ConnectionLimits } from "./signaling/connection";
import type { ConnectionServices } from "./signaling/connection-services";
import { metrics } from "./metrics";

export const SFU_STATS_PATH = "/api/sfu/stats";

export type SignalingConfig = Pick<
  Config,
  "NUM_WORKERS" | "RTC_MIN_PORT" | "LISTEN_IP" | "ANNOUNCED_ADDRESS" | "MAX_PEERS_PER_ROOM"
> &
  Partial<
    Pick<
      Config,
      | "RECONNECT_GRACE_SECONDS"
      | "ROUTER_CONSUMER_THRESHOLD"
      | "INGEST_LISTEN_IP"
      | "WS_MAX_UNAUTHENTICATED_PER_IP"
      | "WS_MAX_UNAUTHENTICATED"
      | "ALLOWED_ORIGINS"
      | "PUBLIC_URL"
      | "TRUST_PROXY"
    >
  >;

export type StartSignalingOptions = {
  httpServer: HttpServer | HttpsServer;
  config: SignalingConfig;
  logger?: Logger;
  /** Meeting-history hook (default: no-op). */
  observer?: RoomObserver;
  /** Keeps chat messages with the meeting history (default: only in the room's memory). */
  chatArchive?: ChatArchive;
  /** Reuse an existing pool instead of creating one. */
  pool?: WorkerPool;
  onOtherUpgrade?: UpgradeHandler;
  heartbeatIntervalMs?: number;
  qualityIntervalMs?: number;
  /** Overrides RECONNECT_GRACE_SECONDS (tests). */
  reconnectGraceMs?: number;
  limits?: Partial<ConnectionLimits>;
  /** Join-token revocation and meeting settings (default: open gate, no database). */
  gate?: MeetingGate;
  /** Join-token admission (deny-list, hosting node) and TURN servers; default: one node, no TURN. */
  services?: ConnectionServices;
  /** Several nodes: is this the origin of another node of the site (allowed to open /ws)? */
  isSiteOrigin?: (origin: string) => boolean;
};

export type SfuStats = RegistryCounts & { connections: number; unauthenticated: number };

export type Signaling = {
  pool: WorkerPool;
  registry: RoomRegistry;
  signaling: SignalingServer;
  stats(): SfuStats;
  /** Answers GET /api/sfu/stats (loopback only). Returns false for any other request. */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  close(): Promise<void>;
};

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

export async function startSignaling(options: StartSignalingOptions): Promise<Signaling> {
  const log = options.logger ?? defaultLogger;
  const { config } = options;
  const pool =
    options.pool ??
    (await WorkerPool.create({
      numWorkers: config.NUM_WORKERS,
      rtcMinPort: config.RTC_MIN_PORT,
      listenIp: config.LISTEN_IP,
      announcedAddress: config.ANNOUNCED_ADDRESS,
      logger: log,
    }));
  const registry = new RoomRegistry({
    pool,
    maxPeersPerRoom: config.MAX_PEERS_PER_ROOM,
    observer: options.observer ?? noopRoomObserver,
    chatArchive: options.chatArchive,
    logger: log,
    qualityIntervalMs: options.qualityIntervalMs,
    routerConsumerThreshold: config.ROUTER_CONSUMER_THRESHOLD,
    reconnectGraceMs:
      options.reconnectGraceMs ?? (config.RECONNECT_GRACE_SECONDS ? config.RECONNECT_GRACE_SECONDS * 1000 : undefined),
    gate: options.gate,
    ingest: { listenIp: config.INGEST_LISTEN_IP ?? "127.0.0.1" },
  });
  const signaling = attachSignalingServer({
    httpServer: options.httpServer,
    registry,
    logger: log,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    limits: options.limits,
    services: options.services,
    upgradePolicy: {
      allowedOrigins: config.ALLOWED_ORIGINS,
      publicOrigin: config.PUBLIC_URL,
      trustProxy: config.TRUST_PROXY,
      isSiteOrigin: options.isSiteOrigin,
      ...(config.WS_MAX_UNAUTHENTICATED_PER_IP ? { maxUnauthenticatedPerIp: config.WS_MAX_UNAUTHENTICATED_PER_IP } : {}),
      ...(config.WS_MAX_UNAUTHENTICATED ? { maxUnauthenticated: config.WS_MAX_UNAUTHENTICATED } : {}),
    },
    onOtherUpgrade: options.onOtherUpgrade,
  });
  metrics().bindSfu({
    counts: () => registry.counts(),
    connections: () => signaling.connections,
    workers: () => pool.workers.map((w) => ({ index: w.index, pid: w.worker.pid, getResourceUsage: () => w.worker.getResourceUsage() })),
  });

  const stats = (): SfuStats => ({
    ...registry.counts(),
    connections: signaling.connections,
    unauthenticated: signaling.unauthenticated,
  });

  const handleHttp = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? "/";
    const path = url.split("?")[0];
    if (path !== SFU_STATS_PATH) return false;
    if (!isLoopback(req.socket.remoteAddress)) {
      res.writeHead(403, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "stats are only served to loopback clients" }));
      return true;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "content-type": "application/json", allow: "GET" });
      res.end(JSON.stringify({ error: "method not allowed" }));
      return true;
    }
    // ?room=<id>: that room in detail (peers, roles, producers and their pause state)
    const roomId = new URLSearchParams(url.split("?")[1] ?? "").get("room");
    const room = roomId ? registry.get(roomId) : undefined;
    if (roomId && !room) {
      res.writeHead(404, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ error: "no such room here" }));
      return true;
    }
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    // ?detail=1: where each room runs (its routers' workers, peers and consumers)
    const detail = new URL(url, "http://localhost").searchParams.get("detail") === "1";
    const body = room ? describeRoom(room) : detail ? { ...stats(), detail: registry.all().map(describePlacement) } : stats();
    res.end(req.method === "HEAD" ? undefined : JSON.stringify(body));
    return true;
  };

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await signaling.close();
      registry.closeAll();
      if (!options.pool) pool.close();
    })());

  return { pool, registry, signaling, stats, handleHttp, close };
}
