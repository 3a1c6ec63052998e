// Per-viewer layers, the stateful part: applies layer-policy.ts to mediasoup consumers.
// A consumer is resumed once its client is ready (resumeConsumer) *and* its viewer can see
// it; it prefers the layers its tile needs; it is paused again while its tile is hidden
// (scrolled away, on another page, background tab) and resumed with a key frame when it is
// shown. Its priority in the transport's bandwidth distribution follows its source and the
// active speaker. Every change of what a consumer needs is passed on to dynacast. When the
// bandwidth estimate had to take a consumer down, it is held there for a while
// (layer-backoff.ts) instead of oscillating between layers on a slow link. And before that
// happens: no consumer prefers a layer its viewer's bandwidth budget cannot carry
// (layer-budget.ts, from the receive transport's estimate the quality poll reads); the
// stricter of the two caps wins.
import type { types as ms } from "mediasoup";
import type { ConsumerView } from "../../lib/signaling/protocol";
import type { Logger } from "../logger";
import { LayerBackoff } from "./layer-backoff";
import { BudgetCap, layerCosts, splitBudget, videoBudget, type BudgetedVideo } from "./layer-budget";
import { chooseLayers, consumerPriority, type Fit, type LayerChoice } from "./layer-policy";
import type { ConsumerAppData, Peer } from "./peer";

export type LayerConsumer = ms.Consumer<ConsumerAppData>;

/** After a publisher's media path changed, how long its viewers prefer its smallest layer. */
export const RESTART_LOW_MS = 2_000;

export interface LayerControlHooks {
  /** The peer id of the active speaker (null: none). */
  activeSpeaker(): string | null;
  /** What `consumer` needs from its producer changed (dynacast recomputes that producer). */
  demandChanged(consumer: LayerConsumer): void;
  log: Logger;
}

const fitFor = (c: LayerConsumer): Fit => (c.appData.source === "screen" ? "contain" : "cover");
const layered = (c: LayerConsumer) => c.type === "simulcast" || c.type === "svc";

function sameChoice(a: LayerChoice | undefined, b: LayerChoice): boolean {
  if (!a || a.paused !== b.paused) return false;
  if (a.paused || b.paused) return true;
  return a.spatialLayer === b.spatialLayer && a.temporalLayer === b.temporalLayer;
}

export class LayerControl {
  /** One change at a time per consumer (pause/resume/preferred layers must not interleave). */
  private readonly chains = new WeakMap<LayerConsumer, Promise<void>>();
  private readonly backoffs = new WeakMap<LayerConsumer, { backoff: LayerBackoff; timer: NodeJS.Timeout | null }>();
  /** Bandwidth budget: each viewer's consumers, its last estimate, each consumer's cap. */
  private readonly byViewer = new Map<string, Set<LayerConsumer>>();
  private readonly estimates = new Map<string, number>();
  private readonly budgetCaps = new WeakMap<LayerConsumer, BudgetCap>();
  /** Publishers whose path changed: until when their viewers start from the smallest layer. */
  private readonly restartLowUntil = new Map<string, number>();

  constructor(
    private readonly hooks: LayerControlHooks,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new consumer (created paused): its priority and first choice, before the client hears of it. */
  async init(consumer: LayerConsumer): Promise<void> {
    consumer.appData.ready = false;
    consumer.appData.view = null;
    this.track(consumer);
    this.rebalance(consumer.appData.peerId, true);
    consumer.appData.choice = this.choose(consumer);
    const jobs: Promise<void>[] = [];
    if (consumer.kind === "video") {
      jobs.push(consumer.setPriority(this.priorityOf(consumer)).catch(() => undefined));
      if (layered(consumer)) this.watchCongestion(consumer);
      const choice = consumer.appData.choice;
      if (layered(consumer) && !choice.paused) {
        jobs.push(
          consumer
            .setPreferredLayers({ spatialLayer: choice.spatialLayer, temporalLayer: choice.temporalLayer })
            .catch(() => undefined),
        );
      }
    }
    await Promise.all(jobs);
  }

  /** The client has set its consumer up (resumeConsumer). */
  ready(consumer: LayerConsumer): Promise<void> {
    consumer.appData.ready = true;
    return this.apply(consumer, { keyFrame: true });
  }

  /** A viewer's report of how it shows (some of) its videos. Unknown / foreign ids are ignored. */
  async updateViews(peer: Peer, views: ReadonlyArray<ConsumerView>): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const v of views) {
      const consumer = peer.consumers.get(v.consumerId);
      if (!consumer || consumer.kind !== "video") continue;
      consumer.appData.view = { visible: v.visible, width: v.width, height: v.height };
      jobs.push(this.apply(consumer, { keyFrame: true }));
    }
    // what the tiles need changed: the budget is shared out again (applied through the chains)
    this.rebalance(peer.id, true);
    await Promise.all(jobs);
  }

  /**
   * The SFU's estimate of what `viewerId`'s receive transport carries (bit/s; from the
   * quality poll). Each of its video consumers gets its share; caps that change are applied.
   */
  bandwidthChanged(viewerId: string, availableBps: number): void {
    if (!Number.isFinite(availableBps) || availableBps <= 0) return;
    this.estimates.set(viewerId, availableBps);
    this.rebalance(viewerId, true);
  }

  /** The highest spatial layer the bandwidth budget lets `consumer` prefer (null: no estimate yet). */
  budgetCapOf(consumer: LayerConsumer): number | null {
    return this.budgetCaps.get(consumer)?.value ?? null;
  }

  private track(consumer: LayerConsumer): void {
    const viewer = consumer.appData.peerId;
    let set = this.byViewer.get(viewer);
    if (!set) this.byViewer.set(viewer, (set = new Set()));
    set.add(consumer);
    consumer.observer.once("close", () => {
      set.delete(consumer);
      if (set.size === 0 && this.byViewer.get(viewer) === set) {
        this.byViewer.delete(viewer);
        this.estimates.delete(viewer);
      }
    });
  }

  /** Shares the viewer's budget over its visible layered videos; `apply`: apply changed caps. */
  private rebalance(viewerId: string, apply: boolean): void {
    const available = this.estimates.get(viewerId);
    const consumers = this.byViewer.get(viewerId);
    if (available === undefined || !consumers) return;
    let audio = 0;
    const videos: BudgetedVideo[] = [];
    const byId = new Map<string, LayerConsumer>();
    for (const c of consumers) {
      if (c.closed) continue;
      if (c.kind === "audio") {
        if (!c.paused && !c.producerPaused) audio++;
        continue;
      }
      if (!layered(c)) continue;
      const need = this.needed(c);
      if (need.paused) continue;
      byId.set(c.id, c);
      const layers = c.appData.layers;
      const bitrates = layers?.bitrates ? layerCosts(layers.bitrates, layers.measuredBitrates) : undefined;
      videos.push({ id: c.id, priority: this.priorityOf(c), wanted: need.spatialLayer, bitrates });
    }
    const now = this.now();
    for (const [id, fit] of splitBudget(videoBudget(available, audio), videos)) {
      const c = byId.get(id)!;
      let cap = this.budgetCaps.get(c);
      if (!cap) this.budgetCaps.set(c, (cap = new BudgetCap()));
      const before = cap.value;
      if (!cap.update(fit, now)) continue;
      this.hooks.log.debug({ consumer: id, available, from: before, to: cap.value }, "bandwidth budget: layer cap");
      if (apply) void this.apply(c, { keyFrame: false });
    }
  }

  /**
   * The publisher's media path changed (a new ICE tuple after a network change). Its browser
   * restarts its bandwidth estimate low and holds its larger layers back for a while, though
   * a few of their packets still get through — enough for the SFU to pick such a layer and
   * wait for a key frame that does not come. So its viewers start again from the smallest
   * layer (small key frame, always sent) and go back to what their tiles need after
   * RESTART_LOW_MS. What the publisher is asked to send (dynacast) does not change.
   */
  publisherPathChanged(publisherId: string): void {
    const until = this.now() + RESTART_LOW_MS;
    this.restartLowUntil.set(publisherId, until);
    this.applyToViewersOf(publisherId);
    const timer = setTimeout(() => {
      if (this.restartLowUntil.get(publisherId) !== until) return; // a later path change runs its own
      this.restartLowUntil.delete(publisherId);
      // consumers made during the restart too
      this.applyToViewersOf(publisherId);
    }, RESTART_LOW_MS + 10);
    timer.unref();
  }

  private applyToViewersOf(publisherId: string): void {
    for (const set of this.byViewer.values()) {
      for (const c of set) {
        if (!c.closed && layered(c) && c.appData.producerPeerId === publisherId) void this.apply(c, { keyFrame: false });
      }
    }
  }

  private restartingLow(c: LayerConsumer): boolean {
    return (this.restartLowUntil.get(c.appData.producerPeerId) ?? 0) > this.now();
  }

  /** The active speaker changed: their camera consumers get a higher priority, the previous one's drop. */
  activeSpeakerChanged(previous: string | null, next: string | null, peers: Iterable<Peer>): void {
    for (const peer of peers) {
      for (const c of peer.consumers.values()) {
        const from = c.appData.producerPeerId;
        if (c.kind !== "video" || (from !== previous && from !== next) || c.closed) continue;
        c.setPriority(this.priorityOf(c)).catch(() => undefined);
      }
    }
    // the budget's order follows the priorities
    for (const viewer of this.byViewer.keys()) this.rebalance(viewer, true);
  }

  private priorityOf(c: LayerConsumer): number {
    return consumerPriority(c.appData.source, c.appData.producerPeerId === this.hooks.activeSpeaker());
  }

  /** What the tile needs, ignoring any congestion hold. */
  private wanted(c: LayerConsumer): LayerChoice {
    if (c.kind !== "video" || !c.appData.layers) {
      const hidden = c.kind === "video" && c.appData.view && (!c.appData.view.visible || c.appData.view.width <= 0);
      return hidden ? { paused: true } : { paused: false, spatialLayer: 0, temporalLayer: 0 };
    }
    return chooseLayers(c.appData.layers, c.appData.view ?? null, fitFor(c));
  }

  /** What the tile needs, held down while the link could not carry more (congestion backoff). */
  private needed(c: LayerConsumer): LayerChoice {
    const want = this.wanted(c);
    const cap = this.backoffs.get(c)?.backoff.capAt(this.now()) ?? null;
    if (want.paused || cap === null || want.spatialLayer <= cap) return want;
    return { ...want, spatialLayer: cap };
  }

  /** What the consumer prefers: its need, within the viewer's bandwidth budget (and a path restart). */
  private choose(c: LayerConsumer): LayerChoice {
    const need = this.needed(c);
    c.appData.need = need;
    const cap = layered(c) && this.restartingLow(c) ? 0 : (this.budgetCaps.get(c)?.value ?? null);
    if (need.paused || cap === null || need.spatialLayer <= cap) return need;
    return { ...need, spatialLayer: cap };
  }

  private watchCongestion(consumer: LayerConsumer): void {
    const state = { backoff: new LayerBackoff(), timer: null as NodeJS.Timeout | null };
    this.backoffs.set(consumer, state);
    consumer.on("layerschange", (layers) => {
      const want = this.wanted(consumer);
      const wanted = want.paused ? 0 : want.spatialLayer;
      const previous = state.backoff.layer;
      // the score event precedes layerschange: a layer whose stream died at the producer shows 0
      const scores = consumer.score?.producerScores ?? [];
      const sourceLost = previous !== null && (scores[consumer.type === "svc" ? 0 : previous] ?? 1) === 0;
      // a downgrade the publisher's side caused (or a path restart asked for) is not congestion
      const current = layers ? layers.spatialLayer : null;
      if (!state.backoff.onLayersChange(current, wanted, this.now(), sourceLost || this.restartingLow(consumer))) return;
      this.hooks.log.debug({ consumer: consumer.id, layer: layers?.spatialLayer, until: state.backoff.holdEndsAt }, "congestion: holding a lower layer");
      void this.apply(consumer, { keyFrame: false });
      if (state.timer) clearTimeout(state.timer);
      state.timer = setTimeout(() => {
        state.timer = null;
        void this.apply(consumer, { keyFrame: false });
      }, Math.max(0, state.backoff.holdEndsAt - this.now()) + 10);
      state.timer.unref();
    });
    consumer.observer.once("close", () => {
      if (state.timer) clearTimeout(state.timer);
    });
  }

  private apply(consumer: LayerConsumer, opts: { keyFrame: boolean }): Promise<void> {
    const previous = this.chains.get(consumer) ?? Promise.resolve();
    const next = previous.then(() => this.applyNow(consumer, opts)).catch((err: unknown) => {
      if (!consumer.closed) this.hooks.log.warn({ err: (err as Error).message, consumer: consumer.id }, "applying layers failed");
    });
    this.chains.set(consumer, next);
    return next;
  }

  private async applyNow(consumer: LayerConsumer, { keyFrame }: { keyFrame: boolean }): Promise<void> {
    if (consumer.closed) return;
    const before = consumer.appData.choice;
    const beforeNeed = consumer.appData.need;
    const choice = this.choose(consumer);
    const changed = !sameChoice(before, choice);
    consumer.appData.choice = choice;
    if (changed || !sameChoice(beforeNeed, consumer.appData.need!)) this.hooks.demandChanged(consumer);
    if (choice.paused) {
      if (!consumer.paused) await consumer.pause();
      return;
    }
    if (changed && layered(consumer)) {
      await consumer.setPreferredLayers({ spatialLayer: choice.spatialLayer, temporalLayer: choice.temporalLayer });
    }
    if (consumer.appData.ready && consumer.paused && !consumer.closed) {
      await consumer.resume();
      // shown again (or ready for the first time): a picture now, not at the next key frame
      if (keyFrame && consumer.kind === "video") consumer.requestKeyFrame().catch(() => undefined);
    }
  }
}
