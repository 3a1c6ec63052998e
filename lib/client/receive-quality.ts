// The receive half of call quality, measured where it happens: every REPORT_INTERVAL_MS the
// browser reads its inbound RTP stats (recv transport) and tells the server the loss over
// that interval and the current interarrival jitter (audio's, the one the RFC defines for a
// steady packet clock; video's when nothing else arrives). The server folds it into the
// participant's level and history (server/rooms/room-quality.ts).

export const REPORT_INTERVAL_MS = 2_000;

type Inbound = { kind: string; packetsReceived: number; packetsLost: number; jitter?: number };
export type InboundTotals = Map<string, { received: number; lost: number }>;
export type ReceiveQuality = { packetLossPercent: number; jitterMs: number | null };

/** Loss since `previous` (per stream, so streams that come and go do not skew it) and jitter now. */
export function receiveQuality(previous: InboundTotals, current: Map<string, Inbound>): { quality: ReceiveQuality; totals: InboundTotals } {
  let received = 0;
  let lost = 0;
  let audioJitter: number | null = null;
  let videoJitter: number | null = null;
  const totals: InboundTotals = new Map();
  for (const [id, s] of current) {
    totals.set(id, { received: s.packetsReceived, lost: s.packetsLost });
    const before = previous.get(id) ?? { received: 0, lost: 0 };
    received += Math.max(0, s.packetsReceived - before.received);
    lost += Math.max(0, s.packetsLost - before.lost);
    if (typeof s.jitter === "number" && Number.isFinite(s.jitter) && s.packetsReceived > 0) {
      const ms = s.jitter * 1000;
      if (s.kind === "audio") audioJitter = Math.max(audioJitter ?? 0, ms);
      else videoJitter = Math.max(videoJitter ?? 0, ms);
    }
  }
  const packetLossPercent = received + lost > 0 ? Math.min(100, (100 * lost) / (received + lost)) : 0;
  const jitter = audioJitter ?? videoJitter;
  return {
    quality: {
      packetLossPercent: Math.round(packetLossPercent * 10) / 10,
      jitterMs: jitter === null ? null : Math.round(Math.min(60_000, jitter) * 10) / 10,
    },
    totals,
  };
}

type StatsSource = { getStats(): Promise<RTCStatsReport> } | null;

export class ReceiveQualityReporter {
  private timer: ReturnType<typeof setInterval> | null = null;
  private totals: InboundTotals = new Map();
  private busy = false;

  constructor(
    private readonly transport: () => StatsSource,
    private readonly send: (q: ReceiveQuality) => Promise<unknown>,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), REPORT_INTERVAL_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.totals = new Map();
  }

  private async tick(): Promise<void> {
    const t = this.transport();
    if (!t || this.busy) return;
    this.busy = true;
    try {
      const report = await t.getStats();
      const inbound = new Map<string, Inbound>();
      report.forEach((s: { type: string; id: string } & Partial<Inbound>) => {
        if (s.type !== "inbound-rtp" || typeof s.packetsReceived !== "number") return;
        inbound.set(s.id, {
          kind: s.kind ?? "video",
          packetsReceived: s.packetsReceived,
          packetsLost: s.packetsLost ?? 0,
          jitter: s.jitter,
        });
      });
      if (inbound.size === 0) return;
      const { quality, totals } = receiveQuality(this.totals, inbound);
      this.totals = totals;
      await this.send(quality).catch(() => undefined);
    } catch {
      // transport closed meanwhile
    } finally {
      this.busy = false;
    }
  }
}
