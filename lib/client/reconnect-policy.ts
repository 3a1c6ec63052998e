// When to try again after the signaling connection was lost. Pure, so it is unit-tested.
//
// Modelled on LiveKit's DefaultReconnectPolicy (0, 0.3, 1.2, 2.7, 4.8, 7 s … with up to 1 s
// of jitter from the third try), but flatter at the end: a server that comes back must see
// its clients within ~4 s, so no gap exceeds 3 s + jitter. The jitter spreads a room (or a
// thousand rooms after a server restart) over time instead of one burst.
import { CLOSE_CODES } from "@/lib/signaling/protocol";

export const RECONNECT_DELAYS_MS = [0, 300, 1_000, 2_000, 3_000] as const;
export const RECONNECT_JITTER_MS = 1_000;
/** After this long without success the client stops and offers a Rejoin button. */
export const GIVE_UP_AFTER_MS = 2 * 60_000;
/** A restarting server closes every socket at once: spread the first tries over this window. */
export const RESTART_SPREAD_MS = 1_500;

export type RandomSource = () => number;

/**
 * Delay before attempt `attempt` (0-based). The first try is immediate (a blip is usually
 * over by then), except after a server restart (close code 1012), where even the first try
 * is spread out.
 */
export function reconnectDelay(attempt: number, closeCode: number | null, random: RandomSource = Math.random): number {
  if (attempt === 0) {
    return closeCode === CLOSE_CODES.serviceRestart ? Math.round(random() * RESTART_SPREAD_MS) : 0;
  }
  const base = RECONNECT_DELAYS_MS[Math.min(attempt, RECONNECT_DELAYS_MS.length - 1)];
  const jitter = attempt >= 2 || closeCode === CLOSE_CODES.serviceRestart ? random() * RECONNECT_JITTER_MS : 0;
  return Math.round(base + jitter);
}

export function shouldGiveUp(startedAt: number, now: number, limitMs = GIVE_UP_AFTER_MS): boolean {
  return now - startedAt >= limitMs;
}
