"use client";
// Formats an instant in the VIEWER's time zone. The server has no idea what that is, so
// the server render (and hydration) uses UTC, then the browser snapshot takes over.
import { useSyncExternalStore } from "react";

const noopSubscribe = () => () => {};

export type LocalTimeStyle = "datetime" | "date" | "time" | "datetime-long";

const OPTIONS: Record<LocalTimeStyle, Intl.DateTimeFormatOptions> = {
  datetime: { dateStyle: "medium", timeStyle: "short" },
  "datetime-long": { weekday: "long", year: "numeric", month: "long", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" },
  date: { dateStyle: "medium" },
  time: { timeStyle: "short" },
};

export function formatInZone(iso: string, style: LocalTimeStyle, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return new Intl.DateTimeFormat(undefined, { ...OPTIONS[style], ...(timeZone ? { timeZone } : {}) }).format(d);
}

export function LocalTime({ iso, style = "datetime", className }: { iso: string; style?: LocalTimeStyle; className?: string }) {
  const text = useSyncExternalStore(
    noopSubscribe,
    () => formatInZone(iso, style),
    () => formatInZone(iso, style, "UTC") + (style === "datetime-long" ? "" : " UTC"),
  );
  return (
    <time dateTime={iso} className={className}>
      {text}
    </time>
  );
}

/** The viewer's IANA time zone (null during the server render). */
export function useBrowserTimeZone(): string | null {
  return useSyncExternalStore(
    noopSubscribe,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    () => null,
  );
}

export function BrowserTimeZoneName() {
  const tz = useBrowserTimeZone();
  return <>{tz ?? "UTC"}</>;
}
