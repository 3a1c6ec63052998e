// Attaches the signaling WebSocket server to an HTTP(S) server: upgrades on WS_PATH go to
// `ws` (after the Origin check and the unauthenticated-socket caps of UpgradePolicy), every
// other upgrade (Next dev HMR) goes to `onOtherUpgrade`. Dead sockets are found two ways:
// the WebSocket ping (every heartbeat interval) and, for clients that send `ping`
// requests, silence longer than SERVER_LIVENESS_TIMEOUT_MS.
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import WebSocket, { WebSocketServer } from "ws";
import {
  CLOSE_CODES,
  CLOSE_POLICY_VIOLATION,
  MAX_FRAME_BYTES,
  SERVER_LIVENESS_TIMEOUT_MS,
  WS_PATH,
} from "../../lib/signaling/protocol";
import type { Logger } from "../logger";
import type { RoomRegistry } from "../rooms/room-registry";
import { DEFAULT_LIMITS, SignalingConnection, type ConnectionLimits } from "./connection";
import { defaultConnectionServices, type ConnectionServices } from "./connection-services";
import {
  DEFAULT_MAX_UNAUTHENTICATED,
  DEFAULT_MAX_UNAUTHENTICATED_PER_IP,
  UpgradePolicy,
  type UpgradePolicyOptions,
} from "./upgrade-policy";

export const HEARTBEAT_INTERVAL_MS = 15_000;
/** Close code for server shutdown: "service restart", clients come back by themselves. */
export const CLOSE_SERVICE_RESTART = CLOSE_CODES.serviceRestart;

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export type SignalingServerOptions = {
  httpServer: HttpServer | HttpsServer;
  registry: RoomRegistry;
  logger: Logger;
  heartbeatIntervalMs?: number;
  limits?: Partial<ConnectionLimits>;
  /** Origin allow-list and unauthenticated-socket caps (defaults: same origin only, 50 per address, 2000 total). */
  upgradePolicy?: Partial<UpgradePolicyOptions>;
  /** Join-token admission and TURN servers (default: one node, in-memory deny-list, no TURN). */
  services?: ConnectionServices;
  /** Non-signaling upgrades (e.g. Next's HMR websocket). Default: refuse with 404. */
  onOtherUpgrade?: UpgradeHandler;
};

export type SignalingServer = {
  wss: WebSocketServer;
  /** Open signaling sockets. */
  readonly connections: number;
  /** Open sockets that have not presented a valid join token yet. */
  readonly unauthenticated: number;
  close(): Promise<void>;
};

function pathOf(url: string | undefined): string | null {
  try {
    return new URL(url ?? "/", "http://localhost").pathname;
  } catch {
    return null;
  }
}

type AliveSocket = WebSocket & { isAlive?: boolean };

/**
 * `ws` answers oversized frames with close code 1009; protocol.ts promises 1008 (policy
 * violation). ws 8 calls websocket.close(1009) from its receiver's "error" listener; a
 * listener prepended on the (internal) receiver closes with 1008 first, after which ws's
 * own close() is a no-op. If ws internals change, clients simply get 1009.
 */
function closeOversizedWith1008(ws: WebSocket, log: Logger): void {
  const receiver = (ws as unknown as { _receiver?: NodeJS.EventEmitter })._receiver;
  if (!receiver || typeof receiver.prependListener !== "function") return;
  receiver.prependListener("error", (err: Error & { code?: string }) => {
    if (err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
      log.warn("oversized frame; closing socket");
      try {
        ws.close(CLOSE_POLICY_VIOLATION, "frame too large");
      } catch {
        ws.terminate();
      }
    }
  });
}

export function attachSignalingServer(options: SignalingServerOptions): SignalingServer {
  const log = options.logger.child({ component: "signaling" });
  const limits: ConnectionLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const services = options.services ?? defaultConnectionServices(log);
  const policy = new UpgradePolicy({
    maxUnauthenticatedPerIp: DEFAULT_MAX_UNAUTHENTICATED_PER_IP,
    maxUnauthenticated: DEFAULT_MAX_UNAUTHENTICATED,
    ...options.upgradePolicy,
  });
  const connections = new Set<SignalingConnection>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: true,
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    if (pathOf(req.url) !== WS_PATH) {
      if (options.onOtherUpgrade) {
        try {
          options.onOtherUpgrade(req, socket, head);
        } catch (err) {
          log.error({ err }, "upgrade handler failed");
          socket.destroy();
        }
      } else {
        socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      }
      return;
    }
    const refusal = policy.admit(req);
    if (refusal) {
      log.info({ status: refusal.status, origin: req.headers.origin, ip: policy.clientAddress(req) }, "signaling upgrade refused");
      const body = JSON.stringify({ error: refusal.message });
      const reason = { 403: "Forbidden", 429: "Too Many Requests", 503: "Service Unavailable" }[refusal.status];
      socket.end(
        `HTTP/1.1 ${refusal.status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    const ip = policy.clientAddress(req);
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      policy.release(ip);
    };
    try {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req, ip, release));
    } catch (err) {
      release();
      log.warn({ err }, "websocket upgrade failed");
      socket.destroy();
    }
  };
  options.httpServer.on("upgrade", onUpgrade);

  wss.on("connection", (ws: AliveSocket, req: IncomingMessage, ip: string, release: () => void) => {
    ws.isAlive = true;
    ws.on("pong", () => {
      ws.isAlive = true;
    });
    closeOversizedWith1008(ws, log);
    try {
      const conn = new SignalingConnection(
        ws,
        req,
        options.registry,
        log,
        limits,
        {
          onAuthenticated: release,
          onClosed: (c) => {
            release();
            connections.delete(c);
          },
        },
        ip,
        services,
      );
      connections.add(conn);
    } catch (err) {
      release();
      log.error({ err }, "cannot set up connection");
      ws.terminate();
    }
  });
  wss.on("error", (err) => log.error({ err }, "websocket server error"));

  const heartbeat = setInterval(() => {
    for (const client of wss.clients as Set<AliveSocket>) {
      if (client.isAlive === false) {
        log.info("no pong from client; terminating dead socket");
        client.terminate(); // "close" fires -> peer cleaned up
        continue;
      }
      client.isAlive = false;
      try {
        client.ping();
      } catch {
        client.terminate();
      }
    }
  }, options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();

  // Clients that ping at PING_INTERVAL_MS and go silent have lost their link: free their
  // socket now, so their peer enters its grace period and the others see "reconnecting".
  const liveness = setInterval(() => {
    const now = Date.now();
    for (const conn of connections) {
      if (conn.pinging && now - conn.lastFrameAt > SERVER_LIVENESS_TIMEOUT_MS) {
        log.info({ conn: conn.id.slice(0, 8), silentMs: now - conn.lastFrameAt }, "client went silent; dropping its socket");
        conn.terminate();
      }
    }
  }, 500);
  liveness.unref();

  return {
    wss,
    get connections() {
      return wss.clients.size;
    },
    get unauthenticated() {
      return policy.waiting;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        clearInterval(liveness);
        options.httpServer.off("upgrade", onUpgrade);
        for (const client of wss.clients) {
          try {
            client.close(CLOSE_SERVICE_RESTART, "server restarting; reconnect shortly");
          } catch {
            client.terminate();
          }
        }
        const force = setTimeout(() => {
          for (const client of wss.clients) client.terminate();
        }, 1000);
        force.unref();
        wss.close(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
