// One mediasoup Worker per core, each with one WebRtcServer listening on a single fixed
// port (UDP + TCP): worker i uses RTC_MIN_PORT + i. Rooms go to the least-loaded worker.
// A worker that dies is logged and replaced; its routers emit "workerclose", and each Room
// on it moves to a live worker (server/rooms/room-router.ts) while its peers stay.
import { EventEmitter } from "node:events";
import * as mediasoup from "mediasoup";
import type { types as ms } from "mediasoup";
import type { Logger } from "../logger";

export type WorkerPoolOptions = {
  numWorkers: number;
  rtcMinPort: number;
  listenIp: string;
  announcedAddress: string;
  logger: Logger;
  /** mediasoup worker log level (default "warn"). */
  workerLogLevel?: ms.WorkerLogLevel;
};

export type WorkerEntry = {
  index: number;
  port: number;
  worker: ms.Worker;
  webRtcServer: ms.WebRtcServer;
  /** Live routers (one per room). */
  routers: number;
  /** Live WebRtcTransports served by this worker's WebRtcServer (~2 per peer). */
  transports: number;
};

type PoolEvents = {
  workerdied: [index: number, error: Error];
  workerreplaced: [entry: WorkerEntry];
};

let mediasoupLogsRouted = false;

/** Route mediasoup's own (node-side) warn/error logs into pino, once per process. */
function routeMediasoupLogs(logger: Logger): void {
  if (mediasoupLogsRouted) return;
  mediasoupLogsRouted = true;
  const log = logger.child({ component: "mediasoup" });
  mediasoup.setLogEventListeners({
    onwarn: (namespace, msg) => log.warn({ namespace }, msg),
    onerror: (namespace, msg, error) => log.error({ namespace, err: error }, msg),
  });
}

export class WorkerPool extends EventEmitter<PoolEvents> {
  private readonly entries: (WorkerEntry | null)[];
  private closed = false;
  private shuttingDown = false;
  private readonly log: Logger;
  private readonly replaceTimers = new Set<NodeJS.Timeout>();

  private constructor(private readonly options: WorkerPoolOptions) {
    super();
    this.entries = new Array<WorkerEntry | null>(options.numWorkers).fill(null);
    this.log = options.logger.child({ component: "worker-pool" });
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    routeMediasoupLogs(options.logger);
    const pool = new WorkerPool(options);
    try {
      await Promise.all(
        pool.entries.map(async (_, i) => {
          pool.entries[i] = await pool.startWorker(i);
        }),
      );
    } catch (err) {
      pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Live workers (a dead one is absent until its replacement is up). */
  get workers(): WorkerEntry[] {
    return this.entries.filter((e): e is WorkerEntry => e !== null);
  }

  /** RTC port of every worker slot. */
  get ports(): number[] {
    return this.entries.map((_, i) => this.options.rtcMinPort + i);
  }

  /** The least-loaded live worker: fewest transports (~peers), then fewest routers (rooms). */
  pickWorker(): WorkerEntry {
    let best: WorkerEntry | null = null;
    for (const e of this.entries) {
      if (!e || e.worker.closed) continue;
      if (
        !best ||
        e.transports < best.transports ||
        (e.transports === best.transports && e.routers < best.routers)
      ) {
        best = e;
      }
    }
    if (!best) throw new Error("no mediasoup worker is available");
    return best;
  }

  /** The least-loaded live worker, waiting for a replacement when every worker is dead. */
  async waitForWorker(timeoutMs = 30_000): Promise<WorkerEntry> {
    if (this.closed) throw new Error("worker pool is closed");
    if (this.workers.some((e) => !e.worker.closed)) return this.pickWorker();
    return new Promise<WorkerEntry>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.off("workerreplaced", onReplaced);
        if (err) reject(err);
        else resolve(this.pickWorker());
      };
      const onReplaced = () => done();
      const timer = setTimeout(() => done(new Error(`no mediasoup worker came up within ${timeoutMs} ms`)), timeoutMs);
      this.on("workerreplaced", onReplaced);
    });
  }

  private async startWorker(index: number): Promise<WorkerEntry> {
    const port = this.options.rtcMinPort + index;
    const worker = await mediasoup.createWorker({
      logLevel: this.options.workerLogLevel ?? "warn",
      logTags: ["info", "ice", "dtls", "rtp", "srtp", "rtcp"],
      appData: { index },
    });
    let webRtcServer: ms.WebRtcServer;
    try {
      const common = { ip: this.options.listenIp, announcedAddress: this.options.announcedAddress, port };
      webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: "udp", ...common },
          { protocol: "tcp", ...common },
        ],
      });
    } catch (err) {
      worker.close();
      throw new Error(
        `mediasoup worker ${index}: cannot listen on ${this.options.listenIp}:${port} (UDP+TCP): ${
          (err as Error).message
        }`,
      );
    }
    const entry: WorkerEntry = { index, port, worker, webRtcServer, routers: 0, transports: 0 };
    worker.observer.on("newrouter", (router) => {
      entry.routers++;
      router.observer.once("close", () => entry.routers--);
    });
    webRtcServer.observer.on("webrtctransporthandled", () => entry.transports++);
    webRtcServer.observer.on("webrtctransportunhandled", () => entry.transports--);
    worker.on("died", (error) => this.onDied(entry, error));
    this.log.info({ worker: index, pid: worker.pid, port }, "mediasoup worker started");
    return entry;
  }

  private onDied(entry: WorkerEntry, error: Error): void {
    if (this.entries[entry.index] === entry) this.entries[entry.index] = null;
    if (this.shuttingDown || this.closed) {
      // e.g. Ctrl-C / SIGTERM reached the whole process group, workers included
      this.log.info({ worker: entry.index, pid: entry.worker.pid }, "mediasoup worker exited during shutdown");
      return;
    }
    this.log.error(
      { worker: entry.index, pid: entry.worker.pid, err: error },
      "mediasoup worker died; its rooms were closed, replacing it",
    );
    this.emit("workerdied", entry.index, error);
    this.scheduleReplace(entry.index, 0);
  }

  private scheduleReplace(index: number, attempt: number): void {
    if (this.closed) return;
    const delay = attempt === 0 ? 0 : Math.min(30_000, 500 * 2 ** attempt);
    const timer = setTimeout(() => {
      this.replaceTimers.delete(timer);
      if (this.closed) return;
      this.startWorker(index).then(
        (entry) => {
          if (this.closed) {
            entry.worker.close();
            return;
          }
          this.entries[index] = entry;
          this.log.info({ worker: index, pid: entry.worker.pid }, "mediasoup worker replaced");
          this.emit("workerreplaced", entry);
        },
        (err: unknown) => {
          this.log.error({ worker: index, err, attempt }, "could not replace mediasoup worker; retrying");
          this.scheduleReplace(index, attempt + 1);
        },
      );
    }, delay);
    this.replaceTimers.add(timer);
  }

  /** Stop replacing dead workers (call first thing on SIGINT/SIGTERM). */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.replaceTimers) clearTimeout(t);
    this.replaceTimers.clear();
    for (const e of this.entries) e?.worker.close();
    this.entries.fill(null);
  }
}
