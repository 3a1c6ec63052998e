// Load generator (issue 7): how many ~500 kbit/s video consumers one mediasoup worker (one
// core) carries at < 1 % loss — through the product (ingest publishers fed by ffmpeg, real
// WebRTC subscribers joining through signaling) and, in the same run, through a bare
// mediasoup router (PlainTransports in, SRTP PlainTransports out to a UDP sink) — plus
// signaling joins per second and server memory per idle participant. Method: README.md here.
//
//   npm run bench:load                 # full sweep
//   npm run bench:load -- --quick      # < 3 minutes
//   options: --publishers 4  --steps 200,400,600  --window 8  --stack werift|wrtc
//            --subscriber-procs 2  --settle 3  --audio  --only plain|product|joins  --joins 2000
//
// The last line of stdout is one JSON object:
//   {"consumersPerWorker":N,"lossPct":x,"plainRouterConsumers":M,"ratio":r,"joinsPerSec":j,"rssPerPeerKiB":k}
import fs from "node:fs";
import os from "node:os";
import * as mediasoup from "mediasoup";
import { ensurePattern } from "./ffmpeg";
import { measureJoins, type JoinResult } from "./joins";
import { PlainRouterBench } from "./plain-router";
import { ProductBench, startServerChild } from "./product-run";
import { CORES, coreBusyPct, hasCommand, pin, readCoreTimes, stopAllChildren } from "./processes";
import { formatStep, MAX_LOSS_PCT, sweep, type StepResult, type SweepResult } from "./sweep";
import type { StackName } from "./webrtc-stack";

const argv = process.argv.slice(2);
const has = (name: string) => argv.includes(`--${name}`);
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const list = (v: string | undefined) => (v ? v.split(",").map((x) => Number(x.trim())).filter((x) => x > 0) : undefined);

const QUICK = has("quick");
const PUBLISHERS = Number(arg("publishers") ?? 4);
const STACK = (arg("stack") ?? "werift") as StackName;
const AUDIO = has("audio");
const ONLY = arg("only");
const WINDOW_S = Number(arg("window") ?? (QUICK ? 5 : 10));
const SETTLE_MS = Number(arg("settle") ?? (QUICK ? 3 : 5)) * 1000;
const range = (from: number, to: number, step: number) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
// small steps for the product: a big batch of newcomers (DTLS handshakes in the subscribers)
// disturbs the step it lands in
const PLAIN_STEPS = list(arg("plain-steps") ?? arg("steps")) ?? (QUICK ? [500, 1000, 1500, 2000] : range(200, 2400, 200));
const PRODUCT_STEPS = list(arg("product-steps") ?? arg("steps")) ?? (QUICK ? range(60, 420, 60) : range(40, 1200, 40));
const SUB_PROCS = Number(arg("subscriber-procs") ?? 2);
const JOINS = Number(arg("joins") ?? (QUICK ? 400 : 2000));
const MAX_SECONDS = QUICK ? 240 : 1800; // hard bound for every child process
// one core for the worker, the other for everything else (publishers, subscribers, sink, server node)
const WORKER_CPU = "0";
const OTHER_CPU = CORES > 1 ? "1" : "0";

const log = (line: string) => console.log(line);

function preflight(): void {
  const missing: string[] = [];
  if (!hasCommand("ffmpeg")) missing.push("ffmpeg (apt-get install ffmpeg)");
  if (!hasCommand("taskset")) missing.push("taskset (util-linux)");
  if (!hasCommand("timeout")) missing.push("timeout (coreutils)");
  if (!fs.existsSync(mediasoup.workerBin)) missing.push(`the mediasoup worker (${mediasoup.workerBin}; npm install builds it)`);
  if (missing.length) {
    console.error(`bench:load needs: ${missing.join(", ")}`);
    process.exit(2);
  }
  process.env.JOIN_TOKEN_SECRET ??= `bench-load-${Math.random().toString(36).slice(2)}-${Date.now()}`;
}

function summary(label: string, r: SweepResult | null): void {
  if (!r) return;
  log(`${label}: ${r.best ? `${r.best.consumers} video consumers at ${r.best.lossPct.toFixed(2)} % loss` : "no step passed"} (${r.stoppedBecause})`);
}

/** Worker CPU per 100 consumers of each half's largest passing step: the SFU's own cost. */
function workerCostRatio(plain: SweepResult | null, product: SweepResult | null): string | null {
  const p = plain?.best;
  const q = product?.best;
  if (!p || !q || p.workerCpuPct <= 0 || q.workerCpuPct <= 0) return null;
  const per = (s: StepResult) => (100 * s.workerCpuPct) / s.consumers;
  return (
    `worker CPU per 100 video consumers: plain router ${per(p).toFixed(1)} % (at ${p.consumers}), product ${per(q).toFixed(1)} % ` +
    `(at ${q.consumers}); product/plain ${(per(q) / per(p)).toFixed(2)}. If the worker's CPU were the only limit, one core ` +
    `would carry ~${Math.round((100 * q.consumers) / q.workerCpuPct)} product consumers: a projection, not a measurement`
  );
}

async function main(): Promise<void> {
  preflight();
  const started = Date.now();
  pin(process.pid, OTHER_CPU);
  const coresBefore = readCoreTimes();
  log(
    `bench:load ${QUICK ? "--quick" : "full"}: ${CORES} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}, ` +
      `worker on core ${WORKER_CPU}, everything else on core ${OTHER_CPU}; ${PUBLISHERS} publishers (VP8 ~500 kbit/s + Opus), ` +
      `subscribers: ${STACK} in ${SUB_PROCS} processes${AUDIO ? ", audio consumed too" : ", video consumers only"}; loss limit ${MAX_LOSS_PCT} %`,
  );
  const patternFile = ensurePattern();
  const sweepOpts = { settleMs: SETTLE_MS, windowSeconds: WINDOW_S, maxGrowSeconds: QUICK ? 20 : 60, log };

  let plain: SweepResult | null = null;
  if (!ONLY || ONLY === "plain") {
    const bench = new PlainRouterBench({ publishers: PUBLISHERS, audio: AUDIO, patternFile, workerCpu: WORKER_CPU, otherCpu: OTHER_CPU, maxSeconds: MAX_SECONDS });
    try {
      await bench.start();
      plain = await sweep("plain router", bench, PLAIN_STEPS, sweepOpts);
    } finally {
      await bench.close();
    }
    summary("plain router", plain);
  }

  let product: SweepResult | null = null;
  let joinFailures = 0;
  if (!ONLY || ONLY === "product") {
    const bench = new ProductBench({
      publishers: PUBLISHERS,
      subscriberProcesses: SUB_PROCS,
      audio: AUDIO,
      stack: STACK,
      patternFile,
      workerCpu: WORKER_CPU,
      otherCpu: OTHER_CPU,
      maxSeconds: MAX_SECONDS,
    });
    try {
      await bench.start();
      product = await sweep("product", bench, PRODUCT_STEPS, sweepOpts);
      joinFailures = bench.joinFailures;
    } finally {
      await bench.close();
    }
    summary("product", product);
    if (joinFailures) log(`product: ${joinFailures} subscriber joins failed`);
  }

  let joins: JoinResult | null = null;
  if (!ONLY || ONLY === "joins") {
    // the whole server (node + worker) on one core, the joining clients on the other
    const s = await startServerChild({ cpus: WORKER_CPU, workerCpu: WORKER_CPU, maxSeconds: MAX_SECONDS, rtcPort: 44000 + Math.floor(Math.random() * 10000) });
    try {
      joins = await measureJoins({ server: s.server, wsUrl: `ws://127.0.0.1:${s.port}/ws`, joins: JOINS, concurrency: 32, roomSize: 25, warmup: 50 });
    } finally {
      await s.server.stop();
    }
    log(
      `joins: ${joins.joins} in ${joins.seconds.toFixed(2)} s = ${joins.joinsPerSec.toFixed(0)} joins/s (p50 ${joins.p50Ms.toFixed(0)} ms, ` +
        `p95 ${joins.p95Ms.toFixed(0)} ms), ${joins.errors} errors${joins.firstErrors.length ? ` (${joins.firstErrors.join("; ")})` : ""}; ` +
        `idle participants: ${joins.joinedOnServer}, RSS per participant ${joins.rssPerPeerKiB.toFixed(0)} KiB ` +
        `(node ${joins.nodeKiBPerPeer.toFixed(0)} + worker ${joins.workerKiBPerPeer.toFixed(0)})`,
    );
  }

  const cost = workerCostRatio(plain, product);
  if (cost) log(cost);
  const busy = coreBusyPct(coresBefore, readCoreTimes());
  log(`took ${((Date.now() - started) / 1000).toFixed(0)} s; cores busy over the run: ${busy.map((b) => `${b} %`).join(", ")}`);
  if (product?.best && product.stoppedBecause === "largest step passed") {
    log(`note: the product passed its largest step (${product.best.consumers}); the true limit is higher`);
  }
  if (product?.steps.length) {
    const last = product.steps[product.steps.length - 1];
    log(`product's last step: ${formatStep(last)}`);
  }

  const consumersPerWorker = product?.best?.consumers ?? 0;
  const plainRouterConsumers = plain?.best?.consumers ?? 0;
  const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
  const result = {
    consumersPerWorker,
    lossPct: round(product?.best?.lossPct ?? 100, 3),
    plainRouterConsumers,
    ratio: plainRouterConsumers ? round(consumersPerWorker / plainRouterConsumers) : 0,
    joinsPerSec: joins && joins.errors === 0 ? round(joins.joinsPerSec, 0) : 0,
    rssPerPeerKiB: joins ? round(joins.rssPerPeerKiB, 0) : 0,
  };
  console.log(JSON.stringify(result));
}

main()
  .then(() => {
    stopAllChildren();
    process.exit(0);
  })
  .catch((err) => {
    console.error(err);
    stopAllChildren();
    process.exit(1);
  });
