-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Attendance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "userId" TEXT,
    "participantKey" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "isGuest" BOOLEAN NOT NULL DEFAULT false,
    "role" TEXT NOT NULL DEFAULT 'guest',
    "joinedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leftAt" DATETIME,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "currentJoinAt" DATETIME,
    "joinCount" INTEGER NOT NULL DEFAULT 1,
    "inMeetingMs" INTEGER NOT NULL DEFAULT 0,
    "reconnectCount" INTEGER NOT NULL DEFAULT 0,
    "endReason" TEXT,
    "qualitySamples" INTEGER NOT NULL DEFAULT 0,
    "meanPacketLoss" REAL,
    "maxPacketLoss" REAL,
    "meanRttMs" REAL,
    "meanSendKbps" REAL,
    "meanRecvKbps" REAL,
    "meanScore" REAL,
    "downSamples" INTEGER NOT NULL DEFAULT 0,
    "meanDownPacketLoss" REAL,
    "maxDownPacketLoss" REAL,
    "meanDownJitterMs" REAL,
    "meanDownScore" REAL,
    "meanDownKbps" REAL,
    CONSTRAINT "Attendance_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "MeetingSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Attendance_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Attendance" ("displayName", "id", "isGuest", "joinedAt", "lastSeenAt", "leftAt", "maxPacketLoss", "meanPacketLoss", "meanRecvKbps", "meanRttMs", "meanSendKbps", "participantKey", "qualitySamples", "sessionId", "userId") SELECT "displayName", "id", "isGuest", "joinedAt", "lastSeenAt", "leftAt", "maxPacketLoss", "meanPacketLoss", "meanRecvKbps", "meanRttMs", "meanSendKbps", "participantKey", "qualitySamples", "sessionId", "userId" FROM "Attendance";
-- One row per person and session from now on: derive the new columns of the old per-stay
-- rows, then fold each person's rows of a session into their first one.
UPDATE "new_Attendance" SET
    "inMeetingMs" = CASE WHEN "leftAt" IS NULL THEN 0
        ELSE MAX(0, CAST(ROUND((julianday("leftAt") - julianday("joinedAt")) * 86400000) AS INTEGER)) END,
    "currentJoinAt" = CASE WHEN "leftAt" IS NULL THEN "joinedAt" END,
    "endReason" = CASE WHEN "leftAt" IS NOT NULL THEN 'left' END,
    "role" = CASE
        WHEN "isGuest" THEN 'guest'
        WHEN "userId" IS NOT NULL AND "userId" = (
            SELECT m."hostId" FROM "MeetingSession" s JOIN "Meeting" m ON m."id" = s."meetingId"
            WHERE s."id" = "new_Attendance"."sessionId") THEN 'host'
        WHEN "userId" IS NOT NULL THEN 'signed-in'
        ELSE 'guest' END;
CREATE TEMP TABLE "attendance_fold" AS
SELECT a."sessionId", a."participantKey",
    (SELECT b."id" FROM "new_Attendance" b
     WHERE b."sessionId" = a."sessionId" AND b."participantKey" = a."participantKey"
     ORDER BY b."joinedAt", b."id" LIMIT 1) AS "keepId",
    COUNT(*) AS "joins", SUM(a."inMeetingMs") AS "ms", MAX(a."leftAt") AS "lastLeft",
    SUM(CASE WHEN a."leftAt" IS NULL THEN 1 ELSE 0 END) AS "openRows", MAX(a."currentJoinAt") AS "openSince",
    MAX(a."lastSeenAt") AS "seen", SUM(a."qualitySamples") AS "samples",
    SUM(a."meanPacketLoss" * a."qualitySamples") AS "lossSum", MAX(a."maxPacketLoss") AS "lossMax",
    SUM(a."meanRttMs" * a."qualitySamples") AS "rttSum",
    SUM(CASE WHEN a."meanRttMs" IS NOT NULL THEN a."qualitySamples" ELSE 0 END) AS "rttSamples",
    SUM(a."meanSendKbps" * a."qualitySamples") AS "sendSum", SUM(a."meanRecvKbps" * a."qualitySamples") AS "recvSum"
FROM "new_Attendance" a
GROUP BY a."sessionId", a."participantKey"
HAVING COUNT(*) > 1;
UPDATE "new_Attendance" SET
    "joinCount" = f."joins",
    "inMeetingMs" = f."ms",
    "leftAt" = CASE WHEN f."openRows" > 0 THEN NULL ELSE f."lastLeft" END,
    "currentJoinAt" = CASE WHEN f."openRows" > 0 THEN f."openSince" END,
    "endReason" = CASE WHEN f."openRows" > 0 THEN NULL ELSE 'left' END,
    "lastSeenAt" = f."seen",
    "qualitySamples" = f."samples",
    "meanPacketLoss" = CASE WHEN f."samples" > 0 THEN ROUND(f."lossSum" / f."samples", 2) END,
    "maxPacketLoss" = f."lossMax",
    "meanRttMs" = CASE WHEN f."rttSamples" > 0 THEN ROUND(f."rttSum" / f."rttSamples", 2) END,
    "meanSendKbps" = CASE WHEN f."samples" > 0 THEN ROUND(f."sendSum" / f."samples", 2) END,
    "meanRecvKbps" = CASE WHEN f."samples" > 0 THEN ROUND(f."recvSum" / f."samples", 2) END
FROM "attendance_fold" f
WHERE "new_Attendance"."id" = f."keepId";
DELETE FROM "new_Attendance" WHERE "id" IN (
    SELECT b."id" FROM "new_Attendance" b
    JOIN "attendance_fold" f ON f."sessionId" = b."sessionId" AND f."participantKey" = b."participantKey"
    WHERE b."id" <> f."keepId");
DROP TABLE "attendance_fold";
DROP TABLE "Attendance";
ALTER TABLE "new_Attendance" RENAME TO "Attendance";
CREATE INDEX "Attendance_sessionId_joinedAt_idx" ON "Attendance"("sessionId", "joinedAt");
CREATE INDEX "Attendance_userId_idx" ON "Attendance"("userId");
CREATE UNIQUE INDEX "Attendance_sessionId_participantKey_key" ON "Attendance"("sessionId", "participantKey");
CREATE TABLE "new_MeetingSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "meetingId" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "peakParticipants" INTEGER NOT NULL DEFAULT 0,
    "endReason" TEXT,
    "resumeCount" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "MeetingSession_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_MeetingSession" ("endedAt", "id", "lastSeenAt", "meetingId", "peakParticipants", "startedAt", "endReason") SELECT "endedAt", "id", "lastSeenAt", "meetingId", "peakParticipants", "startedAt", CASE WHEN "endedAt" IS NOT NULL THEN 'empty' END FROM "MeetingSession";
DROP TABLE "MeetingSession";
ALTER TABLE "new_MeetingSession" RENAME TO "MeetingSession";
CREATE INDEX "MeetingSession_startedAt_idx" ON "MeetingSession"("startedAt");
CREATE INDEX "MeetingSession_meetingId_startedAt_idx" ON "MeetingSession"("meetingId", "startedAt");
CREATE INDEX "MeetingSession_endedAt_idx" ON "MeetingSession"("endedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
