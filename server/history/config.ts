// The history's own settings, from the environment (validated; a bad value stops the start
// with a clear message, like server/config.ts).
import { z } from "zod";
import { DEFAULT_CONTINUE_WINDOW_MS } from "./history-recorder";

const minutes = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, "HISTORY_CONTINUE_MINUTES must be a number of minutes (0 = never continue)")
  .transform(Number)
  .pipe(z.number().min(0).max(24 * 60, "HISTORY_CONTINUE_MINUTES must be at most 1440 (a day)"));

export interface HistoryConfig {
  /** How long after a restart/crash a meeting's interrupted session is continued. */
  continueWindowMs: number;
}

export function historyConfigFromEnv(env: Record<string, string | undefined> = process.env): HistoryConfig {
  const raw = env.HISTORY_CONTINUE_MINUTES;
  if (raw === undefined || raw.trim() === "") return { continueWindowMs: DEFAULT_CONTINUE_WINDOW_MS };
  const parsed = minutes.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "invalid HISTORY_CONTINUE_MINUTES");
  return { continueWindowMs: Math.round(parsed.data * 60_000) };
}
