// How a video is sent: the encodings of a camera (simulcast: up to three spatial layers with
// three temporal layers each, so the SFU can give every viewer the size and frame rate its
// tile and its downlink allow) and of a screen share (one high-resolution stream — VP9 SVC
// where the browser and the SFU both have VP9 — with priority over cameras). Pure: the
// publisher feeds it the captured size, the server gets the layer sizes with `produce`.
import type { RtpEncodingParameters } from "mediasoup-client/types";
import type { VideoLayer } from "@/lib/signaling/protocol";

export type VideoSendPlan = {
  encodings: RtpEncodingParameters[];
  /** Picture size of each spatial layer, lowest first (what `produce` tells the server). */
  layers: VideoLayer[];
};

/** Layers narrower than this are not worth a stream of their own. */
export const MIN_LAYER_WIDTH = 160;
/** Simulcast layers: full size, half, quarter (mediasoup-demo and LiveKit use the same ladder). */
const SCALES = [4, 2, 1] as const;

/**
 * kbit/s by picture size, piecewise linear in pixels through the ladder:
 * 320x180 ≈ 150, 640x360 ≈ 500, 1280x720 ≈ 1 300 (and on to 1920x1080 ≈ 2 200).
 */
const BITRATE_POINTS: ReadonlyArray<readonly [pixels: number, bps: number]> = [
  [320 * 180, 150_000],
  [640 * 360, 500_000],
  [1280 * 720, 1_300_000],
  [1920 * 1080, 2_200_000],
];

export function layerBitrate(width: number, height: number): number {
  const px = Math.max(1, width * height);
  const [first] = BITRATE_POINTS;
  if (px <= first[0]) return Math.max(60_000, Math.round((first[1] * px) / first[0]));
  for (let i = 1; i < BITRATE_POINTS.length; i++) {
    const [p0, b0] = BITRATE_POINTS[i - 1];
    const [p1, b1] = BITRATE_POINTS[i];
    if (px <= p1) return Math.round(b0 + ((b1 - b0) * (px - p0)) / (p1 - p0));
  }
  return BITRATE_POINTS[BITRATE_POINTS.length - 1][1];
}

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));

/**
 * Camera simulcast for a capture of `width`×`height`: the quarter/half/full ladder, without
 * layers narrower than MIN_LAYER_WIDTH (a 320-wide camera sends two layers, a 160-wide one
 * one). `scalabilityMode`: "L1T3" when the codec supports it (VP8 always; H264 where the
 * browser lists it), null for no temporal layers.
 */
export function cameraSendPlan(width: number, height: number, scalabilityMode: string | null = "L1T3"): VideoSendPlan {
  const w = Math.max(1, Math.round(width || 640));
  const h = Math.max(1, Math.round(height || 360));
  const scales = SCALES.filter((s) => s === 1 || w / s >= MIN_LAYER_WIDTH);
  const layers = scales.map((s) => ({ width: even(w / s), height: even(h / s) }));
  const encodings = scales.map((s, i): RtpEncodingParameters => ({
    scaleResolutionDownBy: s,
    maxBitrate: layerBitrate(layers[i].width, layers[i].height),
    ...(scalabilityMode ? { scalabilityMode } : {}),
  }));
  return { encodings, layers };
}

/** VP9 with three spatial layers (each temporal layer on its own), key frames per layer. */
export const SCREEN_SVC_MODE = "L3T3_KEY";
export const SCREEN_MAX_BITRATE = 2_500_000;

/**
 * A screen share: one encoding at full resolution (text must stay sharp; contentHint
 * "detail" makes the browser drop frames rather than resolution), sent before cameras
 * (priority "high"). With VP9 it is SVC: viewers with small tiles or slow links get a lower
 * spatial layer of the same stream.
 */
export function screenSendPlan(width: number, height: number, svc: boolean): VideoSendPlan {
  const w = Math.max(2, Math.round(width || 1280));
  const h = Math.max(2, Math.round(height || 720));
  const common = { maxBitrate: SCREEN_MAX_BITRATE, priority: "high", networkPriority: "high" } as const;
  if (svc) {
    return {
      encodings: [{ ...common, scalabilityMode: SCREEN_SVC_MODE }],
      layers: [4, 2, 1].map((s) => ({ width: even(w / s), height: even(h / s) })),
    };
  }
  return { encodings: [{ ...common, scalabilityMode: "L1T3" }], layers: [{ width: even(w), height: even(h) }] };
}
