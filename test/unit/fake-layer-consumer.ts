// A mocked mediasoup consumer for the layer-control tests: records the calls the layer
// control makes (pause, resume, preferred layers, priority, key frame) and lets a test emit
// the consumer's events (layerschange).
import { EventEmitter } from "node:events";
import type { ProducerLayers } from "../../server/rooms/layer-policy";

export const LAYERS_720P: ProducerLayers = {
  sizes: [
    { width: 320, height: 180 },
    { width: 640, height: 360 },
    { width: 1280, height: 720 },
  ],
  temporalLayers: 3,
};

export function fakeConsumer(
  id: string,
  opts: { kind?: "audio" | "video"; source?: string; from?: string; layers?: ProducerLayers } = {},
) {
  const calls: string[] = [];
  const events = new EventEmitter();
  const c = {
    id,
    on: (name: string, fn: (...args: unknown[]) => void) => events.on(name, fn),
    emit: (name: string, ...args: unknown[]) => events.emit(name, ...args),
    observer: new EventEmitter(),
    kind: opts.kind ?? "video",
    type: opts.kind === "audio" ? "simple" : "simulcast",
    producerId: `p-${id}`,
    closed: false,
    paused: true,
    producerPaused: false,
    /** What mediasoup last reported (the score event precedes layerschange). */
    score: undefined as { score: number; producerScore: number; producerScores: number[] } | undefined,
    calls,
    appData: {
      peerId: "viewer",
      producerPeerId: opts.from ?? "pub",
      source: opts.source ?? "camera",
      layers: opts.layers ?? LAYERS_720P,
    } as Record<string, unknown>,
    async pause() {
      calls.push("pause");
      c.paused = true;
    },
    async resume() {
      calls.push("resume");
      c.paused = false;
    },
    async setPreferredLayers(l: { spatialLayer: number; temporalLayer: number }) {
      calls.push(`layers ${l.spatialLayer}/${l.temporalLayer}`);
    },
    async setPriority(p: number) {
      calls.push(`priority ${p}`);
    },
    async requestKeyFrame() {
      calls.push("keyframe");
    },
  };
  return c;
}
