// The product's signaling + SFU (server/app.ts startSignaling: worker pool, rooms, the /ws
// socket; no Next) in its own process, so that its CPU and memory are measured apart from
// the bench. One mediasoup worker, pinned to BENCH_WORKER_CPU.
//   out (stdout lines starting "@@"): {"event":"ready","port","pid","workerPid"}
//        {"event":"mem","id","rssKiB","workerRssKiB","heapUsedKiB","stats":{...}}
//   in  (stdin lines): {"cmd":"mem","id":n,"gc":true}   {"cmd":"stop"}
import http from "node:http";
import type { AddressInfo } from "node:net";
import readline from "node:readline";
import pino from "pino";
import { startSignaling } from "../../server/app";
import { pin, rssKiB } from "./processes";

function emit(msg: unknown): void {
  process.stdout.write(`@@${JSON.stringify(msg)}\n`);
}

async function main(): Promise<void> {
  if (!process.env.JOIN_TOKEN_SECRET) throw new Error("JOIN_TOKEN_SECRET must be set");
  const httpServer = http.createServer();
  const rtcPort = Number(process.env.BENCH_RTC_PORT ?? 44000);
  const signaling = await startSignaling({
    httpServer,
    config: {
      NUM_WORKERS: 1,
      RTC_MIN_PORT: rtcPort,
      LISTEN_IP: "127.0.0.1",
      ANNOUNCED_ADDRESS: "127.0.0.1",
      MAX_PEERS_PER_ROOM: Number(process.env.BENCH_MAX_PEERS ?? 1000),
      INGEST_LISTEN_IP: "127.0.0.1",
    },
    logger: pino({ level: process.env.BENCH_SERVER_LOG ?? "warn" }),
  });
  httpServer.on("request", (req, res) => {
    if (!signaling.handleHttp(req, res)) {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const worker = signaling.pool.workers[0];
  if (process.env.BENCH_WORKER_CPU && !pin(worker.worker.pid, process.env.BENCH_WORKER_CPU)) {
    console.error("server-child: taskset failed; the worker is not pinned");
  }
  const rl = readline.createInterface({ input: process.stdin });
  const stop = async () => {
    await signaling.close();
    httpServer.closeAllConnections();
    process.exit(0);
  };
  rl.on("line", (line) => {
    let msg: { cmd: string; id?: number; gc?: boolean };
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (msg.cmd === "mem") {
      if (msg.gc && typeof global.gc === "function") global.gc();
      emit({
        event: "mem",
        id: msg.id,
        rssKiB: rssKiB(process.pid),
        heapUsedKiB: Math.round(process.memoryUsage().heapUsed / 1024),
        workerRssKiB: rssKiB(worker.worker.pid),
        stats: signaling.stats(),
      });
    } else if (msg.cmd === "stop") {
      void stop();
    }
  });
  rl.on("close", () => void stop());
  emit({ event: "ready", port: (httpServer.address() as AddressInfo).port, pid: process.pid, workerPid: worker.worker.pid });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
