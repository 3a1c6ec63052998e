// Entry point used by server/index.ts (loadObserver): the meeting-history RoomObserver.
import { prisma } from "@/lib/db";
import type { Logger } from "@/server/logger";
import { ensureDatabaseMigrated } from "@/server/db-migrate";
import { closeStaleSessions, HistoryRecorder } from "./history-recorder";
import type { AdoptablePredicate } from "./session-adoption";

export { HistoryRecorder, closeStaleSessions } from "./history-recorder";

/**
 * Makes sure the schema is current (a no-op when server/index.ts already migrated), closes
 * sessions a previous run left open, and returns the recorder. Call `recorder.shutdown()`
 * on SIGINT/SIGTERM (after signaling closed its rooms) to end open sessions cleanly.
 *
 * Several nodes: only the stale rows of `staleNodeIds` are closed, and only after
 * `adoptionGraceMs`, so that rooms coming back here can continue them (`adoptable`).
 */
export async function createHistoryObserver(opts: {
  logger: Logger;
  /** Stored on new sessions. */
  nodeId?: string;
  /** Several nodes: close only these nodes' stale sessions (this one + dead ones). Default: all. */
  staleNodeIds?: readonly string[];
  adoptable?: AdoptablePredicate;
  adoptionGraceMs?: number;
  /** Cascaded rooms: the home node whose session an edge's participants join. */
  sessionOwner?: (roomId: string) => Promise<string | null>;
}): Promise<HistoryRecorder> {
  await ensureDatabaseMigrated();
  const log = opts.logger.child({ component: "history" });
  const closeStale = async () => {
    const closed = await closeStaleSessions(prisma, { nodeIds: opts.staleNodeIds });
    if (closed.sessions || closed.attendances) {
      log.info({ ...closed, nodes: opts.staleNodeIds }, "closed meeting sessions/attendances left open by the previous run");
    }
  };
  if (opts.adoptable && opts.adoptionGraceMs) {
    setTimeout(() => void closeStale().catch((err: unknown) => log.error({ err }, "closing stale sessions failed")), opts.adoptionGraceMs).unref();
  } else {
    await closeStale();
  }
  return new HistoryRecorder({
    db: prisma,
    logger: log,
    nodeId: opts.nodeId,
    adoptable: opts.adoptable,
    adoptionGraceMs: opts.adoptionGraceMs,
    sessionOwner: opts.sessionOwner,
  });
}
