import { test } from "node:test";
import assert from "node:assert/strict";
import {
  isValidTimeZone,
  parseWallTime,
  timeZoneOffsetMs,
  utcToZonedInputValue,
  zonedDayEndToUtc,
  zonedDayStartToUtc,
  zonedWallTimeToUtc,
} from "@/lib/time/zoned";

const iso = (d: Date) => d.toISOString();

test("UTC and fixed zones", () => {
  assert.equal(iso(zonedWallTimeToUtc("2030-01-15T09:30", "UTC")), "2030-01-15T09:30:00.000Z");
  assert.equal(iso(zonedWallTimeToUtc("2030-01-15T09:30", "Asia/Tokyo")), "2030-01-15T00:30:00.000Z");
  assert.equal(iso(zonedWallTimeToUtc("2030-01-15T09:30", "Asia/Kolkata")), "2030-01-15T04:00:00.000Z");
  assert.equal(iso(zonedWallTimeToUtc("2030-01-15T09:30", "Asia/Kathmandu")), "2030-01-15T03:45:00.000Z");
});

test("winter vs summer offsets (Europe/Paris, America/New_York)", () => {
  assert.equal(iso(zonedWallTimeToUtc("2030-01-15T09:00", "Europe/Paris")), "2030-01-15T08:00:00.000Z");
  assert.equal(iso(zonedWallTimeToUtc("2030-07-15T09:00", "Europe/Paris")), "2030-07-15T07:00:00.000Z");
  assert.equal(iso(zonedWallTimeToUtc("2024-01-15T09:00", "America/New_York")), "2024-01-15T14:00:00.000Z");
  assert.equal(iso(zonedWallTimeToUtc("2024-07-15T09:00", "America/New_York")), "2024-07-15T13:00:00.000Z");
  // Southern hemisphere: DST in January.
  assert.equal(iso(zonedWallTimeToUtc("2024-01-15T09:00", "Australia/Sydney")), "2024-01-14T22:00:00.000Z");
  assert.equal(iso(zonedWallTimeToUtc("2024-07-15T09:00", "Australia/Sydney")), "2024-07-14T23:00:00.000Z");
});

test("times right around a DST switch map to the right side", () => {
  // New York springs forward 2024-03-10 02:00 EST -> 03:00 EDT.
  assert.equal(iso(zonedWallTimeToUtc("2024-03-10T01:59", "America/New_York")), "2024-03-10T06:59:00.000Z");
  assert.equal(iso(zonedWallTimeToUtc("2024-03-10T03:00", "America/New_York")), "2024-03-10T07:00:00.000Z");
  // Paris falls back 2024-10-27 03:00 CEST -> 02:00 CET.
  assert.equal(iso(zonedWallTimeToUtc("2024-10-27T01:59", "Europe/Paris")), "2024-10-26T23:59:00.000Z");
  assert.equal(iso(zonedWallTimeToUtc("2024-10-27T03:00", "Europe/Paris")), "2024-10-27T02:00:00.000Z");
});

test("spring-forward gap: a non-existent wall time moves forward by the gap", () => {
  assert.equal(iso(zonedWallTimeToUtc("2024-03-10T02:30", "America/New_York")), "2024-03-10T07:30:00.000Z");
  assert.equal(utcToZonedInputValue(zonedWallTimeToUtc("2024-03-10T02:30", "America/New_York"), "America/New_York"), "2024-03-10T03:30");
  assert.equal(iso(zonedWallTimeToUtc("2024-03-31T02:15", "Europe/Paris")), "2024-03-31T01:15:00.000Z");
});

test("fall-back overlap: an ambiguous wall time takes the earlier instant", () => {
  // 01:30 happens twice in New York on 2024-11-03 (EDT then EST).
  assert.equal(iso(zonedWallTimeToUtc("2024-11-03T01:30", "America/New_York")), "2024-11-03T05:30:00.000Z");
  assert.equal(iso(zonedWallTimeToUtc("2024-10-27T02:30", "Europe/Paris")), "2024-10-27T00:30:00.000Z");
  // Lord Howe has a 30-minute DST shift.
  assert.equal(iso(zonedWallTimeToUtc("2024-04-07T01:45", "Australia/Lord_Howe")), "2024-04-06T14:45:00.000Z");
});

test("round trip UTC -> wall time -> UTC every 7 hours across a year", () => {
  for (const zone of ["America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago"]) {
    for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2025, 0, 1); t += 7 * 3_600_000) {
      const wall = utcToZonedInputValue(t, zone);
      const back = zonedWallTimeToUtc(wall, zone).getTime();
      // Same wall time back; for the repeated hour the earlier instant is chosen.
      assert.equal(utcToZonedInputValue(back, zone), wall, `${zone} ${new Date(t).toISOString()}`);
      assert.ok(back <= t, `${zone} ${new Date(t).toISOString()}`);
    }
  }
});

test("offsets", () => {
  assert.equal(timeZoneOffsetMs(Date.UTC(2030, 0, 1), "Europe/Paris"), 3_600_000);
  assert.equal(timeZoneOffsetMs(Date.UTC(2030, 6, 1), "America/Los_Angeles"), -7 * 3_600_000);
});

test("parsing and validation", () => {
  assert.deepEqual(parseWallTime("2030-02-03T04:05"), { year: 2030, month: 2, day: 3, hour: 4, minute: 5, second: 0 });
  assert.equal(parseWallTime("2030-02-30T04:05"), null);
  assert.equal(parseWallTime("2030-13-01T04:05"), null);
  assert.equal(parseWallTime("2030-01-01T24:00"), null);
  assert.equal(parseWallTime("tomorrow"), null);
  assert.ok(isValidTimeZone("Europe/Paris"));
  assert.ok(isValidTimeZone("UTC"));
  assert.ok(!isValidTimeZone("Mars/Olympus"));
  assert.ok(!isValidTimeZone("+01:00"));
  assert.ok(!isValidTimeZone(""));
  assert.throws(() => zonedWallTimeToUtc("2030-01-01T10:00", "Nope/Nope"), RangeError);
  assert.throws(() => zonedWallTimeToUtc("garbage", "UTC"), RangeError);
});

test("day bounds for date filters", () => {
  assert.equal(zonedDayStartToUtc("2024-03-10", "America/New_York")?.toISOString(), "2024-03-10T05:00:00.000Z");
  assert.equal(zonedDayEndToUtc("2024-03-10", "America/New_York")?.toISOString(), "2024-03-11T04:00:00.000Z");
  assert.equal(zonedDayEndToUtc("2024-12-31", "UTC")?.toISOString(), "2025-01-01T00:00:00.000Z");
  assert.equal(zonedDayStartToUtc("bad", "UTC"), null);
});
