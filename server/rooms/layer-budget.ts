// Per-viewer layers under a bandwidth budget (LiveKit's stream allocator is the model), the
// pure part. mediasoup's own bandwidth distribution only lowers a layer once the estimate
// towards the viewer has already collapsed — after the link overflowed, and then the picture
// stutters. Here the server never *prefers* a spatial layer whose bitrate does not fit what
// the viewer's receive transport is estimated to carry: its available outgoing bitrate ×
// headroom, minus audio, handed out over its visible videos in priority order (screen >
// active speaker > others). The lowest layer is always allowed. Going down is immediate,
// going up only once the budget has fitted the higher layer for a while (no flapping).
// Time comes in.
import type { VideoLayer } from "../../lib/signaling/protocol";

/** The share of the estimate video may plan on (the estimate is noisy; RTX/RTCP need room too). */
export const BUDGET_HEADROOM = 0.85;
/** What one audio consumer costs: Opus ≈ 32 kbit/s + RTP/SRTP/UDP overhead. */
export const AUDIO_BITRATE = 40_000;
/** A higher layer must fit the budget this long in a row before it is allowed. */
export const BUDGET_UP_MS = 5_000;
/** Spatial layers of one SVC stream: bitrate grows about with area^0.7 (150 k / 500 k / 1.3 M). */
const SVC_AREA_EXPONENT = 0.7;

/**
 * What receiving each spatial layer costs (bit/s, lowest first), from the producer's RTP
 * encodings: simulcast = one encoding per layer with its own `maxBitrate`; SVC = one
 * encoding whose `maxBitrate` is the whole stream, lower layers estimated from their area.
 * undefined when the client declared no bitrates (then the budget does not limit the layer).
 */
export function layerBitrates(
  encodings: ReadonlyArray<{ maxBitrate?: number }>,
  sizes: ReadonlyArray<VideoLayer>,
): number[] | undefined {
  const valid = (b: number | undefined): b is number => typeof b === "number" && Number.isFinite(b) && b > 0;
  if (encodings.length > 1) {
    if (encodings.length !== sizes.length || !encodings.every((e) => valid(e.maxBitrate))) return undefined;
    return encodings.map((e) => e.maxBitrate!);
  }
  const total = encodings[0]?.maxBitrate;
  if (!valid(total) || sizes.length === 0) return undefined;
  const top = sizes[sizes.length - 1];
  const topArea = Math.max(1, top.width * top.height);
  return sizes.map((s) => Math.round(total * Math.min(1, (s.width * s.height) / topArea) ** SVC_AREA_EXPONENT));
}

/**
 * What the producer's layers measure now (bit/s, lowest first; 0 = not received, e.g. switched
 * off by dynacast), from its getStats(): simulcast by each encoding's rid / ssrc; SVC (one
 * stream) by scaling the declared costs to the stream's measured total.
 */
export function measuredLayerBitrates(
  encodings: ReadonlyArray<{ rid?: string; ssrc?: number }>,
  stats: ReadonlyArray<{ rid?: string; ssrc?: number; bitrate?: number }>,
  declared: ReadonlyArray<number>,
): number[] {
  const rate = (s: { bitrate?: number } | undefined) => (s && Number.isFinite(s.bitrate) ? Math.max(0, s.bitrate!) : 0);
  if (encodings.length <= 1) {
    const total = stats.reduce((sum, s) => sum + rate(s), 0);
    const top = declared[declared.length - 1] ?? 0;
    return declared.map((d) => (top > 0 ? Math.round((d * total) / top) : 0));
  }
  return declared.map((_, i) => {
    const e = encodings[i];
    const s = stats.find((st) => (e?.rid !== undefined && st.rid === e.rid) || (e?.ssrc !== undefined && st.ssrc === e.ssrc));
    return rate(s);
  });
}

/**
 * What receiving each layer costs for the budget: the measured bitrate where the layer runs
 * (encoders often stay well under their declared maximum — planning on the maximum would keep
 * a good link from ever reaching the top layer, since the SFU only probes ~35 % above what it
 * sends), never more than declared; the declared bitrate where nothing was measured.
 */
export function layerCosts(declared: ReadonlyArray<number>, measured: ReadonlyArray<number> | undefined): number[] {
  return declared.map((d, i) => {
    const m = measured?.[i] ?? 0;
    return m > 0 ? Math.min(d, m) : d;
  });
}

/** What a viewer's videos may use: available × headroom, minus its audio streams. */
export function videoBudget(availableBps: number, audioStreams: number): number {
  return Math.max(0, availableBps * BUDGET_HEADROOM - audioStreams * AUDIO_BITRATE);
}

export type BudgetedVideo = {
  id: string;
  /** Higher first (layer-policy PRIORITY: screen 3, active speaker 2, others 1). */
  priority: number;
  /** The spatial layer the tile needs (what it is given at most). */
  wanted: number;
  /** Cost per spatial layer (layerBitrates); undefined = unknown, not limited. */
  bitrates: ReadonlyArray<number> | undefined;
};

/**
 * The highest spatial layer each video's share of `budgetBps` allows. Every video first gets
 * its lowest layer (always allowed, even over budget); then, by priority (ties in the given
 * order), each goes up towards the layer its tile wants while the step fits what is left.
 * The result for a video is the highest layer it could afford with what is left at the end —
 * so a tile that grows can go up at once where the budget already had room.
 */
export function splitBudget(budgetBps: number, videos: ReadonlyArray<BudgetedVideo>): Map<string, number> {
  const cost = (v: BudgetedVideo, layer: number) => v.bitrates?.[layer] ?? 0;
  const order = videos.map((v, i) => ({ v, i })).sort((a, b) => b.v.priority - a.v.priority || a.i - b.i);
  const given = new Map<string, number>();
  let left = budgetBps;
  for (const { v } of order) {
    given.set(v.id, 0);
    left -= cost(v, 0);
  }
  for (const { v } of order) {
    if (!v.bitrates) continue;
    let layer = 0;
    while (layer < Math.min(v.wanted, v.bitrates.length - 1) && cost(v, layer + 1) - cost(v, layer) <= left) {
      left -= cost(v, layer + 1) - cost(v, layer);
      layer++;
    }
    given.set(v.id, layer);
  }
  const allowed = new Map<string, number>();
  for (const { v } of order) {
    if (!v.bitrates) {
      allowed.set(v.id, Number.POSITIVE_INFINITY);
      continue;
    }
    const base = given.get(v.id)!;
    let layer = base;
    while (layer < v.bitrates.length - 1 && cost(v, layer + 1) - cost(v, base) <= left) layer++;
    allowed.set(v.id, layer);
  }
  return allowed;
}

/**
 * One consumer's bandwidth cap over time: down at once when its share no longer fits, up only
 * after the share has fitted a higher layer for BUDGET_UP_MS in a row (to the lowest layer
 * that fitted throughout). null until the first estimate.
 */
export class BudgetCap {
  private cap: number | null = null;
  private upSince: number | null = null;
  private upTo = 0;

  /** The share now allows layer `fit`; true when the cap changed. */
  update(fit: number, now: number): boolean {
    if (this.cap === null || fit < this.cap) {
      const changed = this.cap !== fit;
      this.cap = fit;
      this.upSince = null;
      return changed;
    }
    if (fit === this.cap) {
      this.upSince = null;
      return false;
    }
    if (this.upSince === null) {
      this.upSince = now;
      this.upTo = fit;
      return false;
    }
    this.upTo = Math.min(this.upTo, fit);
    if (now - this.upSince < BUDGET_UP_MS) return false;
    this.cap = this.upTo;
    this.upSince = null;
    return true;
  }

  /** The highest spatial layer the budget allows (null: no estimate yet, no cap). */
  get value(): number | null {
    return this.cap;
  }
}
