// Publisher savings (dynacast), the browser half: the server says which spatial layers of a
// producer anyone needs (`producerDemand`); the encodings above are switched off on the
// RTCRtpSender (encoding.active = false: the encoder stops producing them, nothing is sent)
// and switched on again when someone needs them — a re-activated encoding starts with a key
// frame. null switches every encoding off. This is not a mute: the producer stays unpaused on
// both sides and the user's camera toggle keeps working as before.
import type { Producer } from "mediasoup-client/types";

export class DynacastApplier {
  /** The latest demand per producer id (may arrive before the producer is known here). */
  private readonly wanted = new Map<string, number | null>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly find: (producerId: string) => Producer | null) {}

  demand(producerId: string, maxSpatialLayer: number | null): void {
    this.wanted.set(producerId, maxSpatialLayer);
    this.apply(producerId);
  }

  /** A producer now exists here: apply a demand that overtook its creation. */
  producerReady(producer: Producer): void {
    if (this.wanted.has(producer.id)) this.apply(producer.id);
  }

  /** Media reset / leave: demands were for producers that are gone. */
  clear(): void {
    this.wanted.clear();
    this.chains.clear();
  }

  private apply(producerId: string): void {
    const previous = this.chains.get(producerId) ?? Promise.resolve();
    const next = previous
      .then(() => this.applyNow(producerId))
      .catch((err) => console.warn("[room] dynacast: changing encodings failed", err));
    this.chains.set(producerId, next);
  }

  private async applyNow(producerId: string): Promise<void> {
    const producer = this.find(producerId);
    const sender = producer?.rtpSender;
    if (!producer || producer.closed || !sender || !this.wanted.has(producerId)) return;
    const max = this.wanted.get(producerId)!;
    const params = sender.getParameters();
    let changed = false;
    params.encodings.forEach((encoding, i) => {
      const active = max !== null && i <= max;
      if (encoding.active !== active) {
        encoding.active = active;
        changed = true;
      }
    });
    if (changed) await sender.setParameters(params);
  }
}
