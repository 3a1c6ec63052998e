// Entry point used by server/index.ts (loadObserver): the meeting-history RoomObserver.
import { prisma } from "@/lib/db";
import type { Logger } from "@/server/logger";
import { ensureDatabaseMigrated } from "@/server/db-migrate";
import { closeStaleSessions, HistoryRecorder } from "./history-recorder";

export { HistoryRecorder, closeStaleSessions } from "./history-recorder";

/**
 * Makes sure the schema is current (a no-op when server/index.ts already migrated), closes
 * sessions a previous run left open, and returns the recorder. Call `recorder.shutdown()`
 * on SIGINT/SIGTERM (after signaling closed its rooms) to end open sessions cleanly.
 */
export async function createHistoryObserver(opts: {
  logger: Logger;
  /** Stored on new sessions. */
  nodeId?: string;
  /** Several nodes: close only these nodes' stale sessions (this one + dead ones). Default: all. */
  staleNodeIds?: readonly string[];
}): Promise<HistoryRecorder> {
  await ensureDatabaseMigrated();
  const log = opts.logger.child({ component: "history" });
  const closed = await closeStaleSessions(prisma, { nodeIds: opts.staleNodeIds });
  if (closed.sessions || closed.attendances) {
    log.info({ ...closed, nodes: opts.staleNodeIds }, "closed meeting sessions/attendances left open by the previous run");
  }
  return new HistoryRecorder({ db: prisma, logger: log, nodeId: opts.nodeId });
}
