// Prometheus metrics (prom-client), one registry per process: SFU gauges read at scrape
// time from the live room registry and worker pool, counters that the signaling and the
// reconnect code increment, and prom-client's default process metrics.
//
//   import { metrics } from "./metrics";  metrics().resumes.inc();
import client from "prom-client";

export type SfuSource = {
  counts(): { rooms: number; joinedPeers: number; peers: number; transports: number; producers: number; consumers: number };
  connections(): number;
  /** Live mediasoup workers, for CPU and memory per worker. */
  workers(): { index: number; pid: number; getResourceUsage(): Promise<{ ru_utime: number; ru_stime: number; ru_maxrss: number }> }[];
};

export class MeetMetrics {
  readonly registry = new client.Registry();
  /** Successful `join` requests. */
  readonly joins: client.Counter;
  /** Refused getRouterRtpCapabilities / join requests, by error code (UNAUTHORIZED, ROOM_FULL, WRONG_NODE…). */
  readonly joinErrors: client.Counter<"code">;
  /** Peers whose signaling dropped and who were kept for their grace period. */
  readonly reconnects: client.Counter;
  /** Peers that resumed within the grace period (same peer). */
  readonly resumes: client.Counter;
  /** Full rejoins after a resume was impossible (same participant, new peer). */
  readonly rejoins: client.Counter;
  /** Cluster: nodes this node declared dead, rooms it re-placed. */
  readonly nodeDeaths: client.Counter;
  readonly roomsReplaced: client.Counter;
  private sfu: SfuSource | null = null;
  private nodeState: { nodeId: string; state: () => string } | null = null;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.joins = new client.Counter({ name: "meet_joins_total", help: "Successful joins", registers });
    this.joinErrors = new client.Counter({
      name: "meet_join_errors_total",
      help: "Refused joins (and pre-join room binds) by error code",
      labelNames: ["code"],
      registers,
    });
    this.reconnects = new client.Counter({
      name: "meet_reconnects_total",
      help: "Peers whose signaling dropped and who were kept for their reconnect grace period",
      registers,
    });
    this.resumes = new client.Counter({ name: "meet_resumes_total", help: "Peers that resumed within their grace period", registers });
    this.rejoins = new client.Counter({ name: "meet_rejoins_total", help: "Full rejoins with the same participant identity", registers });
    this.nodeDeaths = new client.Counter({ name: "meet_node_deaths_total", help: "Nodes this node declared dead", registers });
    this.roomsReplaced = new client.Counter({ name: "meet_rooms_replaced_total", help: "Rooms of dead nodes this node placed again", registers });

    const self = this;
    const gauge = (name: string, help: string, read: (c: ReturnType<SfuSource["counts"]>) => number) =>
      new client.Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(self.sfu ? read(self.sfu.counts()) : 0);
        },
      });
    gauge("meet_rooms", "Live rooms on this node", (c) => c.rooms);
    gauge("meet_peers", "Joined peers on this node", (c) => c.joinedPeers);
    gauge("meet_transports", "WebRTC transports", (c) => c.transports);
    gauge("meet_producers", "Producers (sent tracks)", (c) => c.producers);
    gauge("meet_consumers", "Consumers (received tracks)", (c) => c.consumers);
    new client.Gauge({
      name: "meet_signaling_connections",
      help: "Open signaling WebSockets",
      registers,
      collect() {
        this.set(self.sfu ? self.sfu.connections() : 0);
      },
    });
    new client.Gauge({
      name: "meet_mediasoup_workers",
      help: "Live mediasoup workers",
      registers,
      collect() {
        this.set(self.sfu ? self.sfu.workers().length : 0);
      },
    });
    // Cumulative per worker process (resets when a dead worker is replaced, like any counter).
    new client.Counter({
      name: "meet_mediasoup_worker_cpu_seconds_total",
      help: "CPU time (user + system) of each mediasoup worker",
      labelNames: ["worker"],
      registers,
      async collect() {
        this.reset();
        for (const { index, usage } of await self.workerUsage()) {
          this.inc({ worker: String(index) }, (usage.ru_utime + usage.ru_stime) / 1000);
        }
      },
    });
    new client.Gauge({
      name: "meet_mediasoup_worker_max_rss_bytes",
      help: "Peak resident memory of each mediasoup worker",
      labelNames: ["worker"],
      registers,
      async collect() {
        this.reset();
        for (const { index, usage } of await self.workerUsage()) this.set({ worker: String(index) }, usage.ru_maxrss * 1024);
      },
    });
    new client.Gauge({
      name: "meet_node_info",
      help: "This node (value 1) with its id and state (ready, draining)",
      labelNames: ["node", "state"],
      registers,
      collect() {
        this.reset();
        if (self.nodeState) this.set({ node: self.nodeState.nodeId, state: self.nodeState.state() }, 1);
      },
    });
    if (options.defaultMetrics !== false) client.collectDefaultMetrics({ register: this.registry });
  }

  /** Where the SFU gauges read from (set once the SFU is up). */
  bindSfu(source: SfuSource): void {
    this.sfu = source;
  }

  bindNode(nodeId: string, state: () => string): void {
    this.nodeState = { nodeId, state };
  }

  private usageCache: { at: number; value: Promise<{ index: number; usage: { ru_utime: number; ru_stime: number; ru_maxrss: number } }[]> } | null = null;

  /** One getResourceUsage() round per scrape (both worker metrics share it). */
  private workerUsage() {
    const now = Date.now();
    if (this.usageCache && now - this.usageCache.at < 500) return this.usageCache.value;
    const workers = this.sfu?.workers() ?? [];
    const value = Promise.all(
      workers.map(async (w) => {
        try {
          return { index: w.index, usage: await w.getResourceUsage() };
        } catch {
          return null; // the worker died between listing and asking
        }
      }),
    ).then((all) => all.filter((x): x is NonNullable<typeof x> => x !== null));
    this.usageCache = { at: now, value };
    return value;
  }

  /** The Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

const slot = globalThis as unknown as { __meetMetrics?: MeetMetrics };

/** The process-wide metrics. */
export function metrics(): MeetMetrics {
  return (slot.__meetMetrics ??= new MeetMetrics());
}
