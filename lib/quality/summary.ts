// The call-quality summary of one attendance, in both directions: what the recorder writes
// (server/history/bookkeeping.ts) and what the reports read (lib/admin/history-queries.ts).
export interface QualitySummary {
  // uplink: what this person sends
  qualitySamples: number;
  meanPacketLoss: number | null;
  maxPacketLoss: number | null;
  meanRttMs: number | null;
  meanSendKbps: number | null;
  meanRecvKbps: number | null;
  meanScore: number | null;
  // downlink: what this person receives from the SFU (when the SFU reports it)
  downSamples: number;
  meanDownPacketLoss: number | null;
  maxDownPacketLoss: number | null;
  meanDownJitterMs: number | null;
  meanDownScore: number | null;
  meanDownKbps: number | null;
}
