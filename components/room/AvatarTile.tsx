// A remote participant who publishes no camera (audio-only or view-only).
import type { PeerQuality } from "@/lib/signaling/protocol";
import type { Participant, RemoteMedia } from "@/lib/client/room-session";
import { QualityIndicator } from "./QualityIndicator";
import { Avatar, TileFrame } from "./Tile";

export function AvatarTile({
  participant,
  mic,
  quality,
  compact,
  speaking,
}: {
  participant: Participant;
  mic?: RemoteMedia;
  quality?: PeerQuality;
  compact?: boolean;
  speaking?: boolean;
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
      label={participant.isHost ? `${participant.displayName} (host)` : participant.displayName}
      micMuted={!mic || mic.paused}
      topRight={<QualityIndicator quality={quality} />}
    >
      <Avatar name={participant.displayName} small={compact} />
    </TileFrame>
  );
}
