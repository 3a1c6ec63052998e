// Timings of this tab's joins, in ms: since the warm-up started (socket, token, router caps,
// ICE, DTLS… — before the click too; the diagnostics panel) and since the join click
// (`window.__meetMetrics`, read by the latency benchmark and e2e). The first mark of a name wins.
export type JoinMetrics = Record<string, number>;

export class JoinTimeline {
  private warmupStartedAt = 0;
  private joinStartedAt = 0;
  private sinceWarmup: JoinMetrics = {};
  private sinceJoin: JoinMetrics = {};

  warmupStarted(): void {
    this.warmupStartedAt = performance.now();
    this.sinceWarmup = {};
  }

  joinStarted(): void {
    this.joinStartedAt = performance.now();
    this.sinceJoin = {};
    if (typeof window !== "undefined") (window as unknown as { __meetMetrics?: JoinMetrics }).__meetMetrics = this.sinceJoin;
  }

  mark(name: string, at = performance.now()): void {
    if (this.warmupStartedAt && !(name in this.sinceWarmup)) this.sinceWarmup[name] = Math.round(at - this.warmupStartedAt);
    if (this.joinStartedAt && !(name in this.sinceJoin)) this.sinceJoin[name] = Math.round(at - this.joinStartedAt);
  }

  snapshot(): { sinceWarmup: JoinMetrics; sinceJoin: JoinMetrics } {
    return { sinceWarmup: { ...this.sinceWarmup }, sinceJoin: { ...this.sinceJoin } };
  }
}
