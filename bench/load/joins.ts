// Signaling joins per second per node, and server memory per idle participant. Each join is
// what a browser does before media: a join token, a WebSocket, getRouterRtpCapabilities,
// both createTransport, join (no ICE/DTLS, no media). Joins run `concurrency` at a time into
// rooms of `roomSize` (so every join also fans a peerJoined out to the room); every reply
// must be ok. The joined participants stay, idle, and the server's RSS (node + worker)
// before and after gives the memory per idle participant.
import WebSocket from "ws";
import { newGuestParticipantKey, signJoinToken } from "../../lib/auth/join-token";
import type { LineChild } from "./line-child";

type RawClient = { ws: WebSocket; request(method: string, data: unknown): Promise<unknown> };

function connect(url: string): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let nextId = 1;
    const pending = new Map<number, { resolve: (d: unknown) => void; reject: (e: Error) => void }>();
    ws.on("message", (raw) => {
      const msg = JSON.parse(raw.toString());
      if (typeof msg.id !== "number") return; // notifications (peerJoined...) are ignored
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.data);
      else p.reject(new Error(`${msg.error?.code}: ${msg.error?.message}`));
    });
    ws.once("error", reject);
    ws.once("close", () => {
      for (const p of pending.values()) p.reject(new Error("socket closed"));
      pending.clear();
    });
    ws.once("open", () =>
      resolve({
        ws,
        request(method, data) {
          const id = nextId++;
          return new Promise((res, rej) => {
            const timer = setTimeout(() => {
              pending.delete(id);
              rej(new Error(`${method}: no reply in 10 s`));
            }, 10_000);
            pending.set(id, {
              resolve: (d) => {
                clearTimeout(timer);
                res(d);
              },
              reject: (e) => {
                clearTimeout(timer);
                rej(e);
              },
            });
            ws.send(JSON.stringify({ id, method, data }));
          });
        },
      }),
    );
  });
}

export type JoinResult = {
  joins: number;
  errors: number;
  firstErrors: string[];
  seconds: number;
  joinsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  /** Server node process RSS growth per idle participant. */
  nodeKiBPerPeer: number;
  /** mediasoup worker RSS growth per idle participant (its two transports). */
  workerKiBPerPeer: number;
  rssPerPeerKiB: number;
  joinedOnServer: number;
};

async function memory(server: LineChild): Promise<{ rss: number; worker: number; joined: number }> {
  // two collections: what is still referenced, not garbage waiting for the next GC
  await server.ask({ cmd: "mem", gc: true }, "mem");
  const m = await server.ask({ cmd: "mem", gc: true }, "mem");
  return {
    rss: m.rssKiB as number,
    worker: m.workerRssKiB as number,
    joined: (m.stats as { joinedPeers: number }).joinedPeers,
  };
}

export async function measureJoins(opts: {
  server: LineChild;
  wsUrl: string;
  joins: number;
  concurrency: number;
  roomSize: number;
  warmup: number;
}): Promise<JoinResult> {
  const clients: RawClient[] = [];
  const errors: string[] = [];
  const durations: number[] = [];
  let index = 0;

  const joinOne = async (i: number): Promise<void> => {
    const t0 = performance.now();
    const roomId = `join-bench-${Math.floor(i / opts.roomSize)}`;
    const { token } = await signJoinToken({ room: roomId, sub: newGuestParticipantKey(), name: `joiner ${i}`, host: false, guest: true });
    const c = await connect(opts.wsUrl);
    clients.push(c);
    const { routerRtpCapabilities } = (await c.request("getRouterRtpCapabilities", { roomId, token })) as {
      routerRtpCapabilities: unknown;
    };
    await Promise.all([c.request("createTransport", { direction: "send" }), c.request("createTransport", { direction: "recv" })]);
    await c.request("join", { roomId, token, displayName: `joiner ${i}`, rtpCapabilities: routerRtpCapabilities });
    durations.push(performance.now() - t0);
  };

  const run = async (count: number) => {
    const end = index + count;
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (index < end) {
          const i = index++;
          try {
            await joinOne(i);
          } catch (err) {
            errors.push((err as Error).message);
          }
        }
      }),
    );
  };

  // warm-up (JIT, first rooms), not counted in the rate
  await run(opts.warmup);
  durations.length = 0;
  const before = await memory(opts.server);
  const t0 = performance.now();
  await run(opts.joins);
  const seconds = (performance.now() - t0) / 1000;
  const after = await memory(opts.server);
  const sorted = [...durations].sort((a, b) => a - b);
  const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);
  const peers = Math.max(1, after.joined - before.joined);
  const nodeKiB = (after.rss - before.rss) / peers;
  const workerKiB = (after.worker - before.worker) / peers;
  for (const c of clients) c.ws.terminate();
  return {
    joins: durations.length,
    errors: errors.length,
    firstErrors: [...new Set(errors)].slice(0, 5),
    seconds,
    joinsPerSec: durations.length / seconds,
    p50Ms: pct(0.5),
    p95Ms: pct(0.95),
    nodeKiBPerPeer: nodeKiB,
    workerKiBPerPeer: workerKiB,
    rssPerPeerKiB: nodeKiB + workerKiB,
    joinedOnServer: after.joined,
  };
}
