// How the camera and screen are sent: layers, bitrates, scalability modes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cameraSendPlan, layerBitrate, screenSendPlan, SCREEN_SVC_MODE } from "../../lib/client/simulcast";

test("a 720p camera: 320x180, 640x360, 1280x720 with L1T3, ~150 / 500 / 1300 kbit/s", () => {
  const plan = cameraSendPlan(1280, 720);
  assert.deepEqual(plan.layers, [
    { width: 320, height: 180 },
    { width: 640, height: 360 },
    { width: 1280, height: 720 },
  ]);
  assert.deepEqual(plan.encodings.map((e) => e.scaleResolutionDownBy), [4, 2, 1]);
  assert.deepEqual(plan.encodings.map((e) => e.maxBitrate), [150_000, 500_000, 1_300_000]);
  assert.ok(plan.encodings.every((e) => e.scalabilityMode === "L1T3"));
});

test("smaller cameras get fewer layers (none narrower than 160 px)", () => {
  assert.equal(cameraSendPlan(640, 480).layers.length, 3);
  assert.deepEqual(cameraSendPlan(640, 480).layers[0], { width: 160, height: 120 });
  assert.equal(cameraSendPlan(320, 240).layers.length, 2);
  assert.equal(cameraSendPlan(160, 120).layers.length, 1);
  assert.equal(cameraSendPlan(0, 0).layers.length, 3, "unknown size: assume 640x360");
});

test("no temporal layers when the codec cannot do them (some H264 encoders)", () => {
  const plan = cameraSendPlan(1280, 720, null);
  assert.ok(plan.encodings.every((e) => e.scalabilityMode === undefined));
});

test("bitrates grow with the picture size and stay within bounds", () => {
  assert.ok(layerBitrate(640, 480) > layerBitrate(640, 360));
  assert.ok(layerBitrate(160, 90) >= 60_000);
  assert.equal(layerBitrate(3840, 2160), 2_200_000);
});

test("screen share: one high-res encoding with priority; SVC with VP9", () => {
  const svc = screenSendPlan(1920, 1080, true);
  assert.equal(svc.encodings.length, 1);
  assert.equal(svc.encodings[0].scalabilityMode, SCREEN_SVC_MODE);
  assert.equal(svc.encodings[0].priority, "high");
  assert.equal(svc.encodings[0].networkPriority, "high");
  assert.deepEqual(svc.layers.at(-1), { width: 1920, height: 1080 });
  assert.equal(svc.layers.length, 3);
  const single = screenSendPlan(1280, 720, false);
  assert.equal(single.encodings.length, 1);
  assert.deepEqual(single.layers, [{ width: 1280, height: 720 }]);
});
