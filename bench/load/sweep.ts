// The search both halves of the bench share: grow the number of video consumers step by
// step, let each step settle (key frames, bandwidth estimation), measure a window, and stop
// at the first step whose loss reaches the limit. The answer is the largest passing step.
import type { WindowStats } from "./rtp-accounting";

export const MAX_LOSS_PCT = 1;

export type StepResult = WindowStats & {
  /** Video consumers carried in this step. */
  consumers: number;
  /** mediasoup worker CPU, % of one core, over the window. */
  workerCpuPct: number;
  /** Everything else the step ran (subscribers / sink, publishers), % of one core. */
  otherCpuPct: number;
  /** Kernel drops on the receivers' sockets in the window (receiver too slow, not the SFU). */
  receiverDrops: number;
  /** Kernel drops on the worker's own sockets in the window (SFU too slow to read). */
  workerDrops: number;
  note?: string;
};

export type SweepTarget = {
  /** Grows to (about) `consumers` video consumers by `deadline` (epoch ms) if it can; returns how many there are now. */
  grow(consumers: number, deadline?: number): Promise<number>;
  /** Measures a window of `seconds`. */
  measure(seconds: number): Promise<StepResult>;
};

export type SweepResult = { best: StepResult | null; steps: StepResult[]; stoppedBecause: string };

export function passes(step: StepResult, maxLossPct = MAX_LOSS_PCT): boolean {
  return step.lossPct < maxLossPct && step.consumers > 0;
}

export async function sweep(
  label: string,
  target: SweepTarget,
  steps: number[],
  opts: { settleMs: number; windowSeconds: number; maxGrowSeconds?: number; maxLossPct?: number; log?: (line: string) => void },
): Promise<SweepResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const results: StepResult[] = [];
  let best: StepResult | null = null;
  for (const want of steps) {
    let have: number;
    const t0 = performance.now();
    try {
      have = await target.grow(want, Date.now() + (opts.maxGrowSeconds ?? 120) * 1000);
    } catch (err) {
      return { best, steps: results, stoppedBecause: `could not grow to ${want}: ${(err as Error).message}` };
    }
    const growSeconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, opts.settleMs));
    const step = await target.measure(opts.windowSeconds);
    step.note = [step.note, `set up in ${growSeconds.toFixed(1)} s`].filter(Boolean).join("; ");
    results.push(step);
    log(`${label}: ${formatStep(step)}`);
    if (!passes(step, opts.maxLossPct)) {
      return { best, steps: results, stoppedBecause: `loss ${step.lossPct.toFixed(2)} % at ${step.consumers} consumers` };
    }
    best = step;
    if (have < want) {
      return { best, steps: results, stoppedBecause: `only ${have} of ${want} consumers could be set up in time (SFU saturated)` };
    }
  }
  return { best, steps: results, stoppedBecause: "largest step passed" };
}

export function formatStep(s: StepResult): string {
  return (
    `${String(s.consumers).padStart(5)} video consumers  loss ${s.lossPct.toFixed(2).padStart(6)} %` +
    `  worst ${s.worstStreamLossPct.toFixed(1)} %  silent ${s.silentStreams}  gaps ${s.gaps}` +
    `  ${s.kbpsPerStream.toFixed(0)} kbit/s each  worker CPU ${s.workerCpuPct.toFixed(0)} %` +
    `  others ${s.otherCpuPct.toFixed(0)} %  drops rx ${s.receiverDrops} / sfu ${s.workerDrops}` +
    (s.note ? `  ${s.note}` : "")
  );
}
