// How many people one room carries on this machine, through the room's own routing code
// (RoomRouters: the placement policy with the default threshold, pipeToRouter between the
// workers) — the figure behind MAX_PEERS_PER_ROOM's default (docs/scaling.md).
//
//   npm run bench:room-capacity                         # rooms of 10, 20, ... 100 people
//   npm run bench:room-capacity -- --steps 30,40,50 --window 10 --visible 24
//
// Each person publishes one camera (640x360 VP8 ~500 kbit/s: a pre-encoded ffmpeg testsrc,
// replayed with its own SSRC into a PlainTransport producer on the person's home router)
// and receives the others through an SRTP PlainTransport on that router: the first
// `--visible` (24 = a 25-tile page minus oneself) unpaused, the rest created but paused,
// like last-N. What the workers send goes to an address in a network namespace where the
// kernel discards it, so no receiver competes with the workers for the 2 cores; delivery is
// counted on the workers: RTP lost on the way in (their sockets overflow when a worker runs
// out of CPU) plus packets a consumer did not forward. A room "carries" N people when that
// is under 1 % over the window. Needs root (a network namespace, 198.18.0.0/15 addresses).
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import { readFileSync } from "node:fs";
import os from "node:os";
import pino from "pino";
import type { types as ms } from "mediasoup";
import { DEFAULT_ROUTER_CONSUMER_THRESHOLD } from "../server/rooms/router-placement";
import { RoomRouters } from "../server/rooms/room-routers";
import type { LocalRoomRouter } from "../server/rooms/room-router";
import { WorkerPool } from "../server/sfu/worker-pool";

const argv = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const STEPS = arg("steps", "10,20,30,40,50,60,70,80,90,100").split(",").map(Number);
const WINDOW_S = Number(arg("window", "8"));
const VISIBLE = Number(arg("visible", "24"));
const THRESHOLD = Number(arg("threshold", String(DEFAULT_ROUTER_CONSUMER_THRESHOLD)));
const WORKERS = Number(arg("workers", String(os.availableParallelism())));
const LOSS_LIMIT_PCT = 1;

const log = pino({ level: "silent" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- the sink: a network namespace that drops it ----------------------------------------
// A veth pair into a namespace of its own; the sink address is on the link (a static
// neighbour entry, so no ARP) but belongs to nobody: the namespace's kernel drops what
// arrives (no forwarding there), and nothing is sent back.

const TAG = `mscap${process.pid % 10000}`;
const NS = `meet-${TAG}`;
const HOST_IF = `mh${TAG}`.slice(0, 15);
const NS_IF = `mn${TAG}`.slice(0, 15);
const NET = `198.19.${200 + (process.pid % 50)}`;
const SINK_IP = `${NET}.3`;
const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "pipe", "pipe"] });

function setUpSink(): void {
  ip("netns", "add", NS);
  ip("link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF);
  ip("link", "set", NS_IF, "netns", NS);
  ip("addr", "add", `${NET}.1/29`, "dev", HOST_IF);
  ip("link", "set", HOST_IF, "up");
  ip("netns", "exec", NS, "ip", "addr", "add", `${NET}.2/29`, "dev", NS_IF);
  ip("netns", "exec", NS, "ip", "link", "set", NS_IF, "up");
  const mac = execFileSync("ip", ["netns", "exec", NS, "cat", `/sys/class/net/${NS_IF}/address`], { encoding: "utf8" }).trim();
  ip("neigh", "replace", SINK_IP, "lladdr", mac, "dev", HOST_IF, "nud", "permanent");
}
function tearDownSink(): void {
  for (const args of [["netns", "del", NS], ["link", "del", HOST_IF]]) {
    try {
      ip(...args);
    } catch {
      // not there
    }
  }
}

// ---- the camera: 10 s of VP8 RTP from ffmpeg, replayed in a loop per publisher -------------

type Packet = { at: number; buf: Buffer };
const CLIP_S = 10;

async function captureClip(): Promise<{ packets: Packet[]; durationTicks: number }> {
  const sock = dgram.createSocket("udp4");
  await new Promise<void>((r) => sock.bind(0, "127.0.0.1", r));
  const port = sock.address().port;
  const packets: Packet[] = [];
  sock.on("message", (buf) => packets.push({ at: 0, buf: Buffer.from(buf) }));
  const ff = spawn(
    "ffmpeg",
    [
      "-hide_banner", "-loglevel", "error", "-re",
      "-f", "lavfi", "-i", `testsrc=size=640x360:rate=25`,
      "-t", String(CLIP_S),
      "-c:v", "libvpx", "-b:v", "500k", "-deadline", "realtime", "-cpu-used", "8", "-g", "50", "-keyint_min", "50",
      "-payload_type", "101", "-ssrc", "1", "-f", "rtp", `rtp://127.0.0.1:${port}?pkt_size=1200`,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    ff.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}`))));
    ff.on("error", reject);
  });
  await sleep(200);
  sock.close();
  if (packets.length < 100) throw new Error(`captured only ${packets.length} RTP packets`);
  const ts0 = packets[0].buf.readUInt32BE(4);
  for (const p of packets) p.at = ((p.buf.readUInt32BE(4) - ts0) >>> 0) / 90; // ms by RTP time
  const last = packets[packets.length - 1];
  return { packets, durationTicks: Math.round((last.at + 40) * 90) };
}

class Replayer {
  private timer: NodeJS.Timeout | null = null;
  private readonly sock = dgram.createSocket("udp4");
  private readonly targets: { port: number; ssrc: number; seq: number; loop: number; next: number; startedAt: number }[] = [];

  constructor(private readonly clip: { packets: Packet[]; durationTicks: number }) {}

  add(port: number, ssrc: number): void {
    // publishers start at different points of the clip so that key frames do not align
    const offset = Math.floor(Math.random() * this.clip.packets.length);
    this.targets.push({ port, ssrc, seq: Math.floor(Math.random() * 30000), loop: 0, next: offset, startedAt: performance.now() - this.clip.packets[offset].at });
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), 5);
  }

  private tick(): void {
    const now = performance.now();
    const loopMs = this.clip.durationTicks / 90;
    for (const t of this.targets) {
      for (;;) {
        const p = this.clip.packets[t.next];
        if (t.startedAt + t.loop * loopMs + p.at > now) break;
        const out = Buffer.from(p.buf);
        out.writeUInt16BE(t.seq & 0xffff, 2);
        out.writeUInt32BE((p.buf.readUInt32BE(4) + t.loop * this.clip.durationTicks) >>> 0, 4);
        out.writeUInt32BE(t.ssrc, 8);
        this.sock.send(out, t.port, "127.0.0.1");
        t.seq++;
        t.next++;
        if (t.next >= this.clip.packets.length) {
          t.next = 0;
          t.loop++;
        }
      }
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sock.close();
  }
}

// ---- one room of N people --------------------------------------------------------------

type Person = {
  home: LocalRoomRouter;
  producer: ms.Producer;
  consumers: ms.Consumer[];
};

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(f[11]) + Number(f[12]); // utime + stime
}

async function runStep(pool: WorkerPool, clip: { packets: Packet[]; durationTicks: number }, n: number) {
  const routers = await RoomRouters.create({ pool, roomId: `capacity-${n}`, log, consumerThreshold: THRESHOLD });
  const people: Person[] = [];
  const replayer = new Replayer(clip);
  const homes = new Map<LocalRoomRouter, number>();
  try {
    for (let i = 0; i < n; i++) {
      const home = await routers.place(i + 1, (r) => homes.get(r) ?? 0);
      homes.set(home, (homes.get(home) ?? 0) + 1);
      const pt = await home.router.createPlainTransport({ listenInfo: { protocol: "udp", ip: "127.0.0.1" }, rtcpMux: true, comedia: true });
      const ssrc = 10_000 + i;
      const producer = await pt.produce({
        kind: "video",
        rtpParameters: {
          codecs: [{ mimeType: "video/VP8", payloadType: 101, clockRate: 90000, rtcpFeedback: [{ type: "nack" }, { type: "nack", parameter: "pli" }] }],
          encodings: [{ ssrc }],
        },
      });
      replayer.add(pt.tuple.localPort, ssrc);
      people.push({ home, producer, consumers: [] });
    }
    // everyone consumes everyone (over pipes where the producer lives on the other router);
    // only the first VISIBLE others are unpaused, as a 25-tile page would show them
    for (let i = 0; i < n; i++) {
      const me = people[i];
      const ct = await me.home.router.createPlainTransport({
        listenInfo: { protocol: "udp", ip: "127.0.0.1" },
        rtcpMux: true,
        comedia: false,
        enableSrtp: true,
        srtpCryptoSuite: "AEAD_AES_128_GCM",
      });
      await ct.connect({
        ip: SINK_IP,
        port: 9,
        srtpParameters: { cryptoSuite: "AEAD_AES_128_GCM", keyBase64: randomBytes(28).toString("base64") },
      });
      for (let k = 1; k < n; k++) {
        const other = people[(i + k) % n];
        await routers.ensureProducerOn(me.home, other.home, other.producer.id);
        const c = await ct.consume({ producerId: other.producer.id, rtpCapabilities: me.home.rtpCapabilities, paused: true });
        if (k <= VISIBLE) {
          await c.resume();
          me.consumers.push(c);
        }
      }
    }
    replayer.start();
    await sleep(3_000); // every consumer has had a key frame (every 2 s)
    const pids = pool.workers.map((w) => w.worker.pid);
    const snap = async () => {
      const prod = new Map<string, { packets: number; lost: number }>();
      await Promise.all(
        people.map(async (p) => {
          const s = (await p.producer.getStats())[0];
          prod.set(p.producer.id, { packets: s?.packetCount ?? 0, lost: s?.packetsLost ?? 0 });
        }),
      );
      const cons = new Map<string, number>();
      await Promise.all(
        people.flatMap((p) =>
          p.consumers.map(async (c) => {
            const s = (await c.getStats()).find((x) => x.type === "outbound-rtp");
            cons.set(c.id, s?.packetCount ?? 0);
          }),
        ),
      );
      return { prod, cons, cpu: pids.map(cpuTicks), at: performance.now() };
    };
    const a = await snap();
    await sleep(WINDOW_S * 1000);
    const b = await snap();
    let expected = 0;
    let missing = 0;
    let forwarded = 0;
    for (const p of people) {
      const pa = a.prod.get(p.producer.id)!;
      const pb = b.prod.get(p.producer.id)!;
      const received = pb.packets - pa.packets;
      const lost = Math.max(0, pb.lost - pa.lost);
      expected += received + lost;
      missing += lost;
      for (const c of p.consumers) {
        const want = b.prod.get(c.producerId)!.packets - a.prod.get(c.producerId)!.packets;
        const sent = b.cons.get(c.id)! - a.cons.get(c.id)!;
        expected += want;
        missing += Math.max(0, want - sent);
        forwarded += sent;
      }
    }
    const hz = 100; // USER_HZ
    const secs = (b.at - a.at) / 1000;
    const cpu = b.cpu.map((t, i) => Math.round(((t - a.cpu[i]) / hz / secs) * 100));
    const active = people.reduce((s, p) => s + p.consumers.length, 0);
    const spread = [...homes.values()];
    return {
      peers: n,
      routers: routers.list.length,
      peersPerRouter: spread,
      activeVideoConsumers: active,
      forwardedPps: Math.round(forwarded / secs),
      lossPct: Math.round((1000 * missing) / Math.max(1, expected)) / 10,
      workerCpuPct: cpu,
    };
  } finally {
    replayer.stop();
    routers.close();
    await sleep(500);
  }
}

async function main() {
  if (process.getuid?.() !== 0) throw new Error("needs root (a network namespace is the traffic sink)");
  console.log(
    `room-capacity: ${WORKERS} workers, threshold ${THRESHOLD} consumers/router, ${VISIBLE} visible videos per person, ` +
      `${WINDOW_S} s windows, load average ${os.loadavg()[0].toFixed(2)}`,
  );
  tearDownSink();
  setUpSink();
  process.on("exit", tearDownSink);
  const pool = await WorkerPool.create({
    numWorkers: WORKERS,
    rtcMinPort: 45000 + Math.floor(Math.random() * 10000),
    listenIp: "127.0.0.1",
    announcedAddress: "127.0.0.1",
    logger: log,
  });
  try {
    const clip = await captureClip();
    console.log(`clip: ${clip.packets.length} RTP packets in ${CLIP_S} s (${Math.round((clip.packets.reduce((s, p) => s + p.buf.length, 0) * 8) / CLIP_S / 1000)} kbit/s)`);
    let carried = 0;
    for (const n of STEPS) {
      const r = await runStep(pool, clip, n);
      const ok = r.lossPct < LOSS_LIMIT_PCT;
      console.log(
        `  ${String(n).padStart(3)} people: ${r.routers} router(s) ${JSON.stringify(r.peersPerRouter)}, ` +
          `${r.activeVideoConsumers} video consumers forwarding ${r.forwardedPps} packets/s, loss ${r.lossPct} %, ` +
          `worker CPU ${r.workerCpuPct.join(" / ")} %  ${ok ? "ok" : "TOO MUCH"}`,
      );
      if (ok) carried = n;
      else break;
    }
    console.log(JSON.stringify({ maxPeersPerRoom: carried, workers: WORKERS, visible: VISIBLE, threshold: THRESHOLD }));
  } finally {
    pool.close();
    tearDownSink();
  }
}

main().catch((err) => {
  console.error(err);
  tearDownSink();
  process.exit(1);
});
