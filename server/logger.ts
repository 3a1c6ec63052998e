// Server-side logging (pino, JSON lines). Level comes from LOG_LEVEL (validated in config.ts;
// an invalid value falls back to "info" here so the config error can still be printed).
import pino from "pino";

const LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);
const envLevel = process.env.LOG_LEVEL?.trim();

export const logger = pino({
  level: envLevel && LEVELS.has(envLevel) ? envLevel : "info",
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
});

export type Logger = pino.Logger;

export function setLogLevel(level: string): void {
  if (LEVELS.has(level)) logger.level = level;
}
