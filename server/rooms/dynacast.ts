// Publisher savings (LiveKit's dynacast): for every video producer, the highest spatial
// layer any of its consumers needs (layer-policy.ts neededSpatialLayer over what their tiles
// need — before each viewer's bandwidth budget, so the SFU keeps a higher layer to probe
// towards while a viewer's estimate grows), told to the publisher as `producerDemand` so its browser stops encoding and
// sending the layers above — or the whole producer when nobody can see it — and starts again
// as soon as someone needs them. Upgrades go out at once (a viewer is waiting for them);
// downgrades wait DOWNGRADE_DELAY_MS and are dropped if the need comes back meanwhile, so a
// tile that flickers in and out of view does not make the encoder flap.
//
// A producer nobody consumes at all (its publisher is alone, or nobody can decode it) keeps
// its smallest layer on (STANDBY_LAYER): when someone joins, the SFU already has a running
// stream to start their first picture from, instead of waiting for an encoder to start and
// for its first key frame. Only consumers that exist but cannot see it stop it entirely.
import type { types as ms } from "mediasoup";
import { neededSpatialLayer } from "./layer-policy";
import type { ConsumerAppData, Peer, ProducerAppData } from "./peer";

export const DOWNGRADE_DELAY_MS = 3_000;
/** What a producer without any consumer keeps sending: its smallest layer (~150 kbit/s). */
export const STANDBY_LAYER = 0;

type Entry = {
  producer: ms.Producer<ProducerAppData>;
  publisher: Peer;
  consumers: Set<ms.Consumer<ConsumerAppData>>;
  /** What the publisher was told last; its browser starts with every layer on. */
  sent: number | null;
  downgrade: NodeJS.Timeout | null;
};

export class Dynacast {
  private readonly producers = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly downgradeDelayMs = DOWNGRADE_DELAY_MS) {}

  /** A new video producer: tracked until it closes. */
  addProducer(publisher: Peer, producer: ms.Producer<ProducerAppData>): void {
    if (producer.kind !== "video" || this.producers.has(producer.id)) return;
    const top = (producer.appData.layers?.sizes.length ?? 1) - 1;
    const entry: Entry = { producer, publisher, consumers: new Set(), sent: top, downgrade: null };
    this.producers.set(producer.id, entry);
    producer.observer.once("close", () => {
      if (entry.downgrade) clearTimeout(entry.downgrade);
      if (this.producers.get(producer.id) === entry) this.producers.delete(producer.id);
    });
    this.recompute(producer.id);
  }

  /** A new consumer of one of the tracked producers (on any router of the room). */
  addConsumer(consumer: ms.Consumer<ConsumerAppData>): void {
    const entry = this.producers.get(consumer.producerId);
    if (!entry) return;
    entry.consumers.add(consumer);
    consumer.observer.once("close", () => {
      entry.consumers.delete(consumer);
      this.recompute(consumer.producerId);
    });
    this.recompute(consumer.producerId);
  }

  /** What a consumer needs changed (its layer choice). */
  changed(consumer: ms.Consumer<ConsumerAppData>): void {
    this.recompute(consumer.producerId);
  }

  /** The publisher sends nothing for this producer because nobody needs it (not a mute). */
  isSuspended(producerId: string): boolean {
    return this.producers.get(producerId)?.sent === null;
  }

  /** After a resume the publisher may have missed a notice: tell it again where it stands. */
  resend(publisher: Peer): void {
    for (const e of this.producers.values()) {
      if (e.publisher === publisher) publisher.notify("producerDemand", { producerId: e.producer.id, maxSpatialLayer: e.sent });
    }
  }

  close(): void {
    this.closed = true;
    for (const e of this.producers.values()) if (e.downgrade) clearTimeout(e.downgrade);
    this.producers.clear();
  }

  private needed(entry: Entry): number | null {
    const choices = [];
    for (const c of entry.consumers) {
      const need = c.appData.need ?? c.appData.choice;
      if (!c.closed && need) choices.push(need);
    }
    if (choices.length === 0) return STANDBY_LAYER;
    const top = (entry.producer.appData.layers?.sizes.length ?? 1) - 1;
    const need = neededSpatialLayer(choices);
    return need === null ? null : Math.min(need, top);
  }

  private recompute(producerId: string): void {
    const entry = this.producers.get(producerId);
    if (!entry || this.closed || entry.producer.closed) return;
    const need = this.needed(entry);
    const rank = (v: number | null) => (v === null ? -1 : v);
    if (rank(need) >= rank(entry.sent)) {
      if (entry.downgrade) clearTimeout(entry.downgrade);
      entry.downgrade = null;
      if (need !== entry.sent) this.send(entry, need);
      return;
    }
    if (entry.downgrade) return; // re-evaluated when the timer fires
    entry.downgrade = setTimeout(() => {
      entry.downgrade = null;
      if (this.closed || entry.producer.closed) return;
      const now = this.needed(entry);
      if (rank(now) < rank(entry.sent)) this.send(entry, now);
    }, this.downgradeDelayMs);
    entry.downgrade.unref();
  }

  private send(entry: Entry, maxSpatialLayer: number | null): void {
    entry.sent = maxSpatialLayer;
    entry.publisher.notify("producerDemand", { producerId: entry.producer.id, maxSpatialLayer });
  }
}
