"use client";
import { useSyncExternalStore } from "react";

const noopSubscribe = () => () => {};

/** false during the server render and hydration, true afterwards. Submit buttons stay
 * disabled until then, so a click never triggers a native (non-JS) form submission. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
}
