-- Room controls of a meeting (issue 8): waiting room, guests before the host, join-token epoch.
-- ADD COLUMN rather than a table rebuild, so it composes with other branches' Meeting changes.
ALTER TABLE "Meeting" ADD COLUMN "waitingRoom" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Meeting" ADD COLUMN "joinBeforeHost" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "Meeting" ADD COLUMN "tokenEpoch" INTEGER NOT NULL DEFAULT 0;
