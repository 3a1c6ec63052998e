// Shared frame for every tile: 16:9 box, name label, corner slots.
import type { ReactNode } from "react";
import { MicOffIcon } from "./icons";

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return "?";
  return ((parts[0][0] ?? "") + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase();
}

export function Avatar({ name, small }: { name: string; small?: boolean }) {
  return (
    <div className="absolute inset-0 flex items-center justify-center bg-slate-800">
      <span
        aria-hidden="true"
        className={`flex items-center justify-center rounded-full bg-sky-700 font-semibold text-white ${
          small ? "size-12 text-lg" : "size-20 text-2xl"
        }`}
      >
        {initials(name)}
      </span>
    </div>
  );
}

/** "Ana (host)", "Bo (co-host)", "Cy". */
export function roleLabel(p: { displayName: string; role: string }): string {
  return p.role === "host" ? `${p.displayName} (host)` : p.role === "cohost" ? `${p.displayName} (co-host)` : p.displayName;
}

export interface TileFrameProps extends React.HTMLAttributes<HTMLDivElement> {
  label: string;
  micMuted?: boolean;
  /** The person's connection dropped and is being restored: the tile stays, dimmed. */
  reconnecting?: boolean;
  /** They are speaking now: a ring around the tile. */
  speaking?: boolean;
  topRight?: ReactNode;
  /** Raised hand, reaction (TileBadges). */
  topLeft?: ReactNode;
  children: ReactNode;
  [dataAttr: `data-${string}`]: string | undefined;
}

export function TileFrame({ label, micMuted, reconnecting, speaking, topRight, topLeft, children, className = "", ...rest }: TileFrameProps) {
  return (
    <div
      {...rest}
      className={`relative aspect-video w-full overflow-hidden rounded-xl bg-slate-900 ${
        speaking ? "ring-2 ring-emerald-400" : "ring-1 ring-white/10"
      } ${className}`}
    >
      {children}
      {reconnecting && (
        <div className="absolute inset-0 flex items-center justify-center bg-black/55">
          <span className="rounded-md bg-black/70 px-3 py-1 text-sm text-amber-200">Reconnecting…</span>
        </div>
      )}
      {topRight && <div className="absolute right-2 top-2 flex items-center gap-1">{topRight}</div>}
      {topLeft && <div className="absolute left-2 top-2 flex items-center gap-1">{topLeft}</div>}
      <div className="absolute bottom-2 left-2 flex max-w-[calc(100%-1rem)] items-center gap-1.5 rounded-md bg-black/60 px-2 py-0.5 text-sm">
        {micMuted && (
          <span className="text-red-400" role="img" aria-label="Microphone muted" title="Microphone muted">
            <MicOffIcon />
          </span>
        )}
        <span className="truncate">{label}</span>
      </div>
    </div>
  );
}
