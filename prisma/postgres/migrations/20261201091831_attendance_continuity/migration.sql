-- DropIndex
DROP INDEX "Attendance_sessionId_participantKey_idx";

-- AlterTable
ALTER TABLE "Attendance" ADD COLUMN     "currentJoinAt" TIMESTAMP(3),
ADD COLUMN     "downSamples" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "endReason" TEXT,
ADD COLUMN     "inMeetingMs" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "joinCount" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "maxDownPacketLoss" DOUBLE PRECISION,
ADD COLUMN     "meanDownJitterMs" DOUBLE PRECISION,
ADD COLUMN     "meanDownKbps" DOUBLE PRECISION,
ADD COLUMN     "meanDownPacketLoss" DOUBLE PRECISION,
ADD COLUMN     "meanDownScore" DOUBLE PRECISION,
ADD COLUMN     "meanScore" DOUBLE PRECISION,
ADD COLUMN     "reconnectCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "role" TEXT NOT NULL DEFAULT 'guest';

-- AlterTable
ALTER TABLE "MeetingSession" ADD COLUMN     "endReason" TEXT,
ADD COLUMN     "resumeCount" INTEGER NOT NULL DEFAULT 0;

-- One row per person and session from now on: derive the new columns of the old per-stay
-- rows, then fold each person's rows of a session into their first one.
UPDATE "Attendance" AS a SET
    "inMeetingMs" = CASE WHEN a."leftAt" IS NULL THEN 0
        ELSE GREATEST(0, ROUND(EXTRACT(EPOCH FROM (a."leftAt" - a."joinedAt")) * 1000))::INTEGER END,
    "currentJoinAt" = CASE WHEN a."leftAt" IS NULL THEN a."joinedAt" END,
    "endReason" = CASE WHEN a."leftAt" IS NOT NULL THEN 'left' END,
    "role" = CASE
        WHEN a."isGuest" THEN 'guest'
        WHEN a."userId" IS NOT NULL AND a."userId" = (
            SELECT m."hostId" FROM "MeetingSession" s JOIN "Meeting" m ON m."id" = s."meetingId"
            WHERE s."id" = a."sessionId") THEN 'host'
        WHEN a."userId" IS NOT NULL THEN 'signed-in'
        ELSE 'guest' END;
CREATE TEMP TABLE "attendance_fold" AS
SELECT a."sessionId", a."participantKey",
    (SELECT b."id" FROM "Attendance" b
     WHERE b."sessionId" = a."sessionId" AND b."participantKey" = a."participantKey"
     ORDER BY b."joinedAt", b."id" LIMIT 1) AS "keepId",
    COUNT(*) AS "joins", SUM(a."inMeetingMs") AS "ms", MAX(a."leftAt") AS "lastLeft",
    SUM(CASE WHEN a."leftAt" IS NULL THEN 1 ELSE 0 END) AS "openRows", MAX(a."currentJoinAt") AS "openSince",
    MAX(a."lastSeenAt") AS "seen", SUM(a."qualitySamples") AS "samples",
    SUM(a."meanPacketLoss" * a."qualitySamples") AS "lossSum", MAX(a."maxPacketLoss") AS "lossMax",
    SUM(a."meanRttMs" * a."qualitySamples") AS "rttSum",
    SUM(CASE WHEN a."meanRttMs" IS NOT NULL THEN a."qualitySamples" ELSE 0 END) AS "rttSamples",
    SUM(a."meanSendKbps" * a."qualitySamples") AS "sendSum", SUM(a."meanRecvKbps" * a."qualitySamples") AS "recvSum"
FROM "Attendance" a
GROUP BY a."sessionId", a."participantKey"
HAVING COUNT(*) > 1;
UPDATE "Attendance" AS a SET
    "joinCount" = f."joins",
    "inMeetingMs" = f."ms",
    "leftAt" = CASE WHEN f."openRows" > 0 THEN NULL ELSE f."lastLeft" END,
    "currentJoinAt" = CASE WHEN f."openRows" > 0 THEN f."openSince" END,
    "endReason" = CASE WHEN f."openRows" > 0 THEN NULL ELSE 'left' END,
    "lastSeenAt" = f."seen",
    "qualitySamples" = f."samples",
    "meanPacketLoss" = CASE WHEN f."samples" > 0 THEN ROUND((f."lossSum" / f."samples")::NUMERIC, 2)::DOUBLE PRECISION END,
    "maxPacketLoss" = f."lossMax",
    "meanRttMs" = CASE WHEN f."rttSamples" > 0 THEN ROUND((f."rttSum" / f."rttSamples")::NUMERIC, 2)::DOUBLE PRECISION END,
    "meanSendKbps" = CASE WHEN f."samples" > 0 THEN ROUND((f."sendSum" / f."samples")::NUMERIC, 2)::DOUBLE PRECISION END,
    "meanRecvKbps" = CASE WHEN f."samples" > 0 THEN ROUND((f."recvSum" / f."samples")::NUMERIC, 2)::DOUBLE PRECISION END
FROM "attendance_fold" f
WHERE a."id" = f."keepId";
DELETE FROM "Attendance" b USING "attendance_fold" f
WHERE f."sessionId" = b."sessionId" AND f."participantKey" = b."participantKey" AND b."id" <> f."keepId";
DROP TABLE "attendance_fold";
UPDATE "MeetingSession" SET "endReason" = 'empty' WHERE "endedAt" IS NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Attendance_sessionId_participantKey_key" ON "Attendance"("sessionId", "participantKey");

