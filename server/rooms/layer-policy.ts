// Per-viewer layers (LiveKit's adaptive stream is the model), the pure part: from the
// picture sizes of a producer's spatial layers and how one viewer shows that video, which
// layers its consumer should prefer — or whether it should be paused because nobody can see
// it. mediasoup's bandwidth estimation may still pick a lower layer under congestion; the
// preferred layers are the ceiling.
import type { VideoLayer } from "../../lib/signaling/protocol";
import { layerBitrates } from "./layer-budget";

/** How a viewer shows a video: size in device pixels, visibility (null = not reported yet). */
export type ViewerView = { visible: boolean; width: number; height: number };

/** "cover": the tile is filled and cropped (cameras); "contain": letterboxed (screens). */
export type Fit = "cover" | "contain";

export type LayerChoice =
  | { paused: true }
  | { paused: false; spatialLayer: number; temporalLayer: number };

/**
 * Before the viewer has said how large its tile is: the middle layer (640x360 of a 720p
 * camera). Cheap enough to start with, sharp enough for a typical grid tile, and its key
 * frame is small, so the first picture after a join is quick.
 */
export const DEFAULT_SPATIAL_LAYER = 1;

/**
 * The producer's layers, lowest first, as mediasoup numbers them; `bitrates`: what receiving
 * each spatial layer costs, from the encodings' declared maxBitrate (layer-budget.ts).
 */
export type ProducerLayers = {
  sizes: VideoLayer[];
  temporalLayers: number;
  bitrates?: number[];
  /** What each layer measured at the last quality poll (shared by the producer and its consumers). */
  measuredBitrates?: number[];
};

/** "L3T3_KEY" -> 3 spatial, 3 temporal; anything unparsable -> 1 / 1. */
export function parseScalabilityMode(mode: string | undefined): { spatialLayers: number; temporalLayers: number } {
  const m = /^[LS](\d+)T(\d+)/.exec(mode ?? "");
  if (!m) return { spatialLayers: 1, temporalLayers: 1 };
  return { spatialLayers: Math.max(1, Math.min(4, Number(m[1]))), temporalLayers: Math.max(1, Math.min(4, Number(m[2]))) };
}

/**
 * The layers of a producer from its RTP encodings (simulcast: one encoding per spatial
 * layer; SVC: one encoding whose scalability mode says how many) and the sizes its client
 * declared. Without declared sizes (a client that did not say) each lower layer is assumed
 * to be half the size of the one above, from a 1280x720 top layer.
 */
export function producerLayers(
  encodings: ReadonlyArray<{ scalabilityMode?: string; maxBitrate?: number }>,
  declared: ReadonlyArray<VideoLayer> | undefined,
): ProducerLayers {
  const first = parseScalabilityMode(encodings[0]?.scalabilityMode);
  const spatial = encodings.length > 1 ? encodings.length : first.spatialLayers;
  const temporalLayers = first.temporalLayers;
  let sizes: VideoLayer[];
  if (declared && declared.length === spatial) sizes = [...declared];
  else {
    sizes = [];
    for (let i = 0; i < spatial; i++) {
      const down = 2 ** (spatial - 1 - i);
      sizes.push({ width: Math.round(1280 / down), height: Math.round(720 / down) });
    }
  }
  const bitrates = layerBitrates(encodings, sizes);
  return bitrates ? { sizes, temporalLayers, bitrates } : { sizes, temporalLayers };
}

/** A layer of this size shows the tile without upscaling. */
function largeEnough(layer: VideoLayer, view: ViewerView, fit: Fit): boolean {
  // cover scales by the larger ratio (both sides must be big enough), contain by the smaller
  return fit === "cover"
    ? layer.width >= view.width && layer.height >= view.height
    : layer.width >= view.width || layer.height >= view.height;
}

/**
 * The smallest layer at least as large as the tile (device pixels), else the largest. A tile
 * much smaller than even the lowest layer also gets fewer frames per second (edumeet does the
 * same): under half the lowest layer's width drops the top temporal layer.
 */
export function chooseLayers(layers: ProducerLayers, view: ViewerView | null, fit: Fit): LayerChoice {
  const top = layers.sizes.length - 1;
  const maxTemporal = Math.max(0, layers.temporalLayers - 1);
  if (!view) return { paused: false, spatialLayer: Math.min(DEFAULT_SPATIAL_LAYER, top), temporalLayer: maxTemporal };
  if (!view.visible || view.width <= 0 || view.height <= 0) return { paused: true };
  let spatialLayer = top;
  for (let i = 0; i <= top; i++) {
    if (largeEnough(layers.sizes[i], view, fit)) {
      spatialLayer = i;
      break;
    }
  }
  const lowest = layers.sizes[0];
  const tiny = spatialLayer === 0 && view.width * 2 <= lowest.width && view.height * 2 <= lowest.height;
  return { paused: false, spatialLayer, temporalLayer: tiny ? Math.max(0, maxTemporal - 1) : maxTemporal };
}

/** Dynacast: the highest spatial layer any of these choices needs (null = none needs it). */
export function neededSpatialLayer(choices: Iterable<LayerChoice>): number | null {
  let max: number | null = null;
  for (const c of choices) {
    if (c.paused) continue;
    if (max === null || c.spatialLayer > max) max = c.spatialLayer;
  }
  return max;
}

/**
 * Consumer priorities for mediasoup's bandwidth distribution (1..255): in each round of
 * handing out the estimated bitrate a consumer may go up `priority` layer steps, so screen
 * shares fill up first, then the active speaker's camera, then everyone else.
 */
export const PRIORITY = { screen: 3, activeSpeaker: 2, other: 1 } as const;

export function consumerPriority(source: string, isActiveSpeaker: boolean): number {
  if (source === "screen") return PRIORITY.screen;
  return isActiveSpeaker ? PRIORITY.activeSpeaker : PRIORITY.other;
}
