// Per-viewer layers, the stateful part: applies layer-policy.ts to mediasoup consumers.
// A consumer is resumed once its client is ready (resumeConsumer) *and* its viewer can see
// it; it prefers the layers its tile needs; it is paused again while its tile is hidden
// (scrolled away, on another page, background tab) and resumed with a key frame when it is
// shown. Its priority in the transport's bandwidth distribution follows its source and the
// active speaker. Every change of what a consumer needs is passed on to dynacast. When the
// bandwidth estimate had to take a consumer down, it is held there for a while
// (layer-backoff.ts) instead of oscillating between layers on a slow link.
import type { types as ms } from "mediasoup";
import type { ConsumerView } from "../../lib/signaling/protocol";
import type { Logger } from "../logger";
import { LayerBackoff } from "./layer-backoff";
import { chooseLayers, consumerPriority, type Fit, type LayerChoice } from "./layer-policy";
import type { ConsumerAppData, Peer } from "./peer";

export type LayerConsumer = ms.Consumer<ConsumerAppData>;

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

  constructor(
    private readonly hooks: LayerControlHooks,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new consumer (created paused): its priority and first choice, before the client hears of it. */
  async init(consumer: LayerConsumer): Promise<void> {
    consumer.appData.ready = false;
    consumer.appData.view = null;
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
    await Promise.all(jobs);
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

  /** What the tile needs, held down while the link could not carry more. */
  private choose(c: LayerConsumer): LayerChoice {
    const want = this.wanted(c);
    const cap = this.backoffs.get(c)?.backoff.capAt(this.now()) ?? null;
    if (want.paused || cap === null || want.spatialLayer <= cap) return want;
    return { ...want, spatialLayer: cap };
  }

  private watchCongestion(consumer: LayerConsumer): void {
    const state = { backoff: new LayerBackoff(), timer: null as NodeJS.Timeout | null };
    this.backoffs.set(consumer, state);
    consumer.on("layerschange", (layers) => {
      const want = this.wanted(consumer);
      const wanted = want.paused ? 0 : want.spatialLayer;
      if (!state.backoff.onLayersChange(layers ? layers.spatialLayer : null, wanted, this.now())) return;
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
    const choice = this.choose(consumer);
    const changed = !sameChoice(before, choice);
    consumer.appData.choice = choice;
    if (changed) this.hooks.demandChanged(consumer);
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
