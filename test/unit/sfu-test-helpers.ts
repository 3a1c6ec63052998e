// Shared by room.test.ts and signaling-hostility.test.ts: a signaling server without Next on
// a random port, and a tiny promise-based client for the wire protocol.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as mediasoup from "mediasoup";
import pino from "pino";
import WebSocket from "ws";
import { signJoinToken, newGuestParticipantKey } from "../../lib/auth/join-token";
import { WS_PATH } from "../../lib/signaling/protocol";
import { startSignaling, type Signaling, type StartSignalingOptions } from "../../server/app";

process.env.JOIN_TOKEN_SECRET ??= "unit-test-secret-0123456789abcdef";

/** Why SFU tests can't run here, or null when the worker binary exists. */
export function workerMissingReason(): string | null {
  const bin = mediasoup.workerBin;
  if (fs.existsSync(bin)) return null;
  const reason = `mediasoup worker binary not found at ${bin} (build it with \`node scripts/mediasoup-worker.mjs\`)`;
  // In CI the binary must exist: fail instead of silently skipping.
  if (process.env.CI) throw new Error(`CI: ${reason}`);
  console.warn(`SKIPPING SFU tests: ${reason}`);
  return reason;
}

export type TestServer = {
  signaling: Signaling;
  httpServer: http.Server;
  port: number;
  wsUrl: string;
  stats(): Promise<Record<string, number>>;
  close(): Promise<void>;
};

export async function startTestServer(
  overrides: Partial<StartSignalingOptions> & {
    maxPeers?: number;
    numWorkers?: number;
    /** Extra config (e.g. ROUTER_CONSUMER_THRESHOLD). */
    configOverrides?: Partial<StartSignalingOptions["config"]>;
  } = {},
): Promise<TestServer> {
  const { maxPeers, numWorkers, configOverrides, ...options } = overrides;
  const httpServer = http.createServer();
  let signaling: Signaling | null = null;
  // random RTC port; retry if something else already listens there
  for (let attempt = 0; !signaling; attempt++) {
    try {
      signaling = await startSignaling({
        httpServer,
        config: {
          NUM_WORKERS: numWorkers ?? 1,
          RTC_MIN_PORT: 42000 + Math.floor(Math.random() * 20000),
          LISTEN_IP: "127.0.0.1",
          ANNOUNCED_ADDRESS: "127.0.0.1",
          MAX_PEERS_PER_ROOM: maxPeers ?? 50,
          ...configOverrides,
        },
        logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
        ...options,
      });
    } catch (err) {
      if (attempt >= 4 || !/cannot listen/.test(String((err as Error).message))) throw err;
    }
  }
  httpServer.on("request", (req, res) => {
    if (!signaling.handleHttp(req, res)) {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const port = (httpServer.address() as AddressInfo).port;
  return {
    signaling,
    httpServer,
    port,
    wsUrl: `ws://127.0.0.1:${port}${WS_PATH}`,
    async stats() {
      const res = await fetch(`http://127.0.0.1:${port}/api/sfu/stats`);
      return (await res.json()) as Record<string, number>;
    },
    async close() {
      await signaling.close();
      signaling.pool.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

export async function tokenFor(
  roomId: string,
  opts: { host?: boolean; name?: string; sub?: string } = {},
): Promise<string> {
  const { token } = await signJoinToken({
    room: roomId,
    sub: opts.sub ?? newGuestParticipantKey(),
    name: opts.name ?? "Tester",
    host: opts.host ?? false,
    guest: true,
  });
  return token;
}

export type Reply = { id: unknown; ok: boolean; data?: any; error?: { code: string; message: string } };
export type Note = { notification: string; data: any };

export class TestClient {
  private nextId = 1;
  private readonly pending = new Map<unknown, (r: Reply) => void>();
  readonly notifications: Note[] = [];
  readonly orphanReplies: Reply[] = [];
  private waiters: Array<{ match: (n: Note) => boolean; resolve: (n: Note) => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    ws.on("error", () => undefined);
    ws.on("message", (raw) => {
      const msg = JSON.parse(raw.toString());
      if ("notification" in msg) {
        this.notifications.push(msg);
        this.waiters = this.waiters.filter((w) => {
          if (!w.match(msg)) return true;
          w.resolve(msg);
          return false;
        });
        return;
      }
      const resolve = this.pending.get(msg.id);
      if (resolve) {
        this.pending.delete(msg.id);
        resolve(msg);
      } else {
        this.orphanReplies.push(msg);
      }
    });
  }

  static connect(url: string, options: WebSocket.ClientOptions = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new TestClient(ws);
      ws.once("open", () => resolve(client));
      ws.once("error", reject);
    });
  }

  request(method: string, data?: unknown, timeoutMs = 5000): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no reply to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.ws.send(JSON.stringify({ id, method, data }));
    });
  }

  /** Request that must succeed; returns its data. */
  async ok(method: string, data?: unknown): Promise<any> {
    const r = await this.request(method, data);
    if (!r.ok) throw new Error(`${method} failed: ${r.error?.code} ${r.error?.message}`);
    return r.data;
  }

  /** Request that must fail with `code`. */
  async fails(method: string, data: unknown, code: string): Promise<Reply> {
    const r = await this.request(method, data);
    if (r.ok || r.error?.code !== code) {
      throw new Error(`${method}: expected ${code}, got ${JSON.stringify(r).slice(0, 300)}`);
    }
    return r;
  }

  waitFor(name: string, match: (data: any) => boolean = () => true, timeoutMs = 5000): Promise<Note> {
    const existing = this.notifications.find((n) => n.notification === name && match(n.data));
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const waiter = {
        match: (n: Note) => n.notification === name && match(n.data),
        resolve: (n: Note) => {
          clearTimeout(timer);
          resolve(n);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${name} notification within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  count(name: string): number {
    return this.notifications.filter((n) => n.notification === name).length;
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

export const audioRtpParameters = (ssrc: number) => ({
  mid: "0",
  codecs: [
    {
      mimeType: "audio/opus",
      payloadType: 111,
      clockRate: 48000,
      channels: 2,
      parameters: { minptime: 10, useinbandfec: 1 },
      rtcpFeedback: [],
    },
  ],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
});

export const videoRtpParameters = (ssrc: number) => ({
  mid: "1",
  codecs: [
    {
      mimeType: "video/VP8",
      payloadType: 96,
      clockRate: 90000,
      parameters: {},
      rtcpFeedback: [{ type: "nack" }, { type: "nack", parameter: "pli" }, { type: "ccm", parameter: "fir" }],
    },
  ],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname: `cname-${ssrc}`, reducedSize: true },
});

/** Opens a socket, warms up (caps), joins with the router's own caps as device caps. */
export async function joinedClient(
  server: TestServer,
  roomId: string,
  name: string,
  opts: { recvBeforeJoin?: boolean; host?: boolean; sub?: string } = {},
): Promise<{ client: TestClient; peerId: string; join: any; caps: any; recvTransportId?: string }> {
  const client = await TestClient.connect(server.wsUrl);
  const token = await tokenFor(roomId, { host: opts.host, name, sub: opts.sub });
  const { routerRtpCapabilities: caps } = await client.ok("getRouterRtpCapabilities", { roomId, token });
  let recvTransportId: string | undefined;
  if (opts.recvBeforeJoin) recvTransportId = (await client.ok("createTransport", { direction: "recv" })).id;
  const join = await client.ok("join", { roomId, token, displayName: name, rtpCapabilities: caps });
  return { client, peerId: join.peerId, join, caps, recvTransportId };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}
