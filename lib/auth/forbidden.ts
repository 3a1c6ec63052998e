// 403 for pages. With `experimental.authInterrupts` (next.config.ts) Next's forbidden()
// renders the segment's forbidden.tsx with HTTP status 403; without it forbidden() throws,
// so callers fall back to rendering their own 403 message (status 200).
import { forbidden } from "next/navigation";

export function authInterruptsEnabled(): boolean {
  // Replaced at build time by Next (define-env) with the config flag.
  return Boolean(process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS);
}

/** Throws Next's 403 interrupt when available; returns otherwise (render a fallback). */
export function forbiddenIfSupported(): void {
  if (authInterruptsEnabled()) forbidden();
}
