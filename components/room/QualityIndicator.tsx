// Four signal bars coloured by the server's quality level for one participant.
import type { PeerQuality, QualityLevel } from "@/lib/signaling/protocol";

const BARS: Record<QualityLevel, number> = { excellent: 4, good: 3, poor: 2, lost: 1 };
const COLOR: Record<QualityLevel, string> = {
  excellent: "bg-emerald-400",
  good: "bg-lime-400",
  poor: "bg-amber-400",
  lost: "bg-red-500",
};

export function describeQuality(q: PeerQuality): string {
  const rtt = q.rttMs == null ? "n/a" : `${Math.round(q.rttMs)} ms`;
  const d = q.downlink;
  const receiving = d
    ? `. Receiving: score ${d.score.toFixed(1)}/10, loss ${d.packetLossPercent.toFixed(1)} %` +
      (d.jitterMs == null ? "" : `, jitter ${Math.round(d.jitterMs)} ms`) +
      (d.availableKbps == null ? "" : `, ${Math.round(d.availableKbps)} kbps available`)
    : "";
  return (
    `Connection: ${q.level}. Score ${q.score.toFixed(1)}/10, ` +
    `packet loss ${q.packetLossPercent.toFixed(1)} %, RTT ${rtt}, ` +
    `send ${Math.round(q.sendKbps)} kbps, receive ${Math.round(q.recvKbps)} kbps${receiving}`
  );
}

export function QualityIndicator({ quality }: { quality?: PeerQuality }) {
  // Until the first report (≤ 2 s after joining) the level is unknown: grey bars, no data-quality.
  const label = quality ? describeQuality(quality) : "Connection quality: measuring";
  const filled = quality ? BARS[quality.level] : 0;
  const color = quality ? COLOR[quality.level] : "";
  return (
    <span
      data-testid="quality-indicator"
      data-quality={quality?.level}
      role="img"
      aria-label={label}
      title={label}
      className="inline-flex h-4 items-end gap-0.5 rounded bg-black/50 px-1 py-0.5"
    >
      {[1, 2, 3, 4].map((i) => (
        <span
          key={i}
          className={`w-1 rounded-sm ${i <= filled ? color : "bg-white/30"}`}
          style={{ height: `${i * 25}%` }}
        />
      ))}
    </span>
  );
}
