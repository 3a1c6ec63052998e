// Device rules that need no browser: the constraints that open a chosen device, the
// remembered choices, the microphone level scale, the "you are muted" detector and the
// pre-join name prefill (the "GuestBo" race).
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { deviceConstraints, loadDevicePrefs, saveDevicePref } from "../../lib/client/devices";
import { CAMERA_CONSTRAINTS } from "../../lib/client/local-media";
import { HINT_HOLD_MS, MutedSpeechDetector, SPEECH_MIN_MS, levelFromRms } from "../../lib/client/audio-level";
import { shouldPrefillName } from "../../lib/client/display-name";

const g = globalThis as { localStorage?: Storage };
afterEach(() => {
  delete g.localStorage;
});

function fakeStorage(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, String(v)),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: () => null,
    get length() {
      return m.size;
    },
  };
}

test("a chosen device is opened exactly (Chromium ignores an 'ideal' deviceId); none = the default", () => {
  assert.deepEqual(deviceConstraints("camera", "cam-2"), { ...CAMERA_CONSTRAINTS, deviceId: { exact: "cam-2" } });
  assert.deepEqual(deviceConstraints("camera", null), CAMERA_CONSTRAINTS);
  assert.equal((deviceConstraints("mic", "m1") as { echoCancellation?: boolean }).echoCancellation, true);
});

test("choices are remembered per kind; garbage and missing storage give the defaults", () => {
  assert.deepEqual(loadDevicePrefs(), {}, "no storage at all");
  g.localStorage = fakeStorage();
  saveDevicePref("camera", "c1");
  saveDevicePref("speaker", "s1");
  saveDevicePref("mic", "m1");
  saveDevicePref("mic", null);
  assert.deepEqual(loadDevicePrefs(), { camera: "c1", speaker: "s1" });
  g.localStorage.setItem("meet.devices", "{not json");
  assert.deepEqual(loadDevicePrefs(), {});
  g.localStorage.setItem("meet.devices", JSON.stringify({ camera: 42, mic: "x".repeat(1000), speaker: "ok" }));
  assert.deepEqual(loadDevicePrefs(), { speaker: "ok" });
});

test("level scale: silence 0, -60 dBFS 0, -35 dBFS half, -10 dBFS and louder 1", () => {
  assert.equal(levelFromRms(0), 0);
  assert.equal(levelFromRms(NaN), 0);
  assert.equal(levelFromRms(10 ** (-60 / 20)), 0);
  assert.ok(Math.abs(levelFromRms(10 ** (-35 / 20)) - 0.5) < 1e-9);
  assert.equal(levelFromRms(10 ** (-10 / 20)), 1);
  assert.equal(levelFromRms(1), 1);
});

test("'you are muted': sustained speech with the mic off shows it, held a while; mic on hides it", () => {
  const d = new MutedSpeechDetector();
  let t = 0;
  const feed = (level: number, ms: number, micOn = false) => {
    let shown = false;
    for (const end = t + ms; t < end; t += 50) shown = d.update(level, micOn, t);
    return shown;
  };
  assert.equal(feed(0.9, SPEECH_MIN_MS - 100), false, "a short sound is not speech");
  assert.equal(feed(0, 400), false);
  assert.equal(feed(0.9, SPEECH_MIN_MS + 100), true);
  assert.equal(feed(0, HINT_HOLD_MS - 200), true, "stays up a little after the speech");
  assert.equal(feed(0, 400), false);
  assert.equal(feed(0.9, SPEECH_MIN_MS + 100), true);
  assert.equal(feed(0.9, 100, true), false, "unmuted: gone at once");
  assert.equal(feed(0.1, 2000), false, "background noise is not speech");
});

test("name prefill: only a signed-in name, only into an empty untouched field (the GuestBo race)", () => {
  const user = { name: "Alice Host", guest: false };
  const guest = { name: "Guest", guest: true };
  assert.equal(shouldPrefillName("", false, user), true);
  assert.equal(shouldPrefillName("", false, guest), false, "the guest placeholder name is never typed in for them");
  assert.equal(shouldPrefillName("", true, user), false, "the person typed (maybe cleared it again): keep their field");
  assert.equal(shouldPrefillName("Bo", false, user), false);
  assert.equal(shouldPrefillName("", false, { name: "  " , guest: false }), false);
  assert.equal(shouldPrefillName("", false, { name: "Old token without the claim" }), false);
});
