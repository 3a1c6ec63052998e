-- AlterTable
ALTER TABLE "Meeting" ADD COLUMN     "icsSequence" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "recurrenceRule" TEXT;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "sessionsValidFrom" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "MeetingAttendee" (
    "id" TEXT NOT NULL,
    "meetingId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "mailStatus" TEXT NOT NULL DEFAULT 'pending',
    "mailError" TEXT,
    "mailedAt" TIMESTAMP(3),
    "mailedSequence" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MeetingAttendee_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MeetingOccurrence" (
    "id" TEXT NOT NULL,
    "meetingId" TEXT NOT NULL,
    "originalStartsAt" TIMESTAMP(3) NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "durationMinutes" INTEGER NOT NULL,
    "cancelled" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "MeetingOccurrence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QualityPoint" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "attendanceId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "packetLoss" DOUBLE PRECISION,
    "rttMs" DOUBLE PRECISION,
    "sendKbps" DOUBLE PRECISION,
    "recvKbps" DOUBLE PRECISION,
    "score" DOUBLE PRECISION,
    "downPacketLoss" DOUBLE PRECISION,
    "downJitterMs" DOUBLE PRECISION,
    "downScore" DOUBLE PRECISION,

    CONSTRAINT "QualityPoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttendanceEvent" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "attendanceId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,

    CONSTRAINT "AttendanceEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MeetingAttendee_meetingId_email_key" ON "MeetingAttendee"("meetingId", "email");

-- CreateIndex
CREATE UNIQUE INDEX "MeetingOccurrence_meetingId_originalStartsAt_key" ON "MeetingOccurrence"("meetingId", "originalStartsAt");

-- CreateIndex
CREATE INDEX "QualityPoint_sessionId_at_idx" ON "QualityPoint"("sessionId", "at");

-- CreateIndex
CREATE INDEX "QualityPoint_attendanceId_idx" ON "QualityPoint"("attendanceId");

-- CreateIndex
CREATE INDEX "AttendanceEvent_sessionId_at_idx" ON "AttendanceEvent"("sessionId", "at");

-- CreateIndex
CREATE INDEX "AttendanceEvent_attendanceId_idx" ON "AttendanceEvent"("attendanceId");

-- AddForeignKey
ALTER TABLE "MeetingAttendee" ADD CONSTRAINT "MeetingAttendee_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MeetingOccurrence" ADD CONSTRAINT "MeetingOccurrence_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QualityPoint" ADD CONSTRAINT "QualityPoint_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "MeetingSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QualityPoint" ADD CONSTRAINT "QualityPoint_attendanceId_fkey" FOREIGN KEY ("attendanceId") REFERENCES "Attendance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AttendanceEvent" ADD CONSTRAINT "AttendanceEvent_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "MeetingSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AttendanceEvent" ADD CONSTRAINT "AttendanceEvent_attendanceId_fkey" FOREIGN KEY ("attendanceId") REFERENCES "Attendance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

