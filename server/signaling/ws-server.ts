// Attaches the signaling WebSocket server to an HTTP(S) server: upgrades on WS_PATH go to
// `ws`, every other upgrade (Next dev HMR) goes to `onOtherUpgrade`.
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import WebSocket, { WebSocketServer } from "ws";
import { CLOSE_POLICY_VIOLATION, MAX_FRAME_BYTES, WS_PATH } from "../../lib/signaling/protocol";
import type { Logger } from "../logger";
import type { RoomRegistry } from "../rooms/room-registry";
import { DEFAULT_LIMITS, SignalingConnection, type ConnectionLimits } from "./connection";
import { defaultConnectionServices, type ConnectionServices } from "./connection-services";

export const HEARTBEAT_INTERVAL_MS = 15_000;
/** Close code for server shutdown ("going away"). */
export const CLOSE_GOING_AWAY = 1001;

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export type SignalingServerOptions = {
  httpServer: HttpServer | HttpsServer;
  registry: RoomRegistry;
  logger: Logger;
  heartbeatIntervalMs?: number;
  limits?: Partial<ConnectionLimits>;
  /** Join-token admission and TURN servers (default: one node, in-memory deny-list, no TURN). */
  services?: ConnectionServices;
  /** Non-signaling upgrades (e.g. Next's HMR websocket). Default: refuse with 404. */
  onOtherUpgrade?: UpgradeHandler;
};

export type SignalingServer = {
  wss: WebSocketServer;
  /** Open signaling sockets. */
  readonly connections: number;
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
    try {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    } catch (err) {
      log.warn({ err }, "websocket upgrade failed");
      socket.destroy();
    }
  };
  options.httpServer.on("upgrade", onUpgrade);

  wss.on("connection", (ws: AliveSocket, req: IncomingMessage) => {
    ws.isAlive = true;
    ws.on("pong", () => {
      ws.isAlive = true;
    });
    closeOversizedWith1008(ws, log);
    try {
      new SignalingConnection(ws, req, options.registry, log, limits, services);
    } catch (err) {
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

  return {
    wss,
    get connections() {
      return wss.clients.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        options.httpServer.off("upgrade", onUpgrade);
        for (const client of wss.clients) {
          try {
            client.close(CLOSE_GOING_AWAY, "server shutting down");
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
