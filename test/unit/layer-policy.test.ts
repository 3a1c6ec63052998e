// Per-viewer layers: which layer a viewer's tile gets, when it is paused, what dynacast asks
// the publisher for, and the consumer priorities.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chooseLayers,
  consumerPriority,
  DEFAULT_SPATIAL_LAYER,
  neededSpatialLayer,
  parseScalabilityMode,
  producerLayers,
  PRIORITY,
  type ProducerLayers,
} from "../../server/rooms/layer-policy";

const camera: ProducerLayers = {
  sizes: [
    { width: 320, height: 180 },
    { width: 640, height: 360 },
    { width: 1280, height: 720 },
  ],
  temporalLayers: 3,
};
const view = (width: number, height: number, visible = true) => ({ visible, width, height });

test("the smallest layer at least as large as the tile (device pixels)", () => {
  assert.deepEqual(chooseLayers(camera, view(320, 180), "cover"), { paused: false, spatialLayer: 0, temporalLayer: 2 });
  assert.deepEqual(chooseLayers(camera, view(321, 180), "cover"), { paused: false, spatialLayer: 1, temporalLayer: 2 });
  assert.deepEqual(chooseLayers(camera, view(640, 360), "cover"), { paused: false, spatialLayer: 1, temporalLayer: 2 });
  assert.deepEqual(chooseLayers(camera, view(641, 300), "cover"), { paused: false, spatialLayer: 2, temporalLayer: 2 });
  // a 460 px CSS tile on a 2x screen is 920 device pixels: the 720p layer
  assert.deepEqual(chooseLayers(camera, view(920, 518), "cover"), { paused: false, spatialLayer: 2, temporalLayer: 2 });
});

test("larger than every layer: the largest", () => {
  assert.deepEqual(chooseLayers(camera, view(2560, 1440), "cover"), { paused: false, spatialLayer: 2, temporalLayer: 2 });
});

test("cover needs both sides, contain either (a letterboxed screen share)", () => {
  // a tall narrow tile: cover must fill its height, contain only its width
  assert.equal((chooseLayers(camera, view(300, 400), "cover") as { spatialLayer: number }).spatialLayer, 2);
  assert.equal((chooseLayers(camera, view(300, 400), "contain") as { spatialLayer: number }).spatialLayer, 0);
});

test("hidden, zero-sized or invisible tiles pause the consumer", () => {
  assert.deepEqual(chooseLayers(camera, view(640, 360, false), "cover"), { paused: true });
  assert.deepEqual(chooseLayers(camera, view(0, 0), "cover"), { paused: true });
  assert.deepEqual(chooseLayers(camera, view(0, 360), "cover"), { paused: true });
});

test("no report yet: the default middle layer, full frame rate", () => {
  assert.deepEqual(chooseLayers(camera, null, "cover"), { paused: false, spatialLayer: DEFAULT_SPATIAL_LAYER, temporalLayer: 2 });
  const single = { sizes: [{ width: 1280, height: 720 }], temporalLayers: 1 };
  assert.deepEqual(chooseLayers(single, null, "contain"), { paused: false, spatialLayer: 0, temporalLayer: 0 });
});

test("a tile much smaller than the lowest layer drops the top temporal layer", () => {
  assert.deepEqual(chooseLayers(camera, view(160, 90), "cover"), { paused: false, spatialLayer: 0, temporalLayer: 1 });
  assert.deepEqual(chooseLayers(camera, view(200, 112), "cover"), { paused: false, spatialLayer: 0, temporalLayer: 2 });
});

test("scalability modes and producer layers (simulcast, SVC, undeclared sizes)", () => {
  assert.deepEqual(parseScalabilityMode("L1T3"), { spatialLayers: 1, temporalLayers: 3 });
  assert.deepEqual(parseScalabilityMode("L3T3_KEY"), { spatialLayers: 3, temporalLayers: 3 });
  assert.deepEqual(parseScalabilityMode("S2T1"), { spatialLayers: 2, temporalLayers: 1 });
  assert.deepEqual(parseScalabilityMode(undefined), { spatialLayers: 1, temporalLayers: 1 });
  assert.deepEqual(parseScalabilityMode("garbage"), { spatialLayers: 1, temporalLayers: 1 });
  // simulcast: one encoding per layer, sizes as declared
  const simulcast = producerLayers([{ scalabilityMode: "L1T3" }, { scalabilityMode: "L1T3" }, { scalabilityMode: "L1T3" }], camera.sizes);
  assert.deepEqual(simulcast, camera);
  // SVC: one encoding, three spatial layers
  const svc = producerLayers([{ scalabilityMode: "L3T3_KEY" }], [
    { width: 480, height: 270 },
    { width: 960, height: 540 },
    { width: 1920, height: 1080 },
  ]);
  assert.equal(svc.sizes.length, 3);
  assert.equal(svc.temporalLayers, 3);
  // declared sizes that do not match the encodings are ignored: a halving ladder from 720p
  assert.deepEqual(producerLayers([{}, {}], [{ width: 1, height: 1 }]).sizes, [
    { width: 640, height: 360 },
    { width: 1280, height: 720 },
  ]);
});

test("dynacast: the highest layer any visible viewer needs, null when none", () => {
  assert.equal(neededSpatialLayer([]), null);
  assert.equal(neededSpatialLayer([{ paused: true }, { paused: true }]), null);
  assert.equal(
    neededSpatialLayer([
      { paused: false, spatialLayer: 0, temporalLayer: 2 },
      { paused: true },
      { paused: false, spatialLayer: 1, temporalLayer: 0 },
    ]),
    1,
  );
});

test("priorities: screen > active speaker > others", () => {
  assert.ok(consumerPriority("screen", false) > consumerPriority("camera", true));
  assert.ok(consumerPriority("camera", true) > consumerPriority("camera", false));
  assert.equal(consumerPriority("camera", false), PRIORITY.other);
  assert.ok(PRIORITY.other >= 1 && PRIORITY.screen <= 255);
});
