// A remote participant who publishes no camera (audio-only or view-only).
import type { ReactNode } from "react";
import type { PeerQuality } from "@/lib/signaling/protocol";
import type { Participant, RemoteMedia } from "@/lib/client/room-session";
import { QualityIndicator } from "./QualityIndicator";
import { Avatar, roleLabel, TileFrame } from "./Tile";

export function AvatarTile({
  participant,
  mic,
  quality,
  compact,
  speaking,
  badges,
}: {
  participant: Participant;
  mic?: RemoteMedia;
  quality?: PeerQuality;
  compact?: boolean;
  speaking?: boolean;
  badges?: ReactNode;
}) {
  return (
    <TileFrame
      data-testid="remote-peer"
      data-peer-id={participant.id}
      data-peer-name={participant.displayName}
      data-reconnecting={participant.reconnecting ? "true" : "false"}
      data-speaking={speaking ? "true" : "false"}
      speaking={speaking}
      reconnecting={participant.reconnecting}
      label={roleLabel(participant)}
      micMuted={!mic || mic.paused}
      topLeft={badges}
      topRight={<QualityIndicator quality={quality} />}
    >
      <Avatar name={participant.displayName} small={compact} />
    </TileFrame>
  );
}
