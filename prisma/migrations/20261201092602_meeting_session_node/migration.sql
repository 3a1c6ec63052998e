-- AlterTable
ALTER TABLE "MeetingSession" ADD COLUMN "nodeId" TEXT;

-- CreateIndex
CREATE INDEX "MeetingSession_nodeId_endedAt_idx" ON "MeetingSession"("nodeId", "endedAt");
