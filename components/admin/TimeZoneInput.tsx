"use client";
import { useBrowserTimeZone } from "@/components/ui/LocalTime";

/** Hidden form field carrying the viewer's zone, so date filters mean the viewer's days. */
export function TimeZoneInput({ name = "tz", fallback = "UTC" }: { name?: string; fallback?: string }) {
  const tz = useBrowserTimeZone();
  return <input type="hidden" name={name} value={tz ?? fallback} />;
}

export function TimeZoneLabel({ fallback = "UTC" }: { fallback?: string }) {
  const tz = useBrowserTimeZone();
  return <>{(tz ?? fallback).replaceAll("_", " ")}</>;
}
