-- AlterTable
ALTER TABLE "Meeting" ADD COLUMN     "joinBeforeHost" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "tokenEpoch" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "waitingRoom" BOOLEAN NOT NULL DEFAULT false;
