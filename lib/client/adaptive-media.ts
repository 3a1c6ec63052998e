// The browser half of rooms that scale, as one piece RoomSession wires in: how each remote
// video is shown (layer reporter -> server), which of our encodings anyone needs (dynacast
// <- server), what we receive (receive-quality reporter -> server) and who is speaking
// (<- server). Kept out of room-session.ts so the session stays about joining and staying in.
import type { Transport } from "mediasoup-client/types";
import { DynacastApplier } from "./dynacast";
import { LayerReporter } from "./layer-reporter";
import type { Publisher } from "./publisher";
import { ReceiveQualityReporter } from "./receive-quality";
import type { RemoteMedia, RoomAction } from "./room-state";
import type { SignalingClient } from "./signaling-client";
import type { Signal } from "./transports";

export interface AdaptiveMediaHost {
  signal: Signal;
  dispatch(action: RoomAction): void;
  recvTransport(): Transport | null;
}

export class AdaptiveMedia {
  /** Tells the server how each remote video is shown (the tiles register their <video>s). */
  readonly layerReporter: LayerReporter;
  private readonly receiveQuality: ReceiveQualityReporter;
  private dynacast: DynacastApplier | null = null;

  constructor(private readonly host: AdaptiveMediaHost) {
    this.layerReporter = new LayerReporter((views) => host.signal("updateConsumerViews", { views }));
    this.receiveQuality = new ReceiveQualityReporter(
      () => host.recvTransport(),
      (q) => host.signal("reportReceiveQuality", q),
    );
  }

  /** A new publisher (new Device / transports): demands apply to its producers. */
  attachPublisher(publisher: Publisher): void {
    const dynacast = new DynacastApplier((id) => publisher.byId(id));
    this.dynacast = dynacast;
    publisher.onProducer = (producer) => dynacast.producerReady(producer);
  }

  /** Listens on a new socket; `current()` is false once the session moved to another socket. */
  wire(client: SignalingClient, current: () => boolean): void {
    const { dispatch } = this.host;
    client.on("producerDemand", ({ producerId, maxSpatialLayer }) => current() && this.dynacast?.demand(producerId, maxSpatialLayer));
    client.on("activeSpeaker", ({ peerId }) => current() && dispatch({ type: "activeSpeaker", peerId }));
    client.on("speakingPeers", ({ peerIds }) => current() && dispatch({ type: "speaking", peerIds }));
  }

  /** The remote media changed: the reporter follows the video consumers. */
  mediaChanged(media: ReadonlyArray<RemoteMedia>): void {
    this.layerReporter.sync(media.filter((m) => m.kind === "video").map((m) => m.consumerId));
  }

  /** In the call (joined or admitted): receive quality is reported from now on. */
  entered(): void {
    this.receiveQuality.start();
  }

  /** Resumed on a new socket: reports sent while it was down are lost. */
  resumed(): void {
    this.layerReporter.resendAll();
  }

  /** Media reset / leave: demands were for producers that are gone. */
  resetMedia(): void {
    this.dynacast?.clear();
  }

  /** Out of the call (left, ended). */
  stop(): void {
    this.receiveQuality.stop();
  }

  destroy(): void {
    this.receiveQuality.stop();
    this.layerReporter.destroy();
  }
}
