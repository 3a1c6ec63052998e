// The retry loop behind "Reconnecting…": runs one recovery attempt after another on the
// delays of reconnect-policy.ts until one succeeds, one says the situation is final, the
// time limit passes, or it is stopped. The browser's `online` event cuts a wait short: a
// network that just came back is tried at once.
import { reconnectDelay, shouldGiveUp } from "./reconnect-policy";

export type AttemptResult = { outcome: "recovered" } | { outcome: "retry"; error?: unknown } | { outcome: "fatal"; error: unknown };
export type ReconnectOutcome = "recovered" | "gave-up" | "fatal" | "stopped";

export interface ReconnectRun {
  /** One attempt (number from 1). */
  attempt(n: number): Promise<AttemptResult>;
  /** Before each attempt: the UI shows the count. */
  onAttempt(n: number): void;
  /** Close code that started this episode (1012 spreads even the first try). */
  closeCode: number | null;
}

export class Reconnector {
  private running: Promise<ReconnectOutcome> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private readonly onOnline = () => this.wake?.();
  /** The last fatal error of a run (what to show the user). */
  lastError: unknown = null;

  constructor(private readonly giveUpAfterMs?: number) {}

  get active(): boolean {
    return this.running !== null;
  }

  /** Starts a run unless one is going; resolves with how it ended. */
  run(run: ReconnectRun): Promise<ReconnectOutcome> {
    this.stopped = false;
    this.running ??= this.loop(run).finally(() => {
      this.running = null;
      if (typeof window !== "undefined") window.removeEventListener("online", this.onOnline);
    });
    return this.running;
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).then(() => {
      this.wake = null;
    });
  }

  private async loop(run: ReconnectRun): Promise<ReconnectOutcome> {
    if (typeof window !== "undefined") window.addEventListener("online", this.onOnline);
    const started = Date.now();
    this.lastError = null;
    for (let n = 0; ; n++) {
      await this.sleep(reconnectDelay(n, run.closeCode));
      if (this.stopped) return "stopped";
      if (shouldGiveUp(started, Date.now(), this.giveUpAfterMs)) return "gave-up";
      run.onAttempt(n + 1);
      const result = await run.attempt(n + 1).catch((error: unknown): AttemptResult => ({ outcome: "retry", error }));
      if (this.stopped) return "stopped";
      if (result.outcome === "recovered") return "recovered";
      if (result.outcome === "fatal") {
        this.lastError = result.error;
        return "fatal";
      }
      if (result.error) console.warn(`[room] reconnect attempt ${n + 1} failed`, result.error);
    }
  }
}
