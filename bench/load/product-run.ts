// The product half: the same load as plain-router.ts, through the product. The server
// (server-child.ts: signaling + SFU, one worker pinned to its own core) gets its publishers
// from the ingest feature (ingest join tokens, createPlainTransport + produce through
// signaling, ffmpeg into the PlainTransports) and its subscribers from subscriber processes
// of real WebRTC clients that join with ordinary join tokens.
import { signJoinToken, newGuestParticipantKey } from "../../lib/auth/join-token";
import { startIngest, type IngestSession } from "../../lib/ingest/ingest-client";
import { signIngestToken } from "../../lib/ingest/ingest-token";
import { startFfmpegRtp } from "./ffmpeg";
import { LineChild } from "./line-child";
import { CpuMeter, dropsSince, stopChild, udpDropsByPort } from "./processes";
import { windowStats, type Snapshot, type StreamCounts } from "./rtp-accounting";
import type { StepResult, SweepTarget } from "./sweep";
import type { StackName } from "./webrtc-stack";

export type ProductOptions = {
  publishers: number;
  subscriberProcesses: number;
  audio: boolean;
  stack: StackName;
  patternFile: string;
  workerCpu: string;
  otherCpu: string;
  maxSeconds: number;
};

export const BENCH_ROOM = "bench-load";

export async function startServerChild(opts: { cpus: string; workerCpu?: string; maxSeconds: number; rtcPort: number }) {
  const server = new LineChild("server", "server-child.ts", {
    cpus: opts.cpus,
    maxSeconds: opts.maxSeconds,
    nodeArgs: ["--expose-gc", ...(process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [])],
    env: {
      JOIN_TOKEN_SECRET: process.env.JOIN_TOKEN_SECRET!,
      BENCH_RTC_PORT: String(opts.rtcPort),
      ...(opts.workerCpu ? { BENCH_WORKER_CPU: opts.workerCpu } : {}),
    },
  });
  const ready = await server.next("ready", undefined, 30_000);
  return { server, port: ready.port as number, pid: ready.pid as number, workerPid: ready.workerPid as number };
}

export class ProductBench implements SweepTarget {
  private server!: LineChild;
  private serverPid = 0;
  private workerPid = 0;
  private wsUrl = "";
  private readonly rtcPort = 44000 + Math.floor(Math.random() * 10000);
  private readonly ingest: IngestSession[] = [];
  private readonly ingestPorts = new Set<number>();
  private readonly ffmpegs: import("node:child_process").ChildProcess[] = [];
  private readonly children: LineChild[] = [];
  private subscribers = 0;
  private failedJoins = 0;
  private nextChild = 0;

  constructor(private readonly opts: ProductOptions) {}

  async start(): Promise<void> {
    const s = await startServerChild({ cpus: this.opts.otherCpu, workerCpu: this.opts.workerCpu, maxSeconds: this.opts.maxSeconds, rtcPort: this.rtcPort });
    this.server = s.server;
    this.serverPid = s.pid;
    this.workerPid = s.workerPid;
    this.wsUrl = `ws://127.0.0.1:${s.port}/ws`;
    for (let i = 0; i < this.opts.publishers; i++) {
      const name = `load publisher ${i + 1}`;
      const { token } = await signIngestToken(BENCH_ROOM, name);
      const session = await startIngest({ wsUrl: this.wsUrl, roomId: BENCH_ROOM, token, name });
      this.ingest.push(session);
      const out = (t: NonNullable<IngestSession["video"]>) => {
        this.ingestPorts.add(t.port).add(t.rtcpPort);
        return [{ ip: t.ip, port: t.port, rtcpPort: t.rtcpPort, ssrc: t.ssrc, payloadType: t.payloadType }];
      };
      this.ffmpegs.push(
        startFfmpegRtp({
          file: this.opts.patternFile,
          video: out(session.video!),
          audio: out(session.audio!),
          maxSeconds: this.opts.maxSeconds,
          cpus: this.opts.otherCpu,
        }),
      );
    }
    for (let i = 0; i < this.opts.subscriberProcesses; i++) {
      const child = new LineChild(`subscribers-${i + 1}`, "subscriber-child.ts", {
        cpus: this.opts.otherCpu,
        maxSeconds: this.opts.maxSeconds,
        env: { BENCH_STACK: this.opts.stack },
        // e.g. BENCH_SUBSCRIBER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile them
        nodeArgs: process.env.BENCH_SUBSCRIBER_NODE_ARGS?.split(" ").filter(Boolean),
      });
      this.children.push(child);
    }
    await Promise.all(this.children.map((c) => c.next("ready", undefined, 30_000)));
  }

  get consumers(): number {
    return this.subscribers * this.opts.publishers;
  }

  get joinFailures(): number {
    return this.failedJoins;
  }

  async grow(consumers: number): Promise<number> {
    const want = Math.ceil(consumers / this.opts.publishers) - this.subscribers;
    if (want <= 0) return this.consumers;
    // spread the newcomers over the subscriber processes
    const batches = this.children.map(() => [] as { token: string; name: string }[]);
    for (let i = 0; i < want; i++) {
      const n = this.subscribers + i + 1;
      const { token } = await signJoinToken({ room: BENCH_ROOM, sub: newGuestParticipantKey(), name: `viewer ${n}`, host: false, guest: true });
      batches[this.nextChild++ % this.children.length].push({ token, name: `viewer ${n}` });
    }
    const results = await Promise.all(
      this.children.map(async (child, i) => {
        if (!batches[i].length) return { ok: 0, failed: 0, errors: [] as string[] };
        const done = child.next("added", undefined, 180_000);
        child.send({ cmd: "add", wsUrl: this.wsUrl, roomId: BENCH_ROOM, subscribers: batches[i], audio: this.opts.audio });
        const e = await done;
        return { ok: e.ok as number, failed: e.failed as number, errors: e.errors as string[] };
      }),
    );
    for (const r of results) {
      this.subscribers += r.ok;
      this.failedJoins += r.failed;
      if (r.errors.length) console.error(`subscriber joins failed: ${r.errors.join("; ")}`);
    }
    // wait (bounded) until every expected video consumer exists on the subscriber side
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (await this.videoConsumersSeen()) < this.consumers) {
      await new Promise((r) => setTimeout(r, 250));
    }
    return this.consumers;
  }

  private async videoConsumersSeen(): Promise<number> {
    const snaps = await Promise.all(this.children.map((c) => c.ask({ cmd: "snapshot" }, "snapshot", 30_000)));
    return snaps.reduce((n, s) => n + (s.videoConsumers as number), 0);
  }

  private async snapshot(): Promise<Snapshot> {
    const snaps = await Promise.all(this.children.map((c) => c.ask({ cmd: "snapshot" }, "snapshot", 30_000)));
    const streams = new Map<string, StreamCounts>();
    for (const s of snaps) for (const [k, v] of s.streams as [string, StreamCounts][]) if (k.startsWith("video:")) streams.set(k, v);
    return { at: Date.now(), streams };
  }

  async measure(seconds: number): Promise<StepResult> {
    const workerCpu = new CpuMeter(() => [this.workerPid]);
    const subscriberCpu = new CpuMeter(() => this.children.map((c) => c.pid));
    const serverCpu = new CpuMeter(() => [this.serverPid], () => [this.workerPid]);
    const drops = udpDropsByPort();
    workerCpu.begin();
    subscriberCpu.begin();
    serverCpu.begin();
    const before = await this.snapshot();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const after = await this.snapshot();
    // a consumer that should exist but never reached its subscriber counts as fully lost
    const seen = new Set([...before.streams.keys(), ...after.streams.keys()]).size;
    const missing = Array.from({ length: Math.max(0, this.consumers - seen) }, (_, i) => `video:missing-${i}`);
    const stats = windowStats(before, after, missing);
    const sub = subscriberCpu.end();
    const srv = serverCpu.end();
    const isWorkerPort = (p: number) => p === this.rtcPort || this.ingestPorts.has(p);
    return {
      ...stats,
      consumers: this.consumers,
      workerCpuPct: workerCpu.end(),
      otherCpuPct: sub + srv,
      receiverDrops: dropsSince(drops, (p) => !isWorkerPort(p)),
      workerDrops: dropsSince(drops, isWorkerPort),
      note: `subscribers CPU ${sub.toFixed(0)} %, server node CPU ${srv.toFixed(0)} %${missing.length ? `, ${missing.length} consumers missing` : ""}`,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.ffmpegs.map((f) => stopChild(f)));
    await Promise.all(this.ingest.map((s) => s.close()));
    await Promise.all(this.children.map((c) => c.stop()));
    await this.server?.stop();
  }
}
