// Entry point used by server/index.ts (loadObserver): the meeting-history RoomObserver.
import { prisma } from "@/lib/db";
import type { Logger } from "@/server/logger";
import { ensureDatabaseMigrated } from "@/server/db-migrate";
import { closeStaleSessions, HistoryRecorder } from "./history-recorder";
import { historyConfigFromEnv } from "./config";

export { HistoryRecorder, closeStaleSessions } from "./history-recorder";

/**
 * Makes sure the schema is current (a no-op when server/index.ts already migrated), closes
 * sessions a previous run left open (as interrupted by a crash), and returns the recorder.
 * On SIGINT/SIGTERM call `recorder.beginShutdown()` before closing the signaling sockets and
 * `recorder.shutdown()` after: open sessions end as interrupted by a restart, and are
 * continued when their people come back within HISTORY_CONTINUE_MINUTES.
 */
export async function createHistoryObserver(opts: {
  logger: Logger;
  /** Stored on the sessions this node opens or continues. */
  nodeId?: string;
  /** Several nodes: close only these nodes' stale rows (this one + dead ones). Default: all. */
  staleNodeIds?: readonly string[];
  /** Several nodes: may a session left open by that node be taken over here? */
  adoptable?: (nodeId: string | null) => boolean | Promise<boolean>;
}): Promise<HistoryRecorder> {
  await ensureDatabaseMigrated();
  const log = opts.logger.child({ component: "history" });
  const config = historyConfigFromEnv();
  const closed = await closeStaleSessions(prisma, { nodeIds: opts.staleNodeIds });
  if (closed.sessions || closed.attendances) {
    log.info({ ...closed, nodes: opts.staleNodeIds }, "closed meeting sessions/attendances left open by the previous run");
  }
  return new HistoryRecorder({
    db: prisma,
    logger: log,
    continueWindowMs: config.continueWindowMs,
    nodeId: opts.nodeId,
    adoptable: opts.adoptable,
  });
}
