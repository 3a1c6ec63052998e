"use client";
// A screen share: shown larger than camera tiles and letterboxed (never cropped).
import type { PeerQuality } from "@/lib/signaling/protocol";
import { MediaVideo } from "./MediaVideo";
import { QualityIndicator } from "./QualityIndicator";
import { TileFrame } from "./Tile";

export interface ScreenTileProps {
  /** Absent for my own share. */
  peerId?: string;
  name: string;
  stream: MediaStream;
  paused?: boolean;
  quality?: PeerQuality;
  reconnecting?: boolean;
  /** The remote consumer (per-viewer layers); absent for my own share. */
  consumerId?: string;
}

export function ScreenTile({ peerId, name, stream, paused, quality, reconnecting, consumerId }: ScreenTileProps) {
  const local = peerId === undefined;
  const label = local ? "Your screen" : `${name}'s screen`;
  const testAttrs = local
    ? { "data-testid": "local-screen" }
    : {
        "data-testid": "remote-tile",
        "data-peer-id": peerId,
        "data-peer-name": name,
        "data-source": "screen",
        "data-muted": paused ? "true" : "false",
        "data-reconnecting": reconnecting ? "true" : "false",
      };
  return (
    <TileFrame {...testAttrs} label={label} reconnecting={reconnecting} className="bg-black" topRight={local ? undefined : <QualityIndicator quality={quality} />}>
      <MediaVideo stream={stream} fit="contain" consumerId={consumerId} />
      {local && (
        <p className="absolute inset-x-0 top-2 text-center text-xs text-slate-300">
          <span className="rounded bg-black/60 px-2 py-0.5">You are sharing your screen</span>
        </p>
      )}
    </TileFrame>
  );
}
