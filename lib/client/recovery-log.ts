// Counts what the call did to stay up (resumes, full rejoins, ICE restarts, media resets),
// for the diagnostics panel and for tests that must tell a resume from a rejoin. Exposed as
// window.__meetRecovery.
export type RecoveryLog = { resumes: number; rejoins: number; iceRestarts: number; mediaResets: number };

export function recoveryLog(): RecoveryLog {
  const w = (typeof window !== "undefined" ? window : globalThis) as unknown as { __meetRecovery?: RecoveryLog };
  w.__meetRecovery ??= { resumes: 0, rejoins: 0, iceRestarts: 0, mediaResets: 0 };
  return w.__meetRecovery;
}

export function countRecovery(what: keyof RecoveryLog): void {
  recoveryLog()[what]++;
}
